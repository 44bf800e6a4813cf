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
    }
