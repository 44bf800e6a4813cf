"""Security headers, cookies, CSRF on every form and error pages, all set in one place."""

from __future__ import annotations

import re

import pytest
from flask import abort
from sqlalchemy import select

from casework import create_app
from casework.access import public
from casework.auth import services as accounts
from casework.auth.models import PasswordToken, User
from casework.auth.roles import Role
from casework.extensions import db
from tests.builders import PASSWORD, make_user
from tests.conftest import RequestGlobalsClient, make_config, sign_in

NONCE_RE = re.compile(r"<script type=\"module\" nonce=\"([^\"]+)\">")
PARTNERSHIP = "Dartford and Gravesham Community Safety Partnership"


def _csp(response) -> dict[str, str]:
    directives = (
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")
    )
    return {name: value for name, value in directives}


def test_csp_nonce_matches_the_inline_script_and_changes_every_request(client):
    nonces = []
    for _ in range(2):
        response = client.get("/sign-in")
        page_nonce = NONCE_RE.search(response.get_data(as_text=True)).group(1)
        assert _csp(response)["script-src"] == f"'self' 'nonce-{page_nonce}'"
        nonces.append(page_nonce)
    assert nonces[0] != nonces[1]
    assert len(nonces[0]) >= 16


def test_every_inline_script_carries_the_nonce(client):
    page = client.get("/sign-in").get_data(as_text=True)
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or "nonce=" in tag, tag


def test_headers_forbid_framing_sniffing_and_leaky_referrers(client):
    response = client.get("/sign-in")
    csp = _csp(response)
    assert csp["frame-ancestors"] == "'none'"
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_hsts_under_test_config_but_hsts_when_configured(app, client, database_url, tmp_path):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    secure_app = create_app(make_config(database_url, tmp_path / "hsts", HSTS=True))
    response = secure_app.test_client().get("/sign-in")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookie_is_httponly_and_samesite_lax(app, client):
    response = sign_in(client, make_user().email)
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies
    for cookie in cookies:
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


def test_signed_in_pages_are_not_stored_and_public_pages_may_be(app, client, login):
    assert "no-store" not in client.get("/sign-in").headers.get("Cache-Control", "")
    login(make_user())
    for path in ("/home", "/account", "/account/password"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_headers_are_on_error_pages_too(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- CSRF on every form --------------------------------------------------------------------------------


def _no_token_post(client, path: str, data: dict) -> str:
    response = client.post(path, data=data)
    assert response.status_code == 400, path
    page = response.get_data(as_text=True)
    assert "Your form has expired" in page
    return page


def test_sign_in_and_sign_out_need_a_csrf_token(app, client, login):
    user = make_user()
    _no_token_post(client, "/sign-in", {"email": user.email, "password": PASSWORD})
    assert client.get("/home").status_code == 302  # not signed in

    login(user)
    token_before = user.session_token
    _no_token_post(client, "/sign-out", {})
    assert client.get("/home").status_code == 200  # still signed in
    db.session.refresh(user)
    assert user.session_token == token_before


def test_change_password_needs_a_csrf_token(app, client, login):
    user = make_user()
    login(user)
    new = "a completely new passphrase"
    _no_token_post(
        client, "/account/password", {"current_password": PASSWORD, "password": new, "confirm": new}
    )
    db.session.refresh(user)
    assert accounts.authenticate(user.email, PASSWORD, "test") is not None


def test_set_password_link_needs_a_csrf_token(app, client):
    user = make_user()
    raw = accounts.issue_password_token(user, None)
    new = "a completely new passphrase"
    _no_token_post(client, f"/set-password/{raw}", {"password": new, "confirm": new})
    assert accounts.find_password_token(raw) is not None
    assert accounts.authenticate(user.email, PASSWORD, "test") is not None


def test_admin_forms_need_a_csrf_token(app, client, login):
    admin, officer = make_user(Role.ADMIN), make_user(Role.OFFICER)
    login(admin)
    new_user = {"name": "Sam Smith", "email": "sam@example.test", "role": "officer"}
    _no_token_post(client, "/admin/users/new", new_user)
    _no_token_post(client, f"/admin/users/{officer.id}", {**new_user, "role": "admin"})
    _no_token_post(client, f"/admin/users/{officer.id}/active", {"active": "0"})
    _no_token_post(client, f"/admin/users/{officer.id}/password-link", {})

    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.email == "sam@example.test")) is None
    officer = db.session.get(User, officer.id)
    assert (officer.role, officer.active, officer.email) == ("officer", True, officer.email)
    assert db.session.scalars(select(PasswordToken)).all() == []


def test_every_post_endpoint_is_covered_by_a_csrf_test(app):
    """A new form in auth or admin must be added to the CSRF tests above."""
    covered = {
        "auth.sign_in",
        "auth.sign_out",
        "auth.change_password",
        "auth.set_password",
        "admin.new_user",
        "admin.edit_user",
        "admin.set_active",
        "admin.password_link",
    }
    found = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint.startswith(("auth.", "admin."))
    }
    assert found == covered


# --- Error pages ---------------------------------------------------------------------------------------


def _assert_error_page(response, status: int, text: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert PARTNERSHIP in page
    assert "govuk-template" in page
    assert text in page
    assert "Traceback" not in page
    assert f"Error {status}" in page


@pytest.fixture
def error_app(database_url, tmp_path):
    """An app that handles unexpected errors as production does, with routes that fail on purpose."""
    app = create_app(make_config(database_url, tmp_path / "instance", PROPAGATE_EXCEPTIONS=False))
    app.test_client_class = RequestGlobalsClient

    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("secret internals")

    @app.route("/bad")
    @public
    def bad():
        abort(400)

    return app


def test_error_pages_use_the_service_layout_and_hide_internals(error_app, caplog):
    client = error_app.test_client()
    _assert_error_page(client.get("/bad"), 400, "There is a problem with your request")
    _assert_error_page(client.get("/admin/nothing-here"), 404, "Page not found")
    response = client.get("/boom")
    _assert_error_page(response, 500, "Sorry, there is a problem with the service")
    assert "secret internals" not in response.get_data(as_text=True)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    logged = [r for r in caplog.records if r.exc_info and "secret internals" in str(r.exc_info[1])]
    assert logged, "an unexpected error must be logged with its traceback"


def test_forbidden_page_uses_the_service_layout(app, client, login):
    login(make_user(Role.OFFICER))
    _assert_error_page(client.get("/admin/users"), 403, "You do not have permission to see this page")


def test_too_many_attempts_page_uses_the_service_layout(app, client):
    for _ in range(5):
        sign_in(client, "someone@example.test", "wrong password here")
    response = sign_in(client, "someone@example.test", "wrong password here")
    _assert_error_page(response, 429, "Too many attempts")


def test_unexpected_errors_propagate_in_tests_so_bugs_are_not_hidden(app):
    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError, match="a bug"):
        app.test_client().get("/boom")
