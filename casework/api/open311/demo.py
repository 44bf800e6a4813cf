"""The demo Open311 client with the key demo-open311-key (never under Production)."""

from __future__ import annotations


def seed_demo_open311(added: dict[str, int]) -> None:
    """Add the area's demo data when it is missing (idempotent); count what is added in `added`."""
