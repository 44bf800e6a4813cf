"""The outbox row: one outbound e-mail, written in the transaction that causes it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casework.db_types import UTCDateTime, utcnow
from casework.extensions import db


class Status(StrEnum):
    """Where a message is in its life: pending -> sending -> sent, or back to pending, or failed."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class OutboxMessage(db.Model):
    """An e-mail to send, its rendered snapshot, and what happened when it was sent.

    Subject and bodies are rendered when the message is queued, so the message says what was true
    when the change that caused it was committed, a template error fails that change rather than
    the worker, the admin page shows exactly what was (or will be) sent, and a resend is the same
    message. `message_id` is made once, here, and every attempt reuses it, so that a copy re-sent
    after a crash can be recognised by mail systems.

    For a row in `sending`, `next_attempt_at` is when the claim lapses: a dispatcher that died
    mid-send leaves the row there, and another takes it over once that time has passed.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The dispatcher's query: status IN (pending, sending) AND next_attempt_at <= now.
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        Index("ix_outbox_messages_created", "created_at"),
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    template: Mapped[str] = mapped_column(String(100))
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=Status.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider: Mapped[str | None] = mapped_column(String(10))
    provider_reference: Mapped[str | None] = mapped_column(String(200))
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sending_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def recipient(self) -> str:
        """'Name <address>' or the bare address, for people to read."""
        return f"{self.to_name} <{self.to_address}>" if self.to_name else self.to_address

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.template} {self.status}>"
