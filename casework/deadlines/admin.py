"""What administrators change about deadlines: council closure days and service-level policies.

Every change goes through a function here, which checks the user is an administrator, validates,
writes and commits (or changes nothing). Running deadlines keep the due dates and ladders they
started with; changes apply to clocks started afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import holidays
from sqlalchemy import select

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.categories import TYPE_GROUPS
from casework.cases.models import CaseType, Priority
from casework.cases.workflow import STATE_BY_CODE
from casework.db_types import utcnow
from casework.deadlines.calendar import WorkingCalendar, forget_current_calendar
from casework.deadlines.models import ClosureDay, ServiceLevelPolicy
from casework.deadlines.policies import KIND_BY_CODE, RISKS, Duration, PolicyError, specificity
from casework.extensions import db
from casework.formatting import LONDON

MAX_DURATION_HOURS = 260 * 8  # a year of working days
MAX_REMINDERS = 5
MAX_YEARS_AHEAD = 5


def _require_admin(actor: User) -> None:
    if actor is None or actor.role_enum != Role.ADMIN:
        raise PolicyError("Only an administrator can change service levels and closure days")


def _commit() -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


# ---- closure days ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holiday:
    """A day off in the calendar page's list: a bank holiday or a council closure day."""

    day: date
    name: str
    closure: ClosureDay | None = None


def coming_bank_holidays(today: date, days: int = 400) -> list[Holiday]:
    """England and Wales bank holidays from today for about a year."""
    end = today + timedelta(days=days)
    found = holidays.UK(subdiv="ENG", years=range(today.year, end.year + 1))
    return [Holiday(day, name) for day, name in sorted(found.items()) if today <= day <= end]


def closure_days(since: date | None = None) -> list[ClosureDay]:
    """The council's closure days (from `since`, when given), earliest first."""
    query = select(ClosureDay).order_by(ClosureDay.day)
    if since is not None:
        query = query.where(ClosureDay.day >= since)
    return list(db.session.scalars(query))


def add_closure_day(
    actor: User, day: date | None, reason: str, now: datetime | None = None
) -> tuple[ClosureDay, list[str]]:
    """Add a closure day; returns it and warnings for people (a weekend, a bank holiday, the past)."""
    _require_admin(actor)
    reason = " ".join((reason or "").split())
    if day is None:
        raise PolicyError("Enter the date the council is closed", "day")
    today = (now or utcnow()).astimezone(LONDON).date()
    if day.year > today.year + MAX_YEARS_AHEAD:
        raise PolicyError(f"The date must be within {MAX_YEARS_AHEAD} years from now", "day")
    if not reason:
        raise PolicyError("Enter why the council is closed, for example “Christmas closure”", "reason")
    if len(reason) > 200:
        raise PolicyError("The reason must be 200 characters or fewer", "reason")
    if db.session.scalar(select(ClosureDay).where(ClosureDay.day == day)) is not None:
        raise PolicyError(f"{day.day} {day:%B %Y} is already a closure day", "day")
    warnings = _closure_warnings(day, today)
    closure = ClosureDay(day=day, reason=reason, created_by_id=actor.id)
    db.session.add(closure)
    _commit()
    forget_current_calendar()
    return closure, warnings


def _closure_warnings(day: date, today: date) -> list[str]:
    when = f"{day.day} {day:%B %Y}"
    reason = WorkingCalendar().non_working_reason(day)
    warnings = []
    if day.weekday() >= 5:
        warnings.append(
            f"{when} is a {reason}, which is not a working day anyway: the closure changes no deadline."
        )
    elif reason:
        warnings.append(f"{when} is already a bank holiday ({reason}): the closure changes no deadline.")
    if day < today:
        warnings.append(f"{when} is in the past: deadlines already running keep their due dates.")
    return warnings


def remove_closure_day(actor: User, closure_id: int) -> ClosureDay:
    """Remove a closure day (it becomes a working day again for clocks started from now)."""
    _require_admin(actor)
    closure = db.session.get(ClosureDay, closure_id)
    if closure is None:
        raise PolicyError("That closure day has already been removed")
    db.session.delete(closure)
    _commit()
    forget_current_calendar()
    return closure


# ---- service-level policies --------------------------------------------------------------------


@dataclass
class PolicyInput:
    """A policy as entered on the form (already parsed)."""

    kind: str
    duration: Duration
    case_type_group: str | None = None
    case_type_id: int | None = None
    risk: str | None = None
    priority_id: int | None = None
    state: str | None = None
    reminder_leads: list[Duration] = field(default_factory=list)
    ladder: list[str] = field(default_factory=list)
    description: str = ""


