"""Enforcement tasks: FPNs left unpaid after their payment date go to prosecution review."""

from __future__ import annotations

from celery import shared_task

from casework.db_types import utcnow
from casework.enforcement.services import mark_unpaid_fpns


@shared_task(name="casework.enforcement.mark_unpaid_fpns", ignore_result=True)
def unpaid_fixed_penalties() -> int:
    """Mark FPNs unpaid after their due date and start their prosecution review; returns how many."""
    return mark_unpaid_fpns(utcnow())
