"""/admin/messages: administrators see every message, filter by status, open one, resend a failed one."""

from __future__ import annotations

import re

import pytest

from casework.auth.roles import Role
from casework.db_types import utcnow
from casework.extensions import db
from casework.notifications.models import OutboxMessage, Status
from tests.builders import make_user
from tests.conftest import csrf_token
from tests.notifications.helpers import all_rows, notice

ROW_RE = re.compile(r'<tr class="govuk-table__row" data-message-id="(\d+)">')


def _shown(page: str) -> list[int]:
    return [int(n) for n in ROW_RE.findall(page)]


@pytest.fixture
def outbox(app) -> dict[str, OutboxMessage]:
    """One message in each status."""
    rows = {
        "sent": notice("m-sent", to="sent@example.org"),
        "failed": notice("m-failed", to="failed@example.org"),
        "pending": notice("m-pending", to="pending@example.org"),
        "sending": notice("m-sending", to="sending@example.org"),
    }
    now = utcnow()
    rows["sent"].status, rows["sent"].attempts, rows["sent"].sent_at = "sent", 1, now
    rows["sent"].provider, rows["sent"].provider_reference = "smtp", "250 2.0.0 queued as 9F1C2"
    rows["failed"].status, rows["failed"].attempts = "failed", 8
    rows["failed"].last_error = "ConnectionRefusedError: [Errno 111] Connection refused"
    rows["sending"].status, rows["sending"].sending_started_at = "sending", now
    db.session.commit()
    return rows


def test_the_list_shows_every_message_with_its_details(client, admin, outbox):
    response = client.get("/admin/messages")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert sorted(_shown(page)) == sorted(r.id for r in outbox.values())
    for heading in (
        "Created",
        "To",
        "Template",
        "Subject",
        "Status",
        "Attempts",
        "Last error",
        "Provider reference",
    ):
        assert f">{heading}</th>" in page
    assert "failed@example.org" in page and "Reminder m-failed" in page
    assert "ConnectionRefusedError: [Errno 111] Connection refused" in page
    assert "250 2.0.0 queued as 9F1C2" in page
    assert "Failed (1)" in page and "Sent (1)" in page and "All (4)" in page
    assert 'href="/admin/messages"' in page.split("<main")[0]  # in the service navigation


@pytest.mark.parametrize("status", ["sent", "failed", "pending", "sending"])
def test_the_list_filters_by_status(client, admin, outbox, status):
    page = client.get(f"/admin/messages?status={status}").get_data(as_text=True)
    assert _shown(page) == [outbox[status].id]


def test_an_unknown_status_or_page_is_explained_not_an_error(client, admin, outbox):
    response = client.get("/admin/messages?status=lost&page=-3")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "There is no message status &#39;lost&#39;" in page
    assert "The page number must be 1 or more" in page
    assert len(_shown(page)) == 4
    assert client.get("/admin/messages?page=abc").status_code == 200


def test_the_list_is_paginated_newest_first(client, admin):
    for n in range(55):
        notice(f"page-{n:02d}")
    db.session.commit()
    ids = [r.id for r in all_rows()]

    first = client.get("/admin/messages").get_data(as_text=True)
    second = client.get("/admin/messages?page=2").get_data(as_text=True)
    beyond = client.get("/admin/messages?page=99").get_data(as_text=True)

    assert len(_shown(first)) == 50 and _shown(first)[0] == max(ids)
    assert sorted(_shown(first) + _shown(second)) == sorted(ids)
    assert 'href="/admin/messages?page=2"' in first
    assert "Showing 51 to 55 of 55" in second
    assert _shown(beyond) == _shown(second)  # past the end: the last page


def test_a_message_page_shows_what_was_sent(client, admin, outbox):
    row = outbox["sent"]
    page = client.get(f"/admin/messages/{row.id}").get_data(as_text=True)

    assert row.message_id.replace("<", "&lt;").replace(">", "&gt;") in page
    assert "Case m-sent is due for review tomorrow." in page
    assert "m-sent" in page  # the idempotency key
    assert 'id="resend"' not in page  # only failed messages can be resent
    assert client.get("/admin/messages/999999").status_code == 404


def test_resend_puts_a_failed_message_back_in_the_queue(client, admin, outbox):
    row = outbox["failed"]
    path = f"/admin/messages/{row.id}"
    page = client.get(path).get_data(as_text=True)
    assert 'id="resend"' in page

    response = client.post(f"{path}/resend", data={"csrf_token": csrf_token(client, path)})

    assert response.status_code == 302 and response.headers["Location"] == path
    db.session.expire_all()
    again = db.session.get(OutboxMessage, row.id)
    assert (again.status, again.attempts, again.message_id) == (Status.PENDING, 0, row.message_id)
    assert again.resent_by_id == admin.id
    followed = client.get(path).get_data(as_text=True)
    assert "will be sent again" in followed
    assert len(all_rows()) == 4  # the same row, not a copy


def test_resending_a_message_that_is_not_failed_says_why(client, admin, outbox):
    row = outbox["sent"]
    path = f"/admin/messages/{row.id}"
    response = client.post(
        f"{path}/resend", data={"csrf_token": csrf_token(client, path)}, follow_redirects=True
    )

    assert "Only failed messages can be resent; this one is sent." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, row.id).status == Status.SENT


def test_resend_without_the_csrf_token_is_refused(client, admin, outbox):
    response = client.post(f"/admin/messages/{outbox['failed'].id}/resend")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(OutboxMessage, outbox["failed"].id).status == Status.FAILED


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.PARTNER])
def test_people_who_are_not_admins_are_refused(client, login, outbox, role):
    login(make_user(role))
    failed = outbox["failed"].id

    assert client.get("/admin/messages").status_code == 403
    assert client.get(f"/admin/messages/{failed}").status_code == 403
    token = csrf_token(client, "/account")  # a valid token, so the refusal is about the role
    assert client.post(f"/admin/messages/{failed}/resend", data={"csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert db.session.get(OutboxMessage, failed).status == Status.FAILED


def test_signed_out_visitors_are_sent_to_sign_in(client, outbox):
    response = client.get("/admin/messages")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
