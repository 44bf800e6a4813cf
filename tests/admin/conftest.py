"""Fixtures for the admin tests."""

from __future__ import annotations

import pytest

from casework.auth.roles import Role
from tests.auth.support import (  # noqa: F401 (fixtures are found by name)
    example_test_addresses_are_valid,
    other_client,
    shared_template_bytecode,
)
from tests.builders import make_user


@pytest.fixture
def admin(app, login):
    """A signed-in administrator (the `client` fixture is their browser)."""
    user = make_user(Role.ADMIN, email="admin@example.test")
    login(user)
    return user
