"""The only code that changes a case.

Each public function checks permission, checks the workflow, writes the change, appends a
`case_events` row (who, when, what, before and after) and commits, all in one transaction. Views and
tasks call these; nothing else assigns `case.state`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import workflow
from casework.cases.categories import CLEARED_BY, FLYTIP_SIZES, LAND_TYPES, PARTY_ROLES, WASTE_TYPES, label
from casework.cases.evidence_files import CheckedFile, discard, store
from casework.cases.incident_models import ClearanceCost, FlytipDetails, Incident
from casework.cases.models import Case, CaseEvent, CaseType, ReferenceCounter
from casework.cases.party_models import CaseParty, Person
from casework.cases.record_models import Evidence, Note
from casework.cases.scope import can_see, can_work
from casework.db_types import utcnow
from casework.deadlines import hooks as deadlines_hooks
from casework.deadlines.policies import RISKS
from casework.extensions import db
from casework.places.models import Ward

LONDON = ZoneInfo("Europe/London")  # "today" for dates people enter is the London date, not UTC's


class CaseError(ValueError):
    """A change that cannot be made, with a message for the page and the field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaleCase(CaseError):
    """Someone else changed the case after this user opened it."""

    def __init__(self) -> None:
        super().__init__(
            "This case changed since you opened it. Check the latest details below, then try again."
        )


class NotAllowed(CaseError):
    """The user may not make this change."""


# ---- inputs ------------------------------------------------------------------------------------


@dataclass
class FlytipInput:
    """Flycapture details of a flytipping incident."""

    size: str
    land_type: str
    waste_types: list[str]
    evidence_found: bool = False
    evidence_description: str = ""
    clearance_requested_on: date | None = None


@dataclass
class PersonInput:
    """A person as entered on a form."""

    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str | None = None
    date_of_birth: date | None = None
    vulnerabilities: list[str] = field(default_factory=list)
    vulnerability_notes: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.first_name.strip(), self.last_name.strip(), self.phone.strip(), self.email.strip())
        )


@dataclass
class IncidentInput:
    """A reported incident and where it happened (the location already checked and completed)."""

    channel: str
    ward_id: int
    occurred_at: datetime | None = None
    description: str = ""
    address: str = ""
    postcode: str | None = None
    uprn: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    easting: int | None = None
    northing: int | None = None
    reported_at: datetime | None = None
    flytip: FlytipInput | None = None
    reporter: PersonInput | None = None
    photos: list[CheckedFile] = field(default_factory=list)


# ---- history -----------------------------------------------------------------------------------


