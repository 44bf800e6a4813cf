"""Council closure days, service-level policies (data) and deadline rows.

A deadline is a row, not a timer (house rule 3): the service that starts a clock writes it with its
due time and the times the sweep must act (`remind_at`, `escalate_at`), and the sweep finds the rows
whose time has come through partial indexes that hold only open deadlines.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db_types import UTCDateTime, utcnow
from casework.extensions import db

if TYPE_CHECKING:
    from casework.auth.models import User
    from casework.cases.models import Case, CaseType, Priority

# The predicate of every sweep index: only open deadlines are indexed, so the sweep's cost follows
# the number of open (and due) deadlines, not the years of met ones.
OPEN_DEADLINE = "met_at IS NULL AND cancelled_at IS NULL"


def _open_index(name: str, *columns: str, extra: str = "") -> Index:
    where = text(f"{OPEN_DEADLINE}{extra}")
    return Index(name, *columns, postgresql_where=where, sqlite_where=where)


class ClosureDay(db.Model):
    """A day the council is closed although it is not a weekend or a bank holiday."""

    __tablename__ = "closure_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    reason: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ServiceLevelPolicy(db.Model):
    """How long one kind of deadline runs for the cases it matches, who is reminded and the ladder.

    Nullable conditions match anything; the most specific matching active policy wins (see
    casework/deadlines/policies.py). `state` is the state whose entry starts the clock; it is empty
    for kinds that events start (a flytip logged, a referral made, a case review applied for).
    """

    __tablename__ = "service_level_policies"
    __table_args__ = (Index("ix_service_level_policies_kind", "kind", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    case_type_group: Mapped[str | None] = mapped_column(String(20))
    case_type_id: Mapped[int | None] = mapped_column(ForeignKey("case_types.id"))
    risk: Mapped[str | None] = mapped_column(String(20))
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("priorities.id"))
    state: Mapped[str | None] = mapped_column(String(30))
    duration_value: Mapped[int]
    duration_unit: Mapped[str] = mapped_column(String(20))  # working_days or working_hours
    # [{"value": 1, "unit": "working_days"}, ...]: reminders this long before the due time
    reminder_leads: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # ["assigned_officer", "officer_manager", "partnership_manager", "panel:csmap"], in order
    ladder: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case_type: Mapped[CaseType | None] = relationship()
    priority: Mapped[Priority | None] = relationship()


class Deadline(db.Model):
    """One running (or finished) clock on a case.

    `remind_at` is the next reminder (None when none is left), `escalate_at` the time of the next rung
    of the ladder (None when the ladder is done). Ladder and reminder lead times are copied from the
    policy when the clock starts, so a running clock keeps the rules it started with. `version` makes
    a second writer of the same row fail instead of repeating a step.
    """

    __tablename__ = "deadlines"
    __table_args__ = (
        _open_index("ix_deadlines_open_due", "due_at"),
        _open_index("ix_deadlines_open_remind", "remind_at", extra=" AND remind_at IS NOT NULL"),
        _open_index("ix_deadlines_open_escalate", "escalate_at", extra=" AND escalate_at IS NOT NULL"),
        _open_index("ix_deadlines_open_case", "case_id", "due_at"),
        Index("ix_deadlines_case", "case_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(40))
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_level_policies.id", ondelete="SET NULL")
    )
    label: Mapped[str] = mapped_column(String(200))
    state: Mapped[str | None] = mapped_column(String(30))  # the state whose entry started the clock
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminder_leads: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ladder: Mapped[list[str]] = mapped_column(JSON, default=list)
    escalation_level: Mapped[int] = mapped_column(default=0)  # rungs done
    escalate_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_note: Mapped[str] = mapped_column(String(200), default="")
    # The referral, and the action, this deadline chases (no foreign keys): a partner_action row's
    # action is a referral or panel action; an enforcement clock's (compliance_check, fpn_payment,
    # prosecution_review) is an enforcement action.
    referral_id: Mapped[int | None]
    action_id: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    policy: Mapped[ServiceLevelPolicy | None] = relationship()
    started_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None

    def __repr__(self) -> str:
        return f"<Deadline {self.id} {self.kind} case={self.case_id} due={self.due_at:%Y-%m-%d %H:%M}>"


class DigestRun(db.Model):
    """The day's digest was queued: one row per London date, so a digest goes out once a day."""

    __tablename__ = "digest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    messages: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
