"""Sessions: the idle timeout, and ending every session of a user when it matters."""

from __future__ import annotations

import time
from datetime import timedelta

from casework.auth.roles import Role
from tests.auth.support import try_sign_in
from tests.builders import PASSWORD, make_borough, make_user
from tests.conftest import csrf_token, sign_in

NEW_PASSWORD = "a completely new passphrase"
IDLE_MESSAGE = "You were signed out because you were inactive"


def _set_last_seen(client, seconds_ago: float) -> None:
    with client.session_transaction() as session:
        session["seen"] = time.time() - seconds_ago


def test_idle_session_is_signed_out_with_a_message(app, client, login):
    login(make_user())
    assert client.get("/home").status_code == 200
    _set_last_seen(client, 31 * 60)
    response = client.get("/account?tab=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/account?tab%3D1"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert IDLE_MESSAGE in page
    assert client.get("/home").status_code == 302


def test_idle_redirect_without_a_query_has_a_clean_next(app, client, login):
    login(make_user())
    _set_last_seen(client, 31 * 60)
    assert client.get("/home").headers["Location"] == "/sign-in?next=/home"


def test_activity_within_the_limit_keeps_the_session(app, client, login):
    login(make_user())
    for _ in range(3):
        _set_last_seen(client, 29 * 60)
        assert client.get("/home").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session["seen"] < 5


def test_idle_timeout_comes_from_configuration(app_with):
    app = app_with(IDLE_TIMEOUT=timedelta(seconds=60))
    client = app.test_client()
    sign_in(client, make_user().email)
    _set_last_seen(client, 30)
    assert client.get("/home").status_code == 200
    _set_last_seen(client, 61)
    assert client.get("/home").status_code == 302


def test_idle_sign_out_of_a_form_post_goes_to_sign_in_without_saving(app, client, login):
    user = make_user()
    login(user)
    token = csrf_token(client, "/account/password")
    _set_last_seen(client, 31 * 60)
    data = {
        "csrf_token": token,
        "current_password": PASSWORD,
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    response = client.post("/account/password", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert try_sign_in(app.test_client(), user.email).status_code == 302


def test_changing_password_signs_out_every_browser(app, client, other_client):
    user = make_user()
    sign_in(client, user.email)
    sign_in(other_client, user.email)
    token = csrf_token(client, "/account/password")
    client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    for browser in (client, other_client):
        response = browser.get("/home")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")


def _admin_post(client, path: str, data: dict | None = None):
    token = csrf_token(client, "/admin/users")
    return client.post(path, data={"csrf_token": token, **(data or {})})


def test_deactivation_signs_the_user_out_at_once_and_reactivation_lets_them_back(app, client, other_client):
    admin, officer = make_user(Role.ADMIN), make_user(Role.OFFICER)
    sign_in(client, admin.email)
    sign_in(other_client, officer.email)
    assert other_client.get("/home").status_code == 200

    _admin_post(client, f"/admin/users/{officer.id}/active", {"active": "0"})
    assert other_client.get("/home").status_code == 302
    refused = try_sign_in(other_client, officer.email)
    assert refused.status_code == 200
    assert "Enter a correct email address and password" in refused.get_data(as_text=True)

    _admin_post(client, f"/admin/users/{officer.id}/active", {"active": "1"})
    assert try_sign_in(other_client, officer.email).status_code == 302
    assert other_client.get("/home").status_code == 200


def test_changing_role_or_borough_signs_the_user_out(app, client, other_client):
    admin = make_user(Role.ADMIN)
    dartford = make_borough()
    gravesham = make_borough("Gravesham", "GRA")
    officer = make_user(Role.OFFICER, borough=dartford)
    sign_in(client, admin.email)
    details = {"name": officer.name, "email": officer.email, "role": "officer", "agency_id": ""}

    sign_in(other_client, officer.email)
    _admin_post(
        client, f"/admin/users/{officer.id}", {**details, "borough_id": str(dartford.id), "name": "Renamed"}
    )
    assert other_client.get("/home").status_code == 200  # a new name changes nothing about access

    _admin_post(client, f"/admin/users/{officer.id}", {**details, "borough_id": str(gravesham.id)})
    assert other_client.get("/home").status_code == 302

    sign_in(other_client, officer.email)
    _admin_post(
        client, f"/admin/users/{officer.id}", {**details, "borough_id": str(gravesham.id), "role": "manager"}
    )
    assert other_client.get("/home").status_code == 302
