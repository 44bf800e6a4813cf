"""The case lists a council keeps as data: clearance costs, case types and CSP priorities.

Administrators change them through /admin/settings; every change goes through a function here, which
checks the user is an administrator, validates, writes and commits (or changes nothing).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, func, select

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import services
from casework.cases.categories import FLYTIP_SIZES, TYPE_GROUPS
from casework.cases.incident_models import ClearanceCost
from casework.cases.models import Case, CaseType, Priority
from casework.extensions import db

MAX_COST = Decimal("1000000")
MAX_PRIORITY_NUMBER = 99
MONEY_RE = re.compile(r"^\d+(\.\d+)?$")


class SettingsError(ValueError):
    """A setting that cannot be saved, with a message for the page and the field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _require_admin(actor: User) -> None:
    if actor.role_enum != Role.ADMIN:
        raise services.NotAllowed("Only an administrator can change these settings")


def _commit() -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


# ---- clearance costs ---------------------------------------------------------------------------


def parse_money(text: str | None, what: str = "The cost") -> Decimal | None:
    """Pounds and pence as typed ('45', '45.50', '£1,250') to a Decimal; blank gives None."""
    cleaned = (text or "").strip().removeprefix("£").replace(",", "").strip()
    if not cleaned:
        return None
    if cleaned.startswith("-") and MONEY_RE.match(cleaned[1:]):
        raise SettingsError(f"{what} must be £0 or more")
    if not MONEY_RE.match(cleaned):
        raise SettingsError(f"{what} must be an amount in pounds and pence, like 45 or 45.50")
    if "." in cleaned and len(cleaned.split(".")[1]) > 2:
        raise SettingsError(f"{what} must have no more than 2 decimal places, like 45.50")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only plain numbers
        raise SettingsError(f"{what} must be an amount in pounds and pence, like 45 or 45.50") from None
    if amount > MAX_COST:
        raise SettingsError(f"{what} must be £{MAX_COST:,.0f} or less")
    return amount


def clearance_costs() -> dict[str, Decimal]:
    """The council's default clearance cost per Flycapture size (sizes without one are absent)."""
    return {row.size: row.cost for row in db.session.scalars(select(ClearanceCost))}


def save_clearance_costs(actor: User, costs: dict[str, Decimal | None]) -> None:
    """Set the default cost of each size; None removes a size's default (new flytips then get none)."""
    _require_admin(actor)
    known = dict(FLYTIP_SIZES)
    for size, cost in costs.items():
        if size not in known:
            raise SettingsError("Unknown flytip size", size)
        if cost is not None and not Decimal(0) <= cost <= MAX_COST:
            raise SettingsError(f"{known[size]}: the cost must be between £0 and £{MAX_COST:,.0f}", size)
    cleared = [size for size, cost in costs.items() if cost is None]
    try:
        if cleared:
            db.session.execute(delete(ClearanceCost).where(ClearanceCost.size.in_(cleared)))
        # set_clearance_costs commits, taking the deletions above with it: one transaction.
        services.set_clearance_costs(actor, {size: cost for size, cost in costs.items() if cost is not None})
    except Exception:
        db.session.rollback()
        raise


# ---- case types --------------------------------------------------------------------------------


def case_types() -> list[CaseType]:
    """All case types, active or not, in their display order."""
    return list(db.session.scalars(select(CaseType).order_by(CaseType.sort_order, CaseType.name)))


def cases_per_type() -> dict[int, int]:
    """How many cases use each case type."""
    rows = db.session.execute(select(Case.case_type_id, func.count()).group_by(Case.case_type_id))
    return {type_id: count for type_id, count in rows}


