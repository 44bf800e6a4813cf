"""System tasks."""

from __future__ import annotations

from celery import shared_task

from casework.system.services import record_heartbeat


@shared_task(name="casework.system.heartbeat")
def heartbeat(source: str = "beat") -> int:
    """Record that a worker ran a task; returns the heartbeat row's id."""
    return record_heartbeat(source).id
