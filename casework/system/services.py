"""Health checks and heartbeats."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from kombu import Connection
from sqlalchemy import delete, select, text

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


def database_ok() -> bool:
    """True when the database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure means "not healthy"; the reason goes to the log
        current_app.logger.exception("health: database check failed")
        db.session.rollback()
        return False


def broker_ok() -> bool:
    """True when the Celery broker accepts a connection."""
    celery_conf = current_app.config["CELERY"]
    try:
        with Connection(
            celery_conf["broker_url"],
            transport_options=celery_conf.get("broker_transport_options") or {},
            connect_timeout=2,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # any failure means "not healthy"; the reason goes to the log
        current_app.logger.exception("health: broker check failed")
        return False