def code_for(name: str) -> str:
    """A code made from a name: 'ASB: personal' -> 'asb_personal' (at most 40 characters)."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40].rstrip("_")


def _unique_code(name: str) -> str:
    base = code_for(name)
    if not base:
        raise SettingsError("Enter a name with at least one letter or number", "name")
    taken = set(db.session.scalars(select(CaseType.code)))
    code, number = base, 2
    while code in taken:
        suffix = f"_{number}"
        code, number = base[: 40 - len(suffix)] + suffix, number + 1
    return code


def _clean_name(name: str | None, limit: int) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise SettingsError("Enter the name", "name")
    if len(cleaned) > limit:
        raise SettingsError(f"The name must be {limit} characters or fewer", "name")
    return cleaned


def _check_type_name_free(name: str, current: CaseType | None = None) -> None:
    for other in db.session.scalars(select(CaseType)):
        if other is not current and other.name.casefold() == name.casefold():
            raise SettingsError(f"There is already a case type called {other.name}", "name")


def _check_group(group: str | None) -> str:
    if group not in dict(TYPE_GROUPS):
        raise SettingsError("Select the group the case type belongs to", "group")
    return group


def add_case_type(actor: User, name: str, group: str) -> CaseType:
    """Add an active case type at the end of the list; its code is made from the name and never changes."""
    _require_admin(actor)
    name = _clean_name(name, 100)
    group = _check_group(group)
    _check_type_name_free(name)
    last = db.session.scalar(select(func.max(CaseType.sort_order))) or 0
    case_type = CaseType(code=_unique_code(name), name=name, group=group, active=True, sort_order=last + 1)
    db.session.add(case_type)
    _commit()
    return case_type


def update_case_type(actor: User, case_type: CaseType, name: str, group: str | None = None) -> None:
    """Rename a case type; its group may change only while no case uses it (the workflow depends on it)."""
    _require_admin(actor)
    name = _clean_name(name, 100)
    _check_type_name_free(name, current=case_type)
    if group is not None and group != case_type.group:
        group = _check_group(group)
        if cases_per_type().get(case_type.id):
            raise SettingsError("The group cannot change once cases use this type", "group")
        case_type.group = group
    case_type.name = name
    _commit()


def set_case_type_active(actor: User, case_type: CaseType, active: bool) -> None:
    """Offer a case type for new cases again, or stop offering it (existing cases keep it)."""
    _require_admin(actor)
    if not active and case_type.active:
        others = db.session.scalar(
            select(func.count())
            .select_from(CaseType)
            .where(CaseType.active.is_(True), CaseType.id != case_type.id)
        )
        if not others:
            raise SettingsError("At least one case type must stay active, or nobody can log an incident")
    case_type.active = active
    _commit()


# ---- priorities --------------------------------------------------------------------------------


def priorities() -> list[Priority]:
    """All CSP priorities, active or not, by number."""
    return list(db.session.scalars(select(Priority).order_by(Priority.number)))


def parse_number(text: str | None) -> int:
    """A priority number as typed, from 1 to 99."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise SettingsError("Enter the priority number", "number")
    if not cleaned.isdigit() or not 1 <= int(cleaned) <= MAX_PRIORITY_NUMBER:
        raise SettingsError(
            f"The priority number must be a whole number from 1 to {MAX_PRIORITY_NUMBER}", "number"
        )
    return int(cleaned)


def _check_number_free(number: int, current: Priority | None = None) -> None:
    other = db.session.scalar(select(Priority).where(Priority.number == number))
    if other is not None and other is not current:
        raise SettingsError(f"Priority {number} is already “{other.name}”", "number")


def add_priority(actor: User, number: int, name: str) -> Priority:
    """Add an active CSP priority with its number in the strategy."""
    _require_admin(actor)
    name = _clean_name(name, 200)
    number = parse_number(str(number))
    _check_number_free(number)
    priority = Priority(number=number, name=name, active=True)
    db.session.add(priority)
    _commit()
    return priority


def update_priority(actor: User, priority: Priority, number: int, name: str) -> None:
    """Rename or renumber a priority (cases keep pointing at it)."""
    _require_admin(actor)
    name = _clean_name(name, 200)
    number = parse_number(str(number))
    _check_number_free(number, current=priority)
    priority.number, priority.name = number, name
    _commit()


def set_priority_active(actor: User, priority: Priority, active: bool) -> None:
    """Offer a priority for cases again, or stop offering it (cases tagged with it keep it)."""
    _require_admin(actor)
    priority.active = active
    _commit()
