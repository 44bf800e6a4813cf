"""Builders for the deadline tests: default service levels, deadlines in a given shape, counting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from casework.cases.models import Case, CaseEvent
from casework.deadlines import services
from casework.deadlines.models import Deadline
from casework.deadlines.policies import seed_default_policies
from casework.extensions import db
from casework.notifications.models import OutboxMessage

# A Wednesday morning in term time, far from any bank holiday: 10:00 London (GMT in January).
WEDNESDAY = datetime(2027, 1, 13, 10, 0, tzinfo=UTC)
LADDER = ["assigned_officer", "officer_manager", "partnership_manager", "panel:csmap"]


def default_policies() -> None:
    """The migration's default service levels (tests empty every table, so add them back)."""
    seed_default_policies()


def add_deadline(
    case: Case,
    *,
    due_at: datetime,
    kind: str = "triage",
    remind_at: datetime | None = None,
    escalate: bool = True,
    ladder: list[str] | None = None,
    started_at: datetime | None = None,
) -> Deadline:
    """A deadline on `case` with the given times (committed), as if a clock had started earlier.

    One open deadline per kind and case: give distinct kinds for several on one case.
    """
    row = services.start_clock(
        case,
        kind,
        started_at or due_at - timedelta(days=3),
        due_at=due_at,
        ladder=list(LADDER if ladder is None else ladder),
        reminder_leads=[],
    )
    row.remind_at = remind_at
    row.escalate_at = due_at if escalate and row.ladder else None
    db.session.commit()
    return row


def fresh(row: Deadline) -> Deadline:
    db.session.expire_all()
    return db.session.get(Deadline, row.id)


def outbox(prefix: str = "") -> list[OutboxMessage]:
    """Outbox rows whose idempotency key starts with `prefix`."""
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith(prefix))
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def events(case: Case | int, kind: str) -> list[CaseEvent]:
    case_id = case if isinstance(case, int) else case.id
    db.session.expire_all()
    query = select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind)
    return list(db.session.scalars(query.order_by(CaseEvent.id)))


def count_events(kind: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == kind))
