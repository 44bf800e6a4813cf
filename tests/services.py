"""Real services for tests: PostgreSQL and Redis when configured, a stated skip (or failure) when not."""

from __future__ import annotations

import os

import pytest

REQUIRE = os.environ.get("CASEWORK_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    """Skip with the reason on a laptop; fail under CASEWORK_REQUIRE_SERVICES=1 (CI)."""
    if REQUIRE:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


def postgres_url() -> str:
    """The PostgreSQL URL from DATABASE_URL, or skip/fail when there is none."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql")):
        unavailable("PostgreSQL test: set DATABASE_URL to a PostgreSQL database (as .ci/run does)")
    return url


def redis_url() -> str:
    """The Redis URL from REDIS_URL, checked with a PING, or skip/fail."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        unavailable("Redis test: set REDIS_URL (as .ci/run does)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(f"Redis at {url} does not answer: {error}")
    return url
