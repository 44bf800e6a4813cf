"""Demo flytipping incidents over the last twelve months, so the reports have figures."""

from __future__ import annotations


def seed_demo_report_incidents(added: dict[str, int]) -> None:
    """Add the area's demo data when it is missing (idempotent); count what is added in `added`."""
