"""The dispatcher: claims, backoff, the failed state, recovery of a dispatcher that died mid-send,
and two dispatchers at once sending each message exactly once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from casework.auth.roles import Role
from casework.db_types import utcnow
from casework.extensions import db
from casework.notifications import services
from casework.notifications.models import OutboxMessage, Status
from tests.builders import make_user
from tests.notifications.helpers import all_rows, notice, queue_many
from tests.notifications.support import SMTPSink, free_port
from tests.services import postgres_url


def _refresh(row: OutboxMessage) -> OutboxMessage:
    db.session.refresh(row)
    return row


def test_due_messages_are_sent_and_recorded(mail_app):
    mail_app()
    queue_many(12)

    assert services.dispatch_pending() == 12

    rows = all_rows()
    assert {r.status for r in rows} == {Status.SENT}
    assert all(r.attempts == 1 and r.provider == "file" and r.provider_reference for r in rows)
    assert all(r.sent_at >= r.sending_started_at >= r.created_at for r in rows)
    assert services.dispatch_pending() == 0  # nothing is sent twice


def test_the_limit_caps_one_run_and_the_rest_wait_for_the_next(mail_app):
    mail_app(MAIL_CLAIM_BATCH=3)
    queue_many(10)

    assert services.dispatch_pending(limit=4) == 4
    assert services.has_due_messages()
    assert services.dispatch_pending(limit=100) == 6
    assert not services.has_due_messages()


def test_a_message_not_yet_due_waits(mail_app):
    mail_app()
    row = notice("later")
    row.next_attempt_at = utcnow() + timedelta(minutes=5)
    db.session.commit()

    assert services.dispatch_pending() == 0
    assert services.dispatch_pending(now=utcnow() + timedelta(minutes=6)) == 1


def test_failures_back_off_exponentially_then_the_message_fails(mail_app):
    closed = free_port()  # nothing listens: every attempt is refused
    mail_app(MAIL_SENDER="smtp", MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=closed, MAIL_MAX_ATTEMPTS=8)
    row = notice("doomed")
    db.session.commit()
    now = utcnow()
    waits = []

    for attempt in range(1, 9):
        assert services.dispatch_pending(now=now) == 0
        _refresh(row)
        assert row.attempts == attempt
        assert "ConnectionRefusedError" in row.last_error
        if attempt < 8:
            assert row.status == Status.PENDING
            waits.append((row.next_attempt_at - now).total_seconds())
            # Not due a moment before its time; due at it.
            assert services.dispatch_pending(now=row.next_attempt_at - timedelta(seconds=1)) == 0
            now = row.next_attempt_at

    assert waits == [30, 60, 120, 240, 480, 960, 1920]
    assert row.status == Status.FAILED
    assert services.dispatch_pending(now=now + timedelta(days=1)) == 0  # failed stays failed


def test_backoff_is_capped():
    config = {"MAIL_BACKOFF_SECONDS": 30, "MAIL_BACKOFF_MAX_SECONDS": 3600}
    assert services.backoff(1, config) == timedelta(seconds=30)
    assert services.backoff(3, config) == timedelta(seconds=120)
    assert services.backoff(30, config) == timedelta(hours=1)


def test_a_message_left_sending_by_a_dead_dispatcher_is_sent_when_its_claim_lapses(mail_app, smtp_sink):
    mail_app(**smtp_sink.settings(), MAIL_STALE_SENDING_SECONDS=300)
    row = notice("orphan")
    db.session.commit()
    now = utcnow()
    services._claim(now, 10, timedelta(seconds=300), "smtp")  # ...and the dispatcher died here
    assert _refresh(row).status == Status.SENDING

    assert services.dispatch_pending(now=now + timedelta(seconds=299)) == 0
    assert services.dispatch_pending(now=now + timedelta(seconds=301)) == 1

    _refresh(row)
    assert row.status == Status.SENT and row.attempts == 2
    assert [d.message_id for d in smtp_sink.deliveries] == [row.message_id]


def test_a_late_dispatcher_does_not_overwrite_the_one_that_took_over(mail_app):
    mail_app()
    row = notice("slow")
    db.session.commit()
    now = utcnow()
    [first] = services._claim(now, 10, timedelta(seconds=60), "file").messages
    [second] = services._claim(now + timedelta(seconds=61), 10, timedelta(seconds=60), "file").messages

    services._record_failure(first, "too late", now + timedelta(seconds=62), permanent=True)
    assert _refresh(row).status == Status.SENDING  # the first's claim had lapsed: ignored
    services._record_sent(second, "ref", now + timedelta(seconds=62))
    assert _refresh(row).status == Status.SENT and row.last_error is None


def test_a_message_whose_sends_keep_dying_is_failed_not_tried_for_ever(mail_app):
    mail_app(MAIL_MAX_ATTEMPTS=3)
    row = notice("poison")
    db.session.commit()
    now = utcnow()
    for n in range(3):
        services._claim(now + timedelta(minutes=10 * n), 10, timedelta(minutes=5), "file")

    assert services.dispatch_pending(now=now + timedelta(hours=1)) == 0

    _refresh(row)
    assert row.status == Status.FAILED
    assert "stopped while sending this message, 3 times" in row.last_error


def test_resend_puts_a_failed_message_back_with_the_same_message_id(mail_app):
    mail_app()
    admin = make_user(Role.ADMIN)
    row = notice("again")
    row.status, row.attempts, row.last_error = Status.FAILED.value, 8, "gave up"
    db.session.commit()
    message_id = row.message_id

    services.resend(row.id, admin)

    _refresh(row)
    assert (row.status, row.attempts, row.message_id) == (Status.PENDING, 0, message_id)
    assert row.resent_by_id == admin.id and row.resent_at is not None
    assert services.dispatch_pending() == 1
    assert _refresh(row).message_id == message_id


def test_resend_refuses_what_is_not_failed_and_people_who_are_not_admins(mail_app):
    mail_app()
    row = notice("fine")
    db.session.commit()

    with pytest.raises(services.OutboxError, match="Only failed messages can be resent; this one is pending"):
        services.resend(row.id, make_user(Role.ADMIN))
    with pytest.raises(services.OutboxError, match="Only administrators"):
        services.resend(row.id, make_user(Role.MANAGER))
    with pytest.raises(services.OutboxError, match="no such message"):
        services.resend(row.id + 1000, make_user(Role.ADMIN))


def _dispatch_in_thread(app, results: list, errors: list) -> None:
    with app.app_context():
        try:
            results.append(services.dispatch_pending(limit=1000))
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            db.session.remove()


def test_two_dispatchers_at_once_send_each_message_exactly_once(mail_app, database_url, tmp_path):
    from casework import create_app
    from tests.conftest import make_config

    sink = SMTPSink(delay=0.002).start()
    try:
        settings = {**sink.settings(), "MAIL_CLAIM_BATCH": 5}
        mail_app(**settings)
        rows = queue_many(120)
        apps = [create_app(make_config(database_url, tmp_path / f"d{n}", **settings)) for n in range(2)]
        results, errors = [], []
        threads = [threading.Thread(target=_dispatch_in_thread, args=(a, results, errors)) for a in apps]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        sink.stop()

    assert not errors, errors
    assert sum(results) == 120
    counts = sink.handler.per_message_id()
    assert set(counts) == {r.message_id for r in rows}
    assert max(counts.values()) == 1, [m for m, c in counts.items() if c > 1]
    assert {r.status for r in all_rows()} == {Status.SENT}


def test_on_postgresql_a_dispatcher_skips_rows_another_holds_without_waiting(
    mail_app, database_url, tmp_path
):
    postgres_url()
    from casework import create_app
    from tests.conftest import make_config

    mail_app()
    rows = queue_many(3)
    other = create_app(make_config(database_url, tmp_path / "holder"))
    held = threading.Event()
    release = threading.Event()

    def hold_first_row() -> None:
        with other.app_context():
            db.session.execute(
                select(OutboxMessage.id).where(OutboxMessage.id == rows[0].id).with_for_update()
            ).all()
            held.set()
            release.wait(10)
            db.session.rollback()
            db.session.remove()

    holder = threading.Thread(target=hold_first_row)
    holder.start()
    held.wait(10)
    try:
        started = time.monotonic()
        assert services.dispatch_pending() == 2
        assert time.monotonic() - started < 2, "waited for the locked row instead of skipping it"
    finally:
        release.set()
        holder.join(10)
    assert [_refresh(r).status for r in rows] == [Status.PENDING, Status.SENT, Status.SENT]
    assert services.dispatch_pending() == 1


def test_the_due_query_uses_the_status_and_time_index_on_postgresql(mail_app):
    postgres_url()
    mail_app()
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        db.session.scalars(
            text(
                "EXPLAIN SELECT id FROM outbox_messages WHERE status IN ('pending', 'sending') "
                "AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT 10"
            )
        )
    )
    db.session.rollback()
    assert "ix_outbox_messages_due" in plan, plan
