"""Administrators manage user accounts: list, create, edit, deactivate, password links."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casework.auth.models import PasswordToken, User
from casework.auth.roles import Role
from casework.db_types import utcnow
from casework.extensions import db
from casework.notifications.services import dispatch_pending
from tests.auth.support import try_sign_in
from tests.builders import make_agency, make_borough, make_user
from tests.conftest import csrf_token

LINK_RE = re.compile(r'id="password-link">([^<]+)<')
NEW_PASSWORD = "a completely new passphrase"


def _user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _post(client, path: str, data: dict):
    return client.post(path, data={"csrf_token": csrf_token(client, "/admin/users/new"), **data})


def _create(client, **fields):
    data = {
        "name": "Sam Smith",
        "email": "sam@example.org",
        "role": "officer",
        "borough_id": "",
        "agency_id": "",
    }
    return _post(client, "/admin/users/new", {**data, **fields})


def _assert_error(response, field: str, message: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert f'<a href="#{field}">{message}</a>' in page.replace("&#39;", "'")
    assert f'id="{field}"' in page
    assert f"Error:</span> {message}" in page.replace("&#39;", "'")


def _link_path(response) -> str:
    link = LINK_RE.search(response.get_data(as_text=True)).group(1)
    assert link.startswith("http://127.0.0.1:5000/set-password/")
    return link.removeprefix("http://127.0.0.1:5000")


def test_list_shows_each_user_with_role_and_scope(app, client, admin):
    make_user(Role.OFFICER, borough=make_borough("Dartford", "DAR"), email="olive@example.test")
    make_user(Role.MANAGER, email="max@example.test")
    make_user(Role.PARTNER, agency=make_agency("Kent Fire and Rescue", "Fire"), email="pat@example.test")
    page = client.get("/admin/users").get_data(as_text=True)
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(r"<tr class=\"govuk-table__row\">.*?([\w.]+@example\.test).*?</tr>", page, re.S)
    }
    assert "Enforcement officer" in rows["olive@example.test"] and "Dartford" in rows["olive@example.test"]
    assert "Partnership manager" in rows["max@example.test"] and "All boroughs" in rows["max@example.test"]
    assert (
        "Partner agency user" in rows["pat@example.test"]
        and "Kent Fire and Rescue" in rows["pat@example.test"]
    )
    assert "Administrator" in rows["admin@example.test"] and "Whole system" in rows["admin@example.test"]
    assert "4 accounts" in page


def test_create_an_officer_shows_a_one_time_link_not_a_password(app, client, admin):
    borough = make_borough()
    response = _create(client, borough_id=str(borough.id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Account created for Sam Smith" in page
    assert "works once" in page
    _link_path(response)

    user = db.session.scalar(select(User).where(User.email == "sam@example.org"))
    assert (user.role, user.borough_id, user.agency_id, user.password_hash) == (
        "officer",
        borough.id,
        None,
        None,
    )
    assert response.headers["Cache-Control"] == "no-store"


def test_new_user_follows_the_link_sets_a_password_and_signs_in(app, client, admin):
    path = _link_path(_create(client, email="New.Person@Example.org "))
    newcomer = app.test_client()
    page = newcomer.get(path).get_data(as_text=True)
    assert "Set your password" in page

    token = csrf_token(newcomer, path)
    short = newcomer.post(path, data={"csrf_token": token, "password": "too short", "confirm": "too short"})
    page = short.get_data(as_text=True)
    assert "There is a problem" in page and 'href="#password"' in page and "12 characters or more" in page
    mismatch = newcomer.post(
        path, data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"}
    )
    assert 'href="#confirm"' in mismatch.get_data(as_text=True)

    done = newcomer.post(path, data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert try_sign_in(newcomer, "new.person@example.org", NEW_PASSWORD).status_code == 302

    reused = app.test_client().get(path)
    assert reused.status_code == 404
    assert "This link has expired" in reused.get_data(as_text=True)


def test_an_expired_link_does_not_work(app, client, admin):
    path = _link_path(_create(client))
    db.session.execute(PasswordToken.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert "This link has expired" in app.test_client().get(path).get_data(as_text=True)


def test_partner_without_an_agency_is_a_clear_error_and_nothing_is_saved(app, client, admin):
    make_agency()
    before = _user_count()
    response = _create(client, role="partner")
    _assert_error(response, "agency_id", "Select the agency this partner user works for")
    assert _user_count() == before


def test_partner_with_an_agency_is_scoped_to_it(app, client, admin):
    agency = make_agency()
    borough = make_borough()
    _create(client, role="partner", agency_id=str(agency.id), borough_id=str(borough.id))
    user = db.session.scalar(select(User).where(User.email == "sam@example.org"))
    assert (user.role, user.agency_id, user.borough_id) == ("partner", agency.id, None)


def test_duplicate_email_is_a_field_error(app, client, admin):
    make_user(email="sam@example.org")
    before = _user_count()
    _assert_error(
        _create(client, email="SAM@example.org"), "email", "An account with this email address already exists"
    )
    assert _user_count() == before


@pytest.mark.parametrize("email", ["not an email", "sam@", "@example.org", "sam@example"])
def test_invalid_email_is_a_field_error(app, client, admin, email):
    before = _user_count()
    _assert_error(
        _create(client, email=email),
        "email",
        "Enter an email address in the correct format, like name@example.org",
    )
    assert _user_count() == before


def test_empty_form_gets_every_error_and_never_a_500(app, client, admin):
    response = _post(client, "/admin/users/new", {"name": "  ", "email": ""})
    _assert_error(response, "name", "Enter the person's full name")
    _assert_error(response, "email", "Enter an email address")
    _assert_error(response, "role", "Select a role")


@pytest.mark.parametrize(
    "fields",
    [
        {"role": "superuser"},
        {"borough_id": "999"},
        {"borough_id": "not-a-number"},
        {"agency_id": "999", "role": "partner"},
        {"name": "x" * 201},
        {"email": "a" * 250 + "@example.org"},
    ],
)
def test_tampered_or_oversized_values_are_errors_not_500s(app, client, admin, fields):
    before = _user_count()
    response = _create(client, **fields)
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)
    assert _user_count() == before


def test_edit_page_shows_the_user_and_saves_changes(app, client, admin):
    borough = make_borough()
    officer = make_user(Role.OFFICER, email="olive@example.test")
    page = client.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    assert 'value="olive@example.test"' in page
    data = {
        "name": "Olive Oyl",
        "email": "olive@example.test",
        "role": "manager",
        "borough_id": str(borough.id),
        "agency_id": "",
    }
    response = _post(client, f"/admin/users/{officer.id}", data)
    assert response.status_code == 302
    db.session.refresh(officer)
    assert (officer.name, officer.role, officer.borough_id) == ("Olive Oyl", "manager", borough.id)


def test_edit_to_another_users_email_is_a_field_error(app, client, admin):
    officer = make_user(Role.OFFICER)
    data = {"name": "X", "email": "ADMIN@example.test", "role": "officer", "borough_id": "", "agency_id": ""}
    _assert_error(
        _post(client, f"/admin/users/{officer.id}", data),
        "email",
        "An account with this email address already exists",
    )


def test_unknown_user_is_a_404(app, client, admin):
    assert client.get("/admin/users/9999").status_code == 404


def test_admin_cannot_remove_their_own_admin_role(app, client, admin):
    data = {"name": admin.name, "email": admin.email, "role": "officer", "borough_id": "", "agency_id": ""}
    _assert_error(
        _post(client, f"/admin/users/{admin.id}", data),
        "role",
        "You cannot remove your own administrator role",
    )
    db.session.refresh(admin)
    assert admin.role == "admin"
    assert client.get("/admin/users").status_code == 200


def test_admin_cannot_deactivate_themselves(app, client, admin):
    response = _post(client, f"/admin/users/{admin.id}/active", {"active": "0"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You cannot deactivate your own account" in page
    db.session.refresh(admin)
    assert admin.active
    assert client.get("/admin/users").status_code == 200


def test_deactivated_user_is_shown_and_cannot_sign_in(app, client, admin):
    officer = make_user(Role.OFFICER, email="olive@example.test")
    response = _post(client, f"/admin/users/{officer.id}/active", {"active": "0"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "deactivated and signed out everywhere" in page
    assert "This account is deactivated" in page
    assert "Deactivated" in client.get("/admin/users").get_data(as_text=True)
    assert try_sign_in(app.test_client(), officer.email).status_code == 200


def test_create_a_password_link_for_an_existing_user(app, client, admin):
    officer = make_user(Role.OFFICER)
    path = _link_path(_post(client, f"/admin/users/{officer.id}/password-link", {}))
    other = app.test_client()
    token = csrf_token(other, path)
    assert (
        other.post(
            path, data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        ).status_code
        == 302
    )
    assert try_sign_in(other, officer.email, NEW_PASSWORD).status_code == 302


def test_deactivating_a_user_kills_their_link_even_after_reactivation(app, client, admin):
    officer = make_user(Role.OFFICER)
    path = _link_path(_post(client, f"/admin/users/{officer.id}/password-link", {}))
    _post(client, f"/admin/users/{officer.id}/active", {"active": "0"})
    assert "This link has expired" in app.test_client().get(path).get_data(as_text=True)
    _post(client, f"/admin/users/{officer.id}/active", {"active": "1"})
    assert "This link has expired" in app.test_client().get(path).get_data(as_text=True)


def test_no_password_link_for_a_deactivated_user(app, client, admin):
    officer = make_user(Role.OFFICER)
    _post(client, f"/admin/users/{officer.id}/active", {"active": "0"})
    response = _post(client, f"/admin/users/{officer.id}/password-link", {})
    assert response.status_code == 302
    assert "Reactivate the account" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalars(select(PasswordToken).where(PasswordToken.used_at.is_(None))).all() == []


def test_role_hints_are_shown(app, client, admin):
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "Sees only what is referred to their agency" in page


def test_a_new_user_is_emailed_their_link_and_it_works_from_the_email(app, client, admin):
    response = _create(client, email="sam@example.org")
    path = _link_path(response)
    assert "We have e-mailed this link to sam@example.org" in response.get_data(as_text=True)

    assert dispatch_pending() == 1
    sent = list((Path(app.instance_path) / "mail").rglob("*.eml"))
    assert len(sent) == 1
    message = message_from_bytes(sent[0].read_bytes())
    assert message["To"].endswith("<sam@example.org>")
    assert message["Subject"].startswith("Set your password")
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode()
    assert "An account has been made for you" in body
    assert f"http://127.0.0.1:5000{path}" in body
    other = app.test_client()
    token = csrf_token(other, path)
    form = {"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert other.post(path, data=form).status_code == 302
    assert try_sign_in(other, "sam@example.org", NEW_PASSWORD).status_code == 302
