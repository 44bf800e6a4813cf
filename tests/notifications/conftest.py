"""Fixtures for the outbox tests: apps with mail settings, a real SMTP server, Notify's API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from casework import create_app
from casework.auth.roles import Role
from casework.extensions import db
from tests.auth.support import (  # noqa: F401 (fixtures are found by name)
    example_test_addresses_are_valid,
    shared_template_bytecode,
)
from tests.builders import make_user
from tests.conftest import RequestGlobalsClient, make_config
from tests.notifications.support import FakeNotify, SMTPSink


@pytest.fixture
def mail_app(app, database_url, tmp_path):
    """Build an app with mail settings, on the test database: mail_app(MAIL_SENDER="smtp", ...).

    Its context is pushed for the rest of the test; the `app` fixture empties the tables afterwards.
    """
    contexts = []

    def build(**overrides) -> Flask:
        built = create_app(
            make_config(database_url, tmp_path / f"mail-instance-{len(contexts)}", **overrides)
        )
        built.test_client_class = RequestGlobalsClient
        context = built.app_context()
        context.push()
        contexts.append(context)
        return built

    yield build
    for context in reversed(contexts):
        db.session.remove()
        context.pop()


@pytest.fixture
def smtp_sink() -> Iterator[SMTPSink]:
    """A real SMTP server (aiosmtpd) on a free local port, keeping what it receives."""
    sink = SMTPSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def notify_api() -> Iterator[FakeNotify]:
    """GOV.UK Notify's HTTP API on a local port (the only imitated part)."""
    fake = FakeNotify().start()
    yield fake
    fake.stop()


@pytest.fixture
def admin(app, login):
    """A signed-in administrator (the `client` fixture is their browser)."""
    user = make_user(Role.ADMIN, email="admin@example.test")
    login(user)
    return user
