"""Partner tasks: the panel agendas, e-mailed to members a few working days before each meeting."""

from __future__ import annotations

from celery import shared_task

from casework.db_types import utcnow
from casework.partners.meetings import send_agendas as queue_due_agendas


@shared_task(name="casework.partners.send_agendas", ignore_result=True)
def send_agendas() -> int:
    """Queue the agenda of each meeting now within PANEL_AGENDA_WORKING_DAYS working days (once
    per meeting and member); returns how many meetings had theirs queued."""
    return queue_due_agendas(utcnow())
