"""Health checks and heartbeats."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from flask import current_app
from kombu import Connection
from sqlalchemy import delete, select

from casework.db_types import utcnow
from casework.extensions import db
from casework.system.models import Heartbeat

HEARTBEATS_KEPT = timedelta(days=1)


def record_heartbeat(source: str, now: datetime | None = None) -> Heartbeat:
    """Write a heartbeat row and drop ones older than a day."""
    now = now or utcnow()
    beat = Heartbeat(source=source, created_at=now)
    db.session.add(beat)
    db.session.execute(delete(Heartbeat).where(Heartbeat.created_at < now - HEARTBEATS_KEPT))
    db.session.commit()
    return beat


def last_heartbeat() -> datetime | None:
    """When a worker last ran the heartbeat task."""
    return db.session.scalar(select(Heartbeat.created_at).order_by(Heartbeat.created_at.desc()).limit(1))


def database_status() -> tuple[bool, datetime | None]:
    """Whether the database answers (with our tables), and when a worker last ran the heartbeat task."""
    try:
        return True, last_heartbeat()
    except Exception:  # any failure means "not healthy"; the reason goes to the log
        current_app.logger.exception("health: database check failed")
        db.session.rollback()
        return False, None


def broker_ok() -> bool:
    """True when the Celery broker accepts a connection (one attempt: a health check must answer fast)."""
    celery_conf = current_app.config["CELERY"]
    options = celery_conf.get("broker_transport_options") or {}
    try:
        with Connection(celery_conf["broker_url"], transport_options=options, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=0, timeout=2)
            if conn.transport.driver_type == "filesystem":
                _check_folders(options)
        return True
    except Exception:  # any failure means "not healthy"; the reason goes to the log
        current_app.logger.exception("health: broker check failed")
        return False


def _check_folders(options: dict) -> None:
    """kombu's filesystem transport always "connects": check that its folders can take messages."""
    for key in ("data_folder_in", "data_folder_out"):
        folder = options.get(key)
        if not folder or not os.path.isdir(folder) or not os.access(folder, os.W_OK | os.X_OK):
            raise OSError(f"broker folder {key}={folder!r} is missing or not writable")
