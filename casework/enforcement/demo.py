"""Demo enforcement actions at each step of the ladder, paid and unpaid FPNs, a published prosecution."""

from __future__ import annotations


def seed_demo_enforcement(added: dict[str, int]) -> None:
    """Add the area's demo data when it is missing (idempotent); count what is added in `added`."""
