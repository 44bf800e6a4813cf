"""Fixtures for the auth and session tests (defined in tests/auth/support.py)."""

from tests.auth.support import (  # noqa: F401 (fixtures are found by name)
    app_with,
    example_test_addresses_are_valid,
    other_client,
    shared_template_bytecode,
)
