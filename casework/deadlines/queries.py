"""Deadline queries for other areas' pages: the queue's filters, the digest, the case page.

The clauses are EXISTS subqueries on open deadlines correlated with `cases.id`, for a query that
selects from `Case`: `select(Case).where(overdue_case_ids_clause(now))`. They are served by the
partial index on open deadlines (case_id, due_at).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, exists, select

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.models import Case
from casework.deadlines.calendar import WorkingCalendar, current_calendar
from casework.deadlines.models import Deadline
from casework.extensions import db
from casework.formatting import LONDON


def _open_on_case() -> ColumnElement[bool]:
    return and_(Deadline.case_id == Case.id, Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None))


def overdue_case_ids_clause(now: datetime) -> ColumnElement[bool]:
    """Cases with an open deadline whose due time has passed."""
    return exists(select(Deadline.id).where(_open_on_case(), Deadline.due_at <= now))


def due_soon_cutoff(
    now: datetime, working_days: int = 2, calendar: WorkingCalendar | None = None
) -> datetime:
    """The end of the London day `working_days` working days after today (the first instant after it)."""
    calendar = calendar or current_calendar()
    last_day = calendar.add_working_days(now.astimezone(LONDON).date(), working_days)
    return _start_of(last_day + timedelta(days=1))


def due_soon_clause(now: datetime, working_days: int = 2) -> ColumnElement[bool]:
    """Cases with an open deadline not yet overdue but due within `working_days` working days
    (by the end of the `working_days`-th working day after today; 0 means by the end of today).
    Overdue cases are not included: OR this with overdue_case_ids_clause for "overdue or due soon".
    """
    cutoff = due_soon_cutoff(now, working_days)
    return exists(select(Deadline.id).where(_open_on_case(), Deadline.due_at > now, Deadline.due_at < cutoff))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LONDON)


# ---- the daily digest --------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestLine:
    """One deadline in a digest."""

    reference: str
    case_type: str
    label: str
    due_at: datetime
    escalation_level: int


@dataclass(frozen=True)
class DigestItems:
    """What a user's digest lists: overdue deadlines and those due later today, in their scope."""

    overdue: list[DigestLine]
    due_today: list[DigestLine]

    @property
    def empty(self) -> bool:
        return not self.overdue and not self.due_today


def scope_clause(user: User) -> ColumnElement[bool] | None:
    """The cases whose deadlines a user's digest covers: an officer's own, a manager's borough, or
    (a partnership manager) every case. None for users who get no digest."""
    if user.role_enum == Role.OFFICER:
        return Case.assigned_to_id == user.id
    if user.role_enum == Role.MANAGER:
        return Case.borough_id == user.borough_id if user.borough_id is not None else Case.id.is_not(None)
    return None


def digest_items(user: User, now: datetime, limit: int = 200) -> DigestItems:
    """The user's overdue deadlines and those due by the end of today (London), soonest first."""
    scope = scope_clause(user)
    if scope is None:
        return DigestItems([], [])
    end_of_today = _start_of(now.astimezone(LONDON).date() + timedelta(days=1))
    query = (
        select(Deadline, Case)
        .join(Case, Case.id == Deadline.case_id)
        .where(
            Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None), Deadline.due_at < end_of_today, scope
        )
        .order_by(Deadline.due_at, Deadline.id)
        .limit(limit)
    )
    overdue, today = [], []
    for deadline, case in db.session.execute(query):
        line = DigestLine(
            case.reference, case.case_type.name, deadline.label, deadline.due_at, deadline.escalation_level
        )
        (overdue if deadline.due_at <= now else today).append(line)
    return DigestItems(overdue, today)
