"""The beat schedule: every periodic task, in one place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta


def beat_schedule(config: Mapping) -> dict:
    """Celery beat entries; intervals come from configuration."""
    return {
        "heartbeat": {
            "task": "casework.system.heartbeat",
            "schedule": timedelta(seconds=config["BEAT_HEARTBEAT_SECONDS"]),
            "args": ("beat",),
        },
        "outbox-dispatch": {
            "task": "casework.notifications.dispatch",
            "schedule": timedelta(seconds=config["MAIL_DISPATCH_SECONDS"]),
            # A tick not picked up before the next one is dropped, so a stopped worker does not
            # come back to a pile of identical runs.
            "options": {"expires": config["MAIL_DISPATCH_SECONDS"]},
        },
        "deadline-sweep": {
            "task": "casework.deadlines.sweep",
            "schedule": timedelta(seconds=config["DEADLINE_SWEEP_SECONDS"]),
            "options": {"expires": config["DEADLINE_SWEEP_SECONDS"]},  # no pile-up after a stop
        },
        "deadline-digest": {
            "task": "casework.deadlines.digest",
            "schedule": timedelta(minutes=config["DEADLINE_DIGEST_CHECK_MINUTES"]),
            "options": {"expires": config["DEADLINE_DIGEST_CHECK_MINUTES"] * 60},
        },
        # Daily in effect: each meeting's agenda goes once; checking often survives a beat restart.
        "panel-agendas": {
            "task": "casework.partners.send_agendas",
            "schedule": timedelta(minutes=config["PANEL_AGENDA_CHECK_MINUTES"]),
            "options": {"expires": config["PANEL_AGENDA_CHECK_MINUTES"] * 60},
        },
        "fpn-unpaid": {
            "task": "casework.enforcement.mark_unpaid_fpns",
            "schedule": timedelta(minutes=config["FPN_UNPAID_CHECK_MINUTES"]),
            "options": {"expires": config["FPN_UNPAID_CHECK_MINUTES"] * 60},
        },
    }
