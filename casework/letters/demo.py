"""Demo letters for the demo enforcement actions."""

from __future__ import annotations


def seed_demo_letters(added: dict[str, int]) -> None:
    """Add the area's demo data when it is missing (idempotent); count what is added in `added`."""