def policies_in_order() -> list[ServiceLevelPolicy]:
    """Every policy, active first, then by kind (in the kinds' order) and most general first."""
    order = {code: index for index, code in enumerate(KIND_BY_CODE)}
    rows = db.session.scalars(select(ServiceLevelPolicy)).all()
    return sorted(rows, key=lambda p: (not p.active, order.get(p.kind, 99), specificity(p)))


def _check(data: PolicyInput) -> None:
    if data.kind not in KIND_BY_CODE:
        raise PolicyError("Select the kind of deadline", "kind")
    if data.case_type_id is not None:
        case_type = db.session.get(CaseType, data.case_type_id)
        if case_type is None:
            raise PolicyError("Select a case type from the list", "applies_to")
        data.case_type_group = None  # the type says its group
    if data.case_type_group is not None and data.case_type_group not in dict(TYPE_GROUPS):
        raise PolicyError("Select a case type group from the list", "applies_to")
    if data.risk is not None and data.risk not in dict(RISKS):
        raise PolicyError("Select a risk level from the list", "risk")
    if data.priority_id is not None and db.session.get(Priority, data.priority_id) is None:
        raise PolicyError("Select a priority from the list", "priority_id")
    if data.state is not None and (data.state not in STATE_BY_CODE or data.state == "closed"):
        raise PolicyError("Select the state that starts the clock, or “started by an event”", "state")
    if not 1 <= data.duration.hours <= MAX_DURATION_HOURS:
        raise PolicyError(
            f"The deadline must be between 1 working hour and {MAX_DURATION_HOURS // 8} working days",
            "duration_value",
        )
    if len(data.reminder_leads) > MAX_REMINDERS:
        raise PolicyError(f"Give at most {MAX_REMINDERS} reminders", "reminders")
    for lead in data.reminder_leads:
        if lead.hours >= data.duration.hours:
            raise PolicyError(
                f"A reminder {lead} before the deadline would come before the clock starts: "
                f"make it shorter than {data.duration}",
                "reminders",
            )
    if len(data.description) > 300:
        raise PolicyError("The description must be 300 characters or fewer", "description")


def _same_conditions(policy: ServiceLevelPolicy, data: PolicyInput) -> bool:
    return (
        policy.kind,
        policy.case_type_group,
        policy.case_type_id,
        policy.risk,
        policy.priority_id,
        policy.state,
    ) == (
        data.kind,
        data.case_type_group,
        data.case_type_id,
        data.risk,
        data.priority_id,
        data.state,
    )


def save_policy(actor: User, policy: ServiceLevelPolicy | None, data: PolicyInput) -> ServiceLevelPolicy:
    """Add a policy (policy None) or change one; commits. Two active policies may not have exactly
    the same conditions, since neither would be more specific than the other."""
    _require_admin(actor)
    _check(data)
    others = db.session.scalars(select(ServiceLevelPolicy).where(ServiceLevelPolicy.active.is_(True))).all()
    if any(_same_conditions(other, data) for other in others if other is not policy) and (
        policy is None or policy.active
    ):
        raise PolicyError(
            "An active policy already covers exactly these cases for this deadline: change that one instead",
            "kind",
        )
    if policy is None:
        policy = ServiceLevelPolicy(active=True)
        db.session.add(policy)
    policy.kind, policy.case_type_group, policy.case_type_id = (
        data.kind,
        data.case_type_group,
        data.case_type_id,
    )
    policy.risk, policy.priority_id, policy.state = data.risk, data.priority_id, data.state
    policy.duration_value, policy.duration_unit = data.duration.value, data.duration.unit
    policy.reminder_leads = [lead.as_json() for lead in data.reminder_leads]
    policy.ladder = list(data.ladder)
    policy.description = data.description.strip()
    _commit()
    return policy


def set_policy_active(actor: User, policy: ServiceLevelPolicy, active: bool) -> None:
    """Deactivate a policy (no new clocks from it; running ones carry on) or activate it again."""
    _require_admin(actor)
    if active and not policy.active:
        others = db.session.scalars(
            select(ServiceLevelPolicy).where(ServiceLevelPolicy.active.is_(True))
        ).all()
        data = PolicyInput(
            kind=policy.kind,
            duration=Duration(policy.duration_value, policy.duration_unit),
            case_type_group=policy.case_type_group,
            case_type_id=policy.case_type_id,
            risk=policy.risk,
            priority_id=policy.priority_id,
            state=policy.state,
        )
        if any(_same_conditions(other, data) for other in others):
            raise PolicyError(
                "Another active policy covers exactly these cases for this deadline: deactivate it first"
            )
    policy.active = active
    _commit()