def record_event(
    case: Case,
    actor: User | None,
    kind: str,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append a history entry to the case (in the caller's transaction)."""
    event = CaseEvent(
        case=case, actor=actor, at=utcnow(), kind=kind, summary=summary, before=before, after=after
    )
    db.session.add(event)
    return event


def _commit() -> None:
    """Commit, turning a concurrent update of the same case into StaleCase."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleCase() from None


@contextmanager
def _stale_guard() -> Iterator[None]:
    """Turn a flush that finds the case changed by someone else into StaleCase.

    Queries autoflush, so the versioned UPDATE can fail before `_commit` (e.g. inside the deadline
    hook's queries); under a race the loser must still get the clear message, not a server error.
    """
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise StaleCase() from None


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise StaleCase()


def _require_work(actor: User, case: Case) -> None:
    if not can_work(actor, case):
        raise NotAllowed("You cannot change this case")


# ---- logging incidents -------------------------------------------------------------------------


def next_reference(borough_id: int, borough_code: str, year: int) -> str:
    """The next human reference for a borough and year, e.g. DAR-2026-00042 (safe under concurrency)."""
    bump = (
        update(ReferenceCounter)
        .where(ReferenceCounter.borough_id == borough_id, ReferenceCounter.year == year)
        .values(last_number=ReferenceCounter.last_number + 1)
        .returning(ReferenceCounter.last_number)
    )
    number = db.session.execute(bump).scalar()
    if number is None:
        try:
            with db.session.begin_nested():
                db.session.execute(
                    insert(ReferenceCounter).values(borough_id=borough_id, year=year, last_number=1)
                )
            number = 1
        except IntegrityError:  # another request created the counter first
            number = db.session.execute(bump).scalar_one()
    return f"{borough_code}-{year}-{number:05d}"


def _ward_for(actor: User, ward_id: int) -> Ward:
    ward = db.session.get(Ward, ward_id)
    if ward is None:
        raise CaseError("Select the ward", "ward_id")
    if actor.borough_id is not None and ward.borough_id != actor.borough_id:
        raise CaseError("Select a ward in your borough", "ward_id")
    return ward


def _summary(case_type: CaseType, data: IncidentInput) -> str:
    where = data.address.strip() or data.postcode or "location not given"
    return f"{case_type.name}: {where}"[:200]


def log_incident(actor: User, case_type_id: int, data: IncidentInput, priority_id: int | None = None) -> Case:
    """Open a new case for a reported incident; returns the case with its new reference."""
    if actor.role_enum not in (Role.OFFICER, Role.MANAGER):
        raise NotAllowed("Only officers and managers can log incidents")
    case_type = db.session.get(CaseType, case_type_id)
    if case_type is None or not case_type.active:
        raise CaseError("Select the type of problem", "case_type_id")
    _check_flytip_given(case_type, data)
    ward = _ward_for(actor, data.ward_id)
    now = utcnow()
    case = Case(
        reference=next_reference(ward.borough_id, ward.borough.code, now.year),
        case_type=case_type,
        priority_id=priority_id,
        borough_id=ward.borough_id,
        ward_id=ward.id,
        state=workflow.INITIAL_STATE,
        summary=_summary(case_type, data),
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    db.session.add(case)
    record_event(case, actor, "created", f"Case opened: {case_type.name}", after={"state": case.state})
    stored = _add_incident_rows(actor, case, data)
    deadlines_hooks.after_change(case, actor, deadlines_hooks.LOGGED, now=now)
    _commit_or_discard(stored)
    return case


def add_incident(actor: User, case: Case, data: IncidentInput) -> Incident:
    """Add a further report to an open case (a repeat report) instead of opening a new one."""
    _require_work(actor, case)
    if not case.is_open:
        raise CaseError("This case is closed: reopen it, or log a new case")
    _check_flytip_given(case.case_type, data)
    _ward_for(actor, data.ward_id)
    stored = _add_incident_rows(actor, case, data)
    case.updated_at = utcnow()
    try:
        with _stale_guard():
            deadlines_hooks.after_change(case, actor, deadlines_hooks.INCIDENT_ADDED, now=case.updated_at)
    except StaleCase:
        for name in stored:  # the report was not saved, so neither are its files
            discard(name)
        raise
    _commit_or_discard(stored)
    return case.incidents[-1]


def _check_flytip_given(case_type: CaseType, data: IncidentInput) -> None:
    if case_type.is_flytipping and data.flytip is None:
        raise CaseError("Enter the size, land type and waste types of the flytip", "size")
    if not case_type.is_flytipping:
        data.flytip = None


def _add_incident_rows(actor: User, case: Case, data: IncidentInput) -> list[str]:
    incident = Incident(
        case=case,
        occurred_at=data.occurred_at,
        reported_at=data.reported_at or utcnow(),
        channel=data.channel,
        description=data.description.strip(),
        address=data.address.strip(),
        postcode=data.postcode,
        uprn=data.uprn or None,
        latitude=data.latitude,
        longitude=data.longitude,
        easting=data.easting,
        northing=data.northing,
        ward_id=data.ward_id,
        recorded_by=actor,
    )
    db.session.add(incident)
    if data.flytip is not None:
        incident.flytip = _flytip_row(data.flytip)
    where = data.address.strip() or data.postcode or "no address"
    record_event(case, actor, "incident_added", f"Incident reported ({data.channel}) at {where}")
    if data.reporter is not None and not data.reporter.is_empty:
        _attach_person(actor, case, _new_person(data.reporter), "complainant")
    return [_add_evidence_row(actor, case, photo, incident=incident) for photo in data.photos]


def _commit_or_discard(stored_files: list[str]) -> None:
    """Commit; if the transaction fails, remove files written for it so nothing is left half-saved."""
    try:
        _commit()
    except Exception:
        db.session.rollback()
        for name in stored_files:
            discard(name)
        raise


def _flytip_row(data: FlytipInput) -> FlytipDetails:
    return FlytipDetails(
        size=data.size,
        land_type=data.land_type,
        waste_types=sorted(set(data.waste_types)),
        evidence_found=data.evidence_found,
        evidence_description=data.evidence_description.strip(),
        clearance_requested_on=data.clearance_requested_on,
        clearance_cost=default_clearance_cost(data.size),
    )


def default_clearance_cost(size: str) -> Decimal | None:
    """The council's default cost of clearing a flytip of this size, if it has set one."""
    return db.session.scalar(select(ClearanceCost.cost).where(ClearanceCost.size == size))


# ---- workflow ----------------------------------------------------------------------------------


def fire(
    actor: User,
    case: Case,
    transition_name: str,
    expected_version: int | None,
    given: workflow.TransitionInput | None = None,
) -> Case:
    """Move the case through a workflow transition, if this user may and its guards pass."""
    given = given or workflow.TransitionInput()
    _require_work(actor, case)
    _check_version(case, expected_version)
    transition = workflow.TRANSITION_BY_NAME.get(transition_name)
    if transition is None or case.state not in transition.sources:
        raise CaseError("That action is not possible for this case now")
    if actor.role_enum not in transition.roles:
        raise NotAllowed(f"You cannot {transition.label.lower()}: ask a manager")
    problems = workflow.problems(transition, case, given)
    if problems:
        raise CaseError(problems[0], _field_for(problems[0]))
    with _stale_guard():
        _apply(actor, case, transition, given)
    _commit()
    return case


def _field_for(problem: str) -> str | None:
    if "outcome" in problem:
        return "outcome"
    if "duplicate" in problem or "original" in problem:
        return "duplicate_of"
    if "reason" in problem:
        return "reason"
    return None


def _apply(
    actor: User | None,
    case: Case,
    transition: workflow.Transition,
    given: workflow.TransitionInput,
    now: datetime | None = None,
) -> None:
    before = {"state": case.state, "outcome": case.outcome}
    case.state = transition.target
    now = now or utcnow()
    case.updated_at = now
    if transition.name == "request_closure":
        case.requested_outcome = given.outcome
    if transition.target == "closed":
        case.outcome = given.outcome
        case.duplicate_of = given.duplicate_of if given.outcome == "duplicate" else None
        case.closed_at = now
        case.requested_outcome = None
    elif before["state"] == "closed" or transition.name == "decline_closure":
        case.outcome, case.closed_at, case.duplicate_of, case.requested_outcome = None, None, None, None
    after = {"state": case.state, "outcome": case.outcome}
    summary = (
        f"{transition.label}: {workflow.state_label(before['state'])} to {workflow.state_label(case.state)}"
    )
    if given.outcome and transition.needs_outcome:
        summary += f" (outcome: {workflow.outcome_label(given.outcome)})"
    if given.outcome == "duplicate" and given.duplicate_of is not None:
        summary += f", duplicate of {given.duplicate_of.reference}"
    if given.reason.strip():
        after["reason"] = given.reason.strip()
        summary += f". Reason: {given.reason.strip()}"
    record_event(case, actor, f"transition:{transition.name}", summary, before, after)
    deadlines_hooks.after_change(case, actor, deadlines_hooks.TRANSITION, now=now, old_state=before["state"])
    if transition.target == "closed":
        # Imported here: the partners area is built on this one.
        from casework.partners.services import close_with_case

        close_with_case(case, actor, now)


def set_risk(case: Case, level: str, now: datetime) -> None:
    """Set the case's victim risk level, decided by a risk assessment (casework/risk records the
    assessment and the history entry), in the caller's transaction (not committed)."""
    if level not in dict(RISKS):
        raise CaseError("Unknown risk level")
    case.risk, case.updated_at = level, now


def escalate_to_panel(case: Case, reason: str, now: datetime) -> bool:
    """Refer the case to a panel as the system (the deadline sweep's last rung), in the caller's
    transaction (not committed). No role check, but the workflow still decides: the case moves only
    from a state refer_to_panel leaves from. Recorded with no actor ('system'). True when it moved.
    """
    transition = workflow.TRANSITION_BY_NAME["refer_to_panel"]
    given = workflow.TransitionInput(reason=reason)
    if case.state not in transition.sources or workflow.problems(transition, case, given):
        return False
    _apply(None, case, transition, given, now)
    return True


def allowed_transitions(actor: User, case: Case) -> list[workflow.Transition]:
    """The transitions this user may fire on this case now (role and state; guards are checked on submit)."""
    if not can_work(actor, case):
        return []
    return workflow.available_to(actor.role_enum, case.state)


def find_case_for(actor: User, reference: str) -> Case | None:
    """A case by reference, only if this user may see it."""
    case = db.session.scalar(select(Case).where(Case.reference == reference.strip().upper()))
    return case if case is not None and can_see(actor, case) else None


# ---- assignment --------------------------------------------------------------------------------


def assignable_officers(case_borough_id: int | None) -> list[User]:
    """Active officers and managers who work in the borough (or across the partnership)."""
    query = select(User).where(User.active.is_(True), User.role.in_([Role.OFFICER.value, Role.MANAGER.value]))
    if case_borough_id is not None:
        query = query.where((User.borough_id == case_borough_id) | User.borough_id.is_(None))
    return list(db.session.scalars(query.order_by(User.role.desc(), User.name)))


def _check_assignee(case: Case, officer: User | None) -> None:
    if officer is None:
        return
    if not officer.active or officer.role_enum not in (Role.OFFICER, Role.MANAGER):
        raise CaseError("Select an active officer", "officer")
    if officer.borough_id is not None and officer.borough_id != case.borough_id:
        raise CaseError(f"{officer.name} does not work in {case.borough.name}", "officer")


def _assign_one(actor: User, case: Case, officer: User | None) -> None:
    _require_work(actor, case)
    if actor.role_enum == Role.OFFICER and (officer is None or officer.id != actor.id or case.assigned_to_id):
        raise NotAllowed("Only a manager can assign cases to others")
    _check_assignee(case, officer)
    if case.assigned_to_id == (officer.id if officer else None):
        return
    before = {"assigned_to": case.assigned_to.name if case.assigned_to else None}
    case.assigned_to = officer
    case.updated_at = utcnow()
    after = {"assigned_to": officer.name if officer else None}
    verb = f"Assigned to {officer.name}" if officer else "Unassigned"
    record_event(case, actor, "assigned", verb, before, after)


def assign(actor: User, case: Case, officer: User | None, expected_version: int | None) -> Case:
    """Assign (or unassign, with None) one case; officers may only take an unassigned case themselves."""
    _check_version(case, expected_version)
    _assign_one(actor, case, officer)
    _commit()
    return case


def bulk_assign(actor: User, case_ids: list[int], officer: User) -> list[Case]:
    """Assign several cases at once; all or none (any case the user cannot change stops the lot)."""
    if actor.role_enum != Role.MANAGER:
        raise NotAllowed("Only a manager can assign cases to others")
    cases = list(db.session.scalars(select(Case).where(Case.id.in_(case_ids))))
    if not cases or len(cases) != len(set(case_ids)):
        raise CaseError("Select the cases to assign", "case_ids")
    try:
        for case in cases:
            _assign_one(actor, case, officer)
    except CaseError:
        db.session.rollback()  # all or none: undo the cases already changed before the refusal
        raise
    _commit()
    return cases


# ---- flytip clearance --------------------------------------------------------------------------


def record_clearance(
    actor: User,
    incident: Incident,
    cleared_on: date,
    cleared_by: str,
    cost: Decimal | None,
    expected_version: int | None,
) -> FlytipDetails:
    """Record when and by whom a flytip was cleared, and what it cost (the size's default if not given)."""
    case = incident.case
    _require_work(actor, case)
    _check_version(case, expected_version)
    details = incident.flytip
    if details is None:
        raise CaseError("This incident has no flytipping details")
    if cleared_by not in dict(CLEARED_BY):
        raise CaseError("Select who cleared the flytip", "cleared_by")
    if cleared_on > utcnow().astimezone(LONDON).date():
        raise CaseError("The clearance date must be today or in the past", "cleared_on")
    if cost is not None and cost < 0:
        raise CaseError("The cost must be £0 or more", "cost")
    before = {
        "cleared_on": _iso(details.cleared_on),
        "cleared_by": details.cleared_by,
        "cost": _money(details.clearance_cost),
    }
    details.cleared_on, details.cleared_by = cleared_on, cleared_by
    details.clearance_cost = (
        cost if cost is not None else (details.clearance_cost or default_clearance_cost(details.size))
    )
    after = {"cleared_on": _iso(cleared_on), "cleared_by": cleared_by, "cost": _money(details.clearance_cost)}
    case.updated_at = utcnow()
    who = label(CLEARED_BY, cleared_by).lower()
    record_event(
        case,
        actor,
        "clearance_recorded",
        f"Flytip cleared on {cleared_on.day} {cleared_on:%B %Y} by the {who}",
        before,
        after,
    )
    with _stale_guard():
        deadlines_hooks.after_change(case, actor, deadlines_hooks.CLEARANCE, now=case.updated_at)
    _commit()
    return details


def correct_flytip(
    actor: User, incident: Incident, data: FlytipInput, expected_version: int | None
) -> FlytipDetails:
    """Correct a flytip's Flycapture details (size, land type, waste types), as the officer finds them.

    A report from the public often comes without a land type, or with the wrong size; the Defra return
    counts what is recorded here. An uncleared flytip whose cost was the old size's standard cost takes
    the new size's.
    """
    case = incident.case
    _require_work(actor, case)
    _check_version(case, expected_version)
    details = incident.flytip
    if details is None:
        raise CaseError("This incident has no flytipping details")
    _check_flytip_codes(data)
    before = {"size": details.size, "land_type": details.land_type, "waste_types": list(details.waste_types)}
    after = {"size": data.size, "land_type": data.land_type, "waste_types": sorted(set(data.waste_types))}
    if before == after:
        raise CaseError("Nothing has changed: change the size, land type or waste types", "size")
    if not details.is_cleared and details.clearance_cost == default_clearance_cost(details.size):
        details.clearance_cost = default_clearance_cost(data.size)
    details.size, details.land_type, details.waste_types = data.size, data.land_type, after["waste_types"]
    case.updated_at = utcnow()
    record_event(case, actor, "flytip_corrected", _correction_summary(before, after), before, after)
    _commit()
    return details


def _correction_summary(before: dict, after: dict) -> str:
    names = {"size": FLYTIP_SIZES, "land_type": LAND_TYPES}
    changes = [
        f"{field.replace('_', ' ')} {label(names[field], before[field])} to {label(names[field], now)}"
        for field in ("size", "land_type")
        if before[field] != (now := after[field])
    ]
    if before["waste_types"] != after["waste_types"]:
        changes.append("waste types " + ", ".join(label(WASTE_TYPES, code) for code in after["waste_types"]))
    return "Flytip details corrected: " + "; ".join(changes)


def _check_flytip_codes(data: FlytipInput) -> None:
    if data.size not in dict(FLYTIP_SIZES):
        raise CaseError("Select the size of the flytip", "size")
    if data.land_type not in dict(LAND_TYPES):
        raise CaseError("Select the land type", "land_type")
    if not data.waste_types or not set(data.waste_types) <= set(dict(WASTE_TYPES)):
        raise CaseError("Select at least one type of waste", "waste_types")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal | None) -> str | None:
    return f"{value:.2f}" if value is not None else None


def set_clearance_costs(actor: User, costs: dict[str, Decimal]) -> None:
    """Set the default clearance cost per size (admins)."""
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed("Only an administrator can change clearance costs")
    for size, cost in costs.items():  # check every cost before writing any
        if size not in dict(FLYTIP_SIZES):
            raise CaseError("Unknown flytip size", size)
        if cost < 0:
            raise CaseError("Costs must be £0 or more", size)
    for size, cost in costs.items():
        if cost < 0:
            raise CaseError("Costs must be £0 or more", size)
        row = db.session.scalar(select(ClearanceCost).where(ClearanceCost.size == size))
        if row is None:
            db.session.add(ClearanceCost(size=size, cost=cost))
        else:
            row.cost = cost
    db.session.commit()


# ---- notes, people, evidence -------------------------------------------------------------------


def add_note(actor: User, case: Case, body: str, restricted: bool = False) -> Note:
    """Add a note; restricted notes are for council staff only."""
    _require_work(actor, case)
    if not body.strip():
        raise CaseError("Enter the note", "body")
    if len(body) > 10_000:
        raise CaseError("The note must be 10,000 characters or fewer", "body")
    note = Note(case=case, author=actor, body=body.strip(), restricted=restricted, created_at=utcnow())
    db.session.add(note)
    record_event(case, actor, "note_added", "Restricted note added" if restricted else "Note added")
    db.session.commit()
    return note


def _new_person(data: PersonInput) -> Person:
    person = Person(
        first_name=data.first_name.strip(),
        last_name=data.last_name.strip(),
        phone=data.phone.strip(),
        email=data.email.strip(),
        address=data.address.strip(),
        postcode=data.postcode,
        date_of_birth=data.date_of_birth,
        vulnerabilities=sorted(set(data.vulnerabilities)),
        vulnerability_notes=data.vulnerability_notes.strip(),
    )
    db.session.add(person)
    return person


def _attach_person(actor: User, case: Case, person: Person, role: str) -> CaseParty:
    if role not in dict(PARTY_ROLES):
        raise CaseError("Select the person's part in the case", "role")
    for part in case.parties:
        if part.person is person and part.role == role:
            raise CaseError(
                f"{person.full_name} is already on this case as {label(PARTY_ROLES, role).lower()}", "role"
            )
    party = CaseParty(case=case, person=person, role=role, added_at=utcnow())
    db.session.add(party)
    record_event(case, actor, "party_added", f"{label(PARTY_ROLES, role)} added")
    return party


def add_party(
    actor: User, case: Case, role: str, person: Person | None = None, new: PersonInput | None = None
) -> CaseParty:
    """Put a person on a case: an existing person (linking their cases) or a new one."""
    _require_work(actor, case)
    if role not in dict(PARTY_ROLES):  # before a new person is added to the session
        raise CaseError("Select the person's part in the case", "role")
    if person is None:
        if new is None or new.is_empty:
            raise CaseError("Enter the person's name or contact details", "first_name")
        person = _new_person(new)
    party = _attach_person(actor, case, person, role)
    db.session.commit()
    return party


def _add_evidence_row(
    actor: User,
    case: Case,
    checked: CheckedFile,
    incident: Incident | None = None,
    description: str = "",
    internal: bool = False,
) -> str:
    stored_name, digest = store(checked)
    db.session.add(
        Evidence(
            case=case,
            incident=incident,
            stored_name=stored_name,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size_bytes=len(checked.data),
            sha256=digest,
            description=description.strip()[:500],
            latitude=checked.latitude,
            longitude=checked.longitude,
            taken_at=checked.taken_at,
            internal=internal,
            uploaded_by=actor,
            uploaded_at=utcnow(),
        )
    )
    where = (
        f" (photo taken at {checked.latitude}, {checked.longitude})" if checked.latitude is not None else ""
    )
    record_event(case, actor, "evidence_added", f"Evidence added: {checked.original_name}{where}")
    return stored_name


def stage_evidence(
    actor: User, case: Case, checked: CheckedFile, description: str = "", internal: bool = False
) -> Evidence:
    """Store a checked file as evidence of the case in the caller's transaction (not committed), for
    records saved together with it (a produced letter). If the caller rolls back, it must `discard`
    the stored file."""
    _require_work(actor, case)
    stored_name = _add_evidence_row(actor, case, checked, description=description, internal=internal)
    db.session.flush()
    return db.session.scalar(select(Evidence).where(Evidence.stored_name == stored_name))


def add_evidence(
    actor: User, case: Case, checked: CheckedFile, description: str = "", internal: bool = False
) -> None:
    """Store an uploaded file as evidence on the case."""
    _require_work(actor, case)
    stored = _add_evidence_row(actor, case, checked, description=description, internal=internal)
    _commit_or_discard([stored])
