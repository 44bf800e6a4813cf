"""Rows the worker and scheduler write to show they are alive."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from casework.db_types import UTCDateTime, utcnow
from casework.extensions import db


class Heartbeat(db.Model):
    """One run of the heartbeat task: proof that beat scheduled it and a worker ran it."""

    __tablename__ = "heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
