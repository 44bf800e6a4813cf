"""Sign-in and sign-out as a user meets them."""

from __future__ import annotations

import logging

import pytest
from argon2 import PasswordHasher

from casework.auth.models import User
from casework.auth.roles import Role
from casework.extensions import db
from tests.builders import PASSWORD, make_borough, make_user
from tests.conftest import csrf_token, sign_in

HOME_HEADINGS = {
    Role.OFFICER: "Your work",
    Role.MANAGER: "Case management",
    Role.PARTNER: "Referrals to Kent Police",
    Role.ADMIN: "Administration",
}


def test_sign_in_page_uses_govuk_frontend_with_partnership_header(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert "govuk-template" in page
    assert "/static/css/application.css" in page
    assert "Dartford and Gravesham Community Safety Partnership" in page
    assert 'autocomplete="current-password"' in page
    assert "govuk-header__logotype" not in page.replace("govuk-header__logotype-text", "")


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_lands_on_its_home(app, client, role):
    user = make_user(role, borough=make_borough() if role == Role.OFFICER else None)
    response = sign_in(client, user.email)
    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert HOME_HEADINGS[role] in page
    assert user.name in page


@pytest.mark.parametrize("email", ["nobody@example.test", "known@example.test"])
def test_wrong_password_and_unknown_email_get_the_same_message(app, client, email):
    make_user(Role.OFFICER, email="known@example.test")
    response = sign_in(client, email, "not the right password")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert page.count("Enter a correct email address and password") >= 2
    assert "Error: Sign in" in page
    assert "known@example.test" not in page.replace(f'value="{email}"', "") or email == "known@example.test"


def test_empty_form_gets_field_errors_not_a_500(client):
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"csrf_token": token, "email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert 'href="#email"' in page


def test_sign_in_without_csrf_token_is_refused(app, client):
    user = make_user()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(app, client):
    user = make_user()
    user.active = False
    db.session.commit()
    response = sign_in(client, user.email)
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_sign_in_starts_a_new_session(app, client):
    user = make_user()
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, user.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == user.session_token


def test_next_parameter_only_goes_to_this_site(app, client):
    user = make_user(Role.ADMIN)
    response = sign_in(client, user.email, next_path="https://evil.example/")
    assert response.headers["Location"] == "/"
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account")})
    response = sign_in(client, user.email, next_path="/admin/users")
    assert response.headers["Location"] == "/admin/users"


def test_sign_out_ends_every_session_of_the_user(app):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user.email)
    sign_in(phone, user.email)
    assert phone.get("/home").status_code == 200
    laptop.post("/sign-out", data={"csrf_token": csrf_token(laptop, "/home")})
    assert laptop.get("/home").status_code == 302
    response = phone.get("/home")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_password_is_stored_as_argon2id_and_rehashed_when_parameters_change(app, client):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    weaker = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    user.password_hash = weaker
    db.session.commit()
    sign_in(client, user.email)
    db.session.expire_all()
    stored = db.session.get(User, user.id).password_hash
    assert stored != weaker
    assert "m=8192" in stored


def test_security_events_are_logged_with_user_and_address(app, client, caplog):
    user = make_user()
    caplog.set_level(logging.INFO, logger="casework.security")
    sign_in(client, user.email, "wrong password here")
    sign_in(client, user.email)
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/home")})
    messages = [r.getMessage() for r in caplog.records if r.name == "casework.security"]
    assert any("sign-in failed" in m and user.email in m and "127.0.0.1" in m for m in messages)
    assert any(m.startswith("sign-in user=") and "127.0.0.1" in m for m in messages)
    assert any(m.startswith("sign-out user=") and user.email in m for m in messages)
