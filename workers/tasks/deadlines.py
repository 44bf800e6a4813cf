"""Deadline tasks: the sweep (beat runs it every CASEWORK_SWEEP_SECONDS) and the daily digest."""

from __future__ import annotations

from celery import shared_task

from casework.db_types import utcnow
from casework.deadlines.digest import send_digests
from casework.deadlines.sweep import sweep


@shared_task(name="casework.deadlines.sweep", ignore_result=True)
def sweep_deadlines() -> dict:
    """Send due reminders and take due escalation rungs, each once; returns what the pass did."""
    return sweep(utcnow()).as_dict()


@shared_task(name="casework.deadlines.digest", ignore_result=True)
def daily_digest() -> int:
    """Queue today's digests if it is time and they have not gone; returns how many were queued."""
    return send_digests(utcnow())
