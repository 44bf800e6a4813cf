"""The case itself, its type and priority (data), reference counters and the event history."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.auth.models import User
from casework.db_types import UTCDateTime, utcnow
from casework.extensions import db
from casework.places.models import Borough, Ward

if TYPE_CHECKING:
    from casework.cases.incident_models import Incident
    from casework.cases.party_models import CaseParty
    from casework.cases.record_models import Evidence, Note


class CaseType(db.Model):
    """A kind of case (flytipping, graffiti, personal ASB...): a list the council keeps."""

    __tablename__ = "case_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    group: Mapped[str] = mapped_column(String(20))  # flytipping, environmental, asb
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    @property
    def is_flytipping(self) -> bool:
        return self.group == "flytipping"

    def __str__(self) -> str:
        return self.name


class Priority(db.Model):
    """A priority of the CSP strategy that cases serve."""

    __tablename__ = "priorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class ReferenceCounter(db.Model):
    """The last case number used per borough and year (DAR-2026-00042)."""

    __tablename__ = "case_reference_counters"
    __table_args__ = (UniqueConstraint("borough_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("boroughs.id"))
    year: Mapped[int]
    last_number: Mapped[int] = mapped_column(default=0)


class Case(db.Model):
    """A case: one problem worked through the workflow, holding one or more incidents."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_queue", "borough_id", "state", "created_at"),
        Index("ix_cases_type_queue", "case_type_id", "state", "created_at"),
        Index("ix_cases_assignee_state", "assigned_to_id", "state"),
        Index("ix_cases_ward_state", "ward_id", "state"),
        # The queue's open cases (a small part of all cases once years have closed): ordered scans for
        # the page and index-only scans for the counts per state; see casework/cases/queries.py.
        Index(
            "ix_cases_open_type",
            *("borough_id", "case_type_id", "created_at", "id"),
            *("state", "ward_id", "assigned_to_id", "priority_id"),
            postgresql_where=text("state <> 'closed'"),
            sqlite_where=text("state <> 'closed'"),
        ),
        Index(
            "ix_cases_open_recent",
            *("created_at", "id", "borough_id", "case_type_id"),
            *("state", "ward_id", "assigned_to_id", "priority_id"),
            postgresql_where=text("state <> 'closed'"),
            sqlite_where=text("state <> 'closed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    case_type_id: Mapped[int] = mapped_column(ForeignKey("case_types.id"))
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("priorities.id"))
    borough_id: Mapped[int] = mapped_column(ForeignKey("boroughs.id"))
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(30), default="new")
    outcome: Mapped[str | None] = mapped_column(String(40))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    requested_outcome: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    risk: Mapped[str | None] = mapped_column(String(20))  # standard/medium/high: set by casework/risk only
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    case_type: Mapped[CaseType] = relationship()
    priority: Mapped[Priority | None] = relationship()
    borough: Mapped[Borough] = relationship()
    ward: Mapped[Ward | None] = relationship()
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    duplicate_of: Mapped[Case | None] = relationship(remote_side=[id])
    incidents: Mapped[list[Incident]] = relationship(
        back_populates="case", order_by="Incident.reported_at", cascade="all, delete-orphan"
    )
    parties: Mapped[list[CaseParty]] = relationship(back_populates="case", cascade="all, delete-orphan")
    notes: Mapped[list[Note]] = relationship(back_populates="case", order_by="Note.created_at.desc()")
    evidence: Mapped[list[Evidence]] = relationship(back_populates="case", order_by="Evidence.uploaded_at")
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="(CaseEvent.at.desc(), CaseEvent.id.desc())"
    )

    @property
    def is_open(self) -> bool:
        return self.state != "closed"

    def __str__(self) -> str:
        return self.reference


class CaseEvent(db.Model):
    """One entry of a case's history: who did what, when, with the values before and after.

    Append-only: rows are only ever inserted (services never update or delete them).
    """

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
