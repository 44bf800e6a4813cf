"""Fixtures: the app on a database built by the real migrations, and signed-in clients."""

from __future__ import annotations

import os
import re
from pathlib import Path

import email_validator
import pytest
from flask import Flask
from flask.ctx import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, text

from casework import create_app
from casework.extensions import db
from config import TestConfig, _database_url
from tests.builders import PASSWORD


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the test run (checked against the source)."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = MemoryBytecodeCache()


@pytest.fixture(autouse=True)
def shared_template_bytecode(monkeypatch) -> None:
    """Compile each template once per run, not once per test.

    Every test builds a fresh app, and with it a Jinja environment that would compile the GOV.UK
    Frontend macros all over again: without this, most of the time these tests take.
    """
    monkeypatch.setattr(Flask, "jinja_options", {**Flask.jinja_options, "bytecode_cache": TEMPLATE_CACHE})


@pytest.fixture(autouse=True)
def example_test_addresses_are_valid(monkeypatch) -> None:
    """Builders make @example.test addresses, which email-validator refuses outside test mode."""
    monkeypatch.setattr(email_validator, "TEST_ENVIRONMENT", True)


MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _test_database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return _database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def reset_schema(url: str) -> None:
    """Drop everything in the test database so the migrations build it from nothing."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_config(database_url: str, instance_dir: Path, **overrides) -> type[TestConfig]:
    """A TestConfig subclass pointing at the given database and instance folder."""
    attrs = {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": instance_dir, **overrides}
    return type("PerTestConfig", (TestConfig,), attrs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The test database, built once per run by the real migrations."""
    url = _test_database_url(tmp_path_factory)
    reset_schema(url)
    app = create_app(make_config(url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        # The migrations seed reference data (case types, service levels, panels); every test starts
        # from empty tables instead, so no test depends on running first.
        _empty_tables()
        db.engine.dispose()
    return url


class RequestGlobalsClient(FlaskClient):
    """A test client whose requests each get a fresh `g`, as they would in a server.

    The `app` fixture keeps an app context pushed for the test's own database work, and Flask
    reuses a pushed app context for requests; without this, `g` (the CSRF token, the CSP nonce)
    would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        ctx = _cv_app.get(None)
        if ctx is None:
            return super().open(*args, **kwargs)
        saved, ctx.g = ctx.g, self.application.app_ctx_globals_class()
        try:
            return super().open(*args, **kwargs)
        finally:
            ctx.g = saved


@pytest.fixture
def app(database_url, tmp_path):
    """The app in a fresh context; every table is emptied afterwards."""
    app = create_app(make_config(database_url, tmp_path / "instance"))
    app.test_client_class = RequestGlobalsClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def _empty_tables() -> None:
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client, path: str) -> str:
    """The CSRF token from a form page, as a browser would have it."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD, next_path: str | None = None):
    """Post the sign-in form as a browser would; returns the response."""
    token = csrf_token(client, "/sign-in")
    url = "/sign-in" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def login(client):
    """Sign a user in on the test client: login(user)."""

    def do(user, password: str = PASSWORD):
        response = sign_in(client, user.email, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do
