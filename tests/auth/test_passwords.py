"""Changing your own password, and setting one through a one-time link."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casework.auth import services as accounts
from casework.auth.models import PasswordToken
from casework.db_types import utcnow
from casework.extensions import db
from tests.auth.support import try_sign_in
from tests.builders import PASSWORD, make_user
from tests.conftest import csrf_token

NEW_PASSWORD = "a completely new passphrase"


def _change(client, current: str, new: str, confirm: str | None = None):
    token = csrf_token(client, "/account/password")
    data = {"csrf_token": token, "current_password": current, "password": new, "confirm": confirm or new}
    return client.post("/account/password", data=data)


def _assert_field_error(response, field: str, message: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert f'href="#{field}"' in page
    assert message in page


def test_wrong_current_password_is_a_field_error(app, client, login):
    user = make_user()
    login(user)
    response = _change(client, "not my password at all", NEW_PASSWORD)
    _assert_field_error(response, "current_password", "Your current password is wrong")
    assert try_sign_in(app.test_client(), user.email, PASSWORD).status_code == 302


def test_confirmation_must_match(app, client, login):
    login(make_user())
    response = _change(client, PASSWORD, NEW_PASSWORD, "something else entirely")
    _assert_field_error(response, "confirm", "Passwords must match")


def test_new_password_must_be_long_enough(app, client, login):
    login(make_user())
    _assert_field_error(_change(client, PASSWORD, "short"), "password", "12 characters or more")


def test_empty_form_gets_field_errors(app, client, login):
    login(make_user())
    token = csrf_token(client, "/account/password")
    response = client.post("/account/password", data={"csrf_token": token})
    _assert_field_error(response, "current_password", "Enter your current password")
    assert "Enter a new password" in response.get_data(as_text=True)


def test_success_signs_out_and_only_the_new_password_works(app, client, login):
    user = make_user()
    login(user)
    response = _change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Your password has been changed" in page
    assert client.get("/home").status_code == 302
    assert try_sign_in(app.test_client(), user.email, PASSWORD).status_code == 200
    assert try_sign_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


# --- One-time links -------------------------------------------------------------------------------------


def _set(client, raw: str, password: str, confirm: str | None = None):
    token = csrf_token(client, f"/set-password/{raw}")
    data = {"csrf_token": token, "password": password, "confirm": confirm or password}
    return client.post(f"/set-password/{raw}", data=data)


def test_link_sets_a_password_once(app, client):
    user = make_user(password=None)
    raw = accounts.issue_password_token(user, None)
    assert try_sign_in(app.test_client(), user.email, "").status_code == 200

    _assert_field_error(_set(client, raw, "short"), "password", "12 characters or more")
    _assert_field_error(
        _set(client, raw, NEW_PASSWORD, "different words here"), "confirm", "Passwords must match"
    )
    response = _set(client, raw, NEW_PASSWORD)
    assert response.status_code == 302
    assert "Your password has been set" in client.get("/sign-in").get_data(as_text=True)
    assert try_sign_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302

    again = client.get(f"/set-password/{raw}")
    assert again.status_code == 404
    assert "This link has expired" in again.get_data(as_text=True)


def test_expired_link_shows_the_expired_page(app, client):
    user = make_user()
    raw = accounts.issue_password_token(user, None)
    row = db.session.scalar(select(PasswordToken).where(PasswordToken.user_id == user.id))
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "This link has expired" in client.get(f"/set-password/{raw}").get_data(as_text=True)
    token = csrf_token(client, "/sign-in")
    posted = client.post(
        f"/set-password/{raw}", data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert "This link has expired" in posted.get_data(as_text=True)
    assert try_sign_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 200


def test_unknown_link_shows_the_expired_page(client):
    response = client.get("/set-password/not-a-real-token")
    assert response.status_code == 404
    assert "This link has expired" in response.get_data(as_text=True)


def test_a_new_link_replaces_the_old_one(app, client):
    user = make_user()
    first = accounts.issue_password_token(user, None)
    second = accounts.issue_password_token(user, None)
    assert "This link has expired" in client.get(f"/set-password/{first}").get_data(as_text=True)
    assert client.get(f"/set-password/{second}").status_code == 200


def test_setting_a_password_by_link_signs_out_every_session(app, client, other_client):
    user = make_user()
    assert try_sign_in(other_client, user.email).status_code == 302
    raw = accounts.issue_password_token(user, None)
    _set(client, raw, NEW_PASSWORD)
    assert other_client.get("/home").status_code == 302


def test_only_the_hash_of_a_link_is_stored(app):
    user = make_user()
    raw = accounts.issue_password_token(user, None)
    stored = db.session.scalar(select(PasswordToken.token_hash).where(PasswordToken.user_id == user.id))
    assert raw not in stored
    assert len(stored) == 64
