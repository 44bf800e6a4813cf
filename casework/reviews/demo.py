"""A demo case review application mid-way."""

from __future__ import annotations


def seed_demo_reviews(added: dict[str, int]) -> None:
    """Add the area's demo data when it is missing (idempotent); count what is added in `added`."""
