"""Sign-in rate limits: per account (whoever tries it) and per address (whichever account)."""

from __future__ import annotations

from casework.auth.roles import Role
from tests.auth.support import client_at, try_sign_in
from tests.builders import PASSWORD, make_user
from tests.conftest import csrf_token

WRONG = "not the right password"


def test_sixth_attempt_on_one_account_is_refused_even_from_new_addresses(app):
    user = make_user()
    for n in range(5):
        assert try_sign_in(client_at(app, f"10.0.0.{n}"), user.email, WRONG).status_code == 200
    response = try_sign_in(client_at(app, "10.0.0.99"), user.email)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert "Wait 15 minutes" in page
    assert "Retry-After" in response.headers


def test_account_limit_ignores_case_and_spaces_in_the_email(app):
    user = make_user(email="case@example.test")
    for n, variant in enumerate(
        [
            "Case@example.test",
            " case@EXAMPLE.test",
            "CASE@example.test ",
            "case@example.test",
            "cAse@example.test",
        ]
    ):
        try_sign_in(client_at(app, f"10.0.1.{n}"), variant, WRONG)
    assert try_sign_in(client_at(app, "10.0.1.99"), user.email).status_code == 429


def test_one_address_is_refused_after_twenty_attempts_across_accounts(app):
    client = client_at(app, "10.0.2.1")
    for n in range(20):
        assert try_sign_in(client, f"guess{n}@example.test", WRONG).status_code == 200
    user = make_user()
    assert try_sign_in(client, user.email).status_code == 429
    assert try_sign_in(client_at(app, "10.0.2.2"), user.email).status_code == 302


def test_other_accounts_failures_elsewhere_do_not_block_a_good_sign_in(app):
    make_user(email="victim@example.test")
    user = make_user()
    for n in range(20):
        try_sign_in(client_at(app, f"10.0.3.{n % 4}"), "victim@example.test", WRONG)
        try_sign_in(client_at(app, f"10.0.4.{n % 4}"), f"guess{n}@example.test", WRONG)
    assert try_sign_in(client_at(app, "10.0.3.200"), user.email).status_code == 302


def test_the_page_itself_is_never_limited(app):
    client = client_at(app, "10.0.5.1")
    for _ in range(30):
        assert client.get("/sign-in").status_code == 200


def test_limits_come_from_configuration(app_with):
    app = app_with(SIGN_IN_LIMIT_PER_ACCOUNT="2 per 1 minute", SIGN_IN_LIMIT_PER_ADDRESS="3 per 1 minute")
    user = make_user(Role.OFFICER)
    try_sign_in(client_at(app, "10.0.6.1"), user.email, WRONG)
    try_sign_in(client_at(app, "10.0.6.2"), user.email, WRONG)
    refused = try_sign_in(client_at(app, "10.0.6.3"), user.email)
    assert refused.status_code == 429
    assert "Wait 1 minute," in refused.get_data(as_text=True)

    crowded = client_at(app, "10.0.6.9")
    for n in range(3):
        assert try_sign_in(crowded, f"guess{n}@example.test", WRONG).status_code == 200
    assert try_sign_in(crowded, "guess9@example.test", WRONG).status_code == 429


def test_a_busy_office_behind_one_address_is_not_limited_by_good_sign_ins(app):
    office = "10.0.7.1"
    colleagues = [make_user() for _ in range(22)]
    for colleague in colleagues:
        assert try_sign_in(client_at(app, office), colleague.email).status_code == 302


def test_guessing_the_current_password_on_the_change_page_is_limited(app):
    user = make_user()
    client = client_at(app, "10.0.8.1")
    assert try_sign_in(client, user.email).status_code == 302
    new = "a completely new passphrase"
    for _ in range(5):
        token = csrf_token(client, "/account/password")
        data = {"csrf_token": token, "current_password": WRONG, "password": new, "confirm": new}
        assert client.post("/account/password", data=data).status_code == 200
    data["current_password"] = PASSWORD
    assert client.post("/account/password", data=data).status_code == 429


def _from(app, forwarded_for: str):
    client = client_at(app, "10.9.9.9")  # the load balancer
    client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(app_with):
    app = app_with(SIGN_IN_LIMIT_PER_ADDRESS="2 per 1 minute", TRUSTED_PROXY_COUNT=1)
    user = make_user()
    for n in range(3):
        try_sign_in(_from(app, "203.0.113.1"), f"guess{n}@example.test", WRONG)
    assert try_sign_in(_from(app, "203.0.113.1"), user.email).status_code == 429
    assert try_sign_in(_from(app, "203.0.113.2"), user.email).status_code == 302


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(app_with):
    app = app_with(SIGN_IN_LIMIT_PER_ADDRESS="2 per 1 minute")
    for n in range(3):
        try_sign_in(_from(app, f"203.0.113.{n}"), f"guess{n}@example.test", WRONG)
    assert try_sign_in(_from(app, "203.0.113.99"), "guess9@example.test", WRONG).status_code == 429
