"""Helpers and fixtures shared by the auth, admin, access and security tests.

The conftest files of tests/auth and tests/admin import the fixtures from here, and so can a
test module elsewhere (an imported fixture is registered in the importing module).
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework import create_app
from casework.extensions import db
from tests.builders import PASSWORD
from tests.conftest import (  # noqa: F401 (the autouse fixtures are re-exported for older imports)
    CSRF_RE,
    RequestGlobalsClient,
    example_test_addresses_are_valid,
    make_config,
    shared_template_bytecode,
)


def client_at(app: Flask, address: str) -> FlaskClient:
    """A test client whose requests come from the given address."""
    client = app.test_client()
    client.environ_base = {**client.environ_base, "REMOTE_ADDR": address}
    return client


def try_sign_in(client: FlaskClient, email: str, password: str = PASSWORD):
    """Post the sign-in form (fetching a fresh token first), as a browser would."""
    page = client.get("/sign-in").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def other_client(app) -> RequestGlobalsClient:
    """A second browser, for sessions that must end everywhere."""
    return app.test_client()


@pytest.fixture
def app_with(app, database_url, tmp_path):
    """Build an app with configuration overrides, on the test database: app_with(IDLE_TIMEOUT=...).

    Its context is pushed for the rest of the test; the `app` fixture empties the tables afterwards.
    """
    contexts = []

    def build(**overrides) -> Flask:
        built = create_app(make_config(database_url, tmp_path / f"instance-{len(contexts)}", **overrides))
        built.test_client_class = RequestGlobalsClient
        context = built.app_context()
        context.push()
        contexts.append(context)
        return built

    yield build
    for context in reversed(contexts):
        db.session.remove()
        context.pop()
