"""queue_message: one row per idempotency key, written in the caller's transaction and no other."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from casework.extensions import db
from casework.notifications import services
from casework.notifications.models import OutboxMessage, Status
from casework.notifications.render import TemplateError
from tests.cases.builders import make_case
from tests.notifications.helpers import all_rows, notice, rows_seen_by_another_connection
from tests.services import postgres_url

MESSAGE_ID = re.compile(r"^<[0-9a-f]{32}@[a-z0-9.-]+>$")


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_the_same_key_twice_in_one_transaction_is_one_row(app):
    first = notice("case-1-review-reminder")
    again = services.queue_message(
        key="case-1-review-reminder", to_address="someone.else@example.org", template="notice", context={}
    )
    db.session.commit()

    assert again is first
    assert _count() == 1
    assert all_rows()[0].to_address == "officer@example.org"


def test_a_key_already_committed_returns_that_row_and_adds_nothing(app):
    first = notice("case-2-ack")
    db.session.commit()
    first_id, first_message_id = first.id, first.message_id

    again = notice("case-2-ack", to="other@example.org")
    db.session.commit()

    assert again.id == first_id
    assert again.message_id == first_message_id
    assert _count() == 1


def test_nothing_is_committed_until_the_caller_commits(app, database_url):
    notice("case-3-ack")
    assert rows_seen_by_another_connection(database_url) == 0

    db.session.commit()
    assert rows_seen_by_another_connection(database_url) == 1


def test_a_rolled_back_transaction_leaves_no_message(app, database_url):
    notice("case-4-ack")
    db.session.rollback()

    assert _count() == 0
    assert rows_seen_by_another_connection(database_url) == 0
    # The key is free again: the change can be retried and queue its message.
    notice("case-4-ack")
    db.session.commit()
    assert _count() == 1


def test_a_new_row_is_pending_due_now_with_a_message_id_of_its_own(app):
    before = datetime.now(UTC)
    first, second = notice("a"), notice("b")
    db.session.commit()

    for row in (first, second):
        assert row.status == Status.PENDING
        assert row.attempts == 0
        assert before <= row.next_attempt_at <= datetime.now(UTC)
        assert MESSAGE_ID.match(row.message_id), row.message_id
        assert row.message_id.endswith("@casework.local>")  # the domain of MAIL_FROM
    assert first.message_id != second.message_id


def test_the_message_is_rendered_when_queued(app):
    row = notice("c", subject="Case DAR-2026-00001 is due for review", paragraphs=["Review it by Friday."])
    db.session.commit()

    assert row.subject == "Case DAR-2026-00001 is due for review"
    assert "Review it by Friday." in row.body_text
    assert "<p" in row.body_html and "Review it by Friday." in row.body_html


def test_context_dates_are_stored_as_text(app):
    row = notice("d", due=date(2026, 12, 24), at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    db.session.commit()
    db.session.expire_all()

    assert row.context["due"] == "2026-12-24"
    assert row.context["at"] == "2026-12-01T09:30:00+00:00"


def test_a_message_can_belong_to_a_case(app):
    case = make_case()
    row = services.queue_message(
        key=f"case-{case.id}-ack",
        to_address="officer@example.org",
        template="notice",
        context={"subject": f"{case.reference} logged", "paragraphs": ["It is in the queue."]},
        case_id=case.id,
    )
    db.session.commit()
    assert all_rows()[0].case_id == case.id == row.case_id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"key": ""}, "needs an idempotency key"),
        ({"key": "x" * 201}, "at most 200 characters"),
        ({"to_address": "not an address"}, "Not an e-mail address"),
        ({"to_address": "a@b.org\r\nBcc: everyone@example.org"}, "Not an e-mail address"),
        ({"template": "no_such_template"}, "No message template templates/emails/no_such_template"),
        ({"template": "../layout"}, "Message template names"),
        ({"context": {"paragraphs": ["no subject"]}}, "'subject' is undefined"),
        ({"context": {"subject": "S", "paragraphs": [], "x": object()}}, "only plain values"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_added(app, fields, message):
    values = {"key": "k", "to_address": "a@example.org", "template": "notice"}
    values["context"] = {"subject": "S", "paragraphs": ["P"]}
    values.update(fields)

    with pytest.raises((services.OutboxError, TemplateError), match=re.escape(message)):
        services.queue_message(**values)
    db.session.commit()
    assert _count() == 0


def test_two_transactions_queueing_one_key_at_once_make_one_row_on_postgresql(app, database_url):
    postgres_url()
    from casework import create_app
    from tests.conftest import make_config

    other = create_app(make_config(database_url, app.instance_path + "-other"))
    notice("race-key", to="first@example.org")  # inserted, not yet committed
    result: dict = {}

    def second_transaction() -> None:
        with other.app_context():
            started = time.monotonic()
            row = notice("race-key", to="second@example.org")  # waits for the first to commit
            result.update(waited=time.monotonic() - started, to=row.to_address)
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=second_transaction)
    thread.start()
    time.sleep(0.5)
    db.session.commit()
    thread.join(timeout=10)

    assert result["to"] == "first@example.org", "the second saw the first's row, not its own"
    assert result["waited"] >= 0.4
    assert _count() == 1
