"""Helpers for the workflow and services tests: a cast of users, and driving a case to any state."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, true

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import services, workflow
from casework.cases.models import Case, CaseEvent
from casework.db_types import utcnow
from casework.extensions import db
from casework.places.models import Borough
from tests.builders import make_user
from tests.cases.builders import dartford, gravesham, make_case_types

OFFICER, MANAGER = frozenset({Role.OFFICER}), frozenset({Role.MANAGER})
STAFF = OFFICER | MANAGER

# Who may fire what, as the issue asks (closing for managers, reopening for managers only...). The
# tests hold the table to this, and the state machine uses it as its independent model of the rules.
EXPECTED_ROLES: dict[str, frozenset[Role]] = {
    "triage": STAFF,
    "investigate": STAFF,
    "take_enforcement_action": STAFF,
    "await_compliance": STAFF,
    "refer_to_panel": MANAGER,
    "return_from_panel": MANAGER,
    "request_closure": OFFICER,
    "approve_closure": MANAGER,
    "decline_closure": MANAGER,
    "close": MANAGER,
    "reopen": MANAGER,
}
NEEDS_REASON = frozenset({"refer_to_panel", "decline_closure", "reopen"})
CLOSING = frozenset({"request_closure", "approve_closure", "close"})


@dataclass
class Cast:
    """Everyone the workflow tests need, in two boroughs."""

    dartford: Borough
    gravesham: Borough
    officer: User  # Dartford
    colleague: User  # another Dartford officer
    manager: User  # Dartford
    partnership_manager: User  # every borough
    other_officer: User  # Gravesham
    other_manager: User  # Gravesham
    partner: User
    admin: User

    def staff_for(self, role: Role) -> User:
        """A Dartford user of `role` (for firing a transition on a Dartford case)."""
        return {Role.OFFICER: self.officer, Role.MANAGER: self.manager}.get(role) or {
            Role.PARTNER: self.partner,
            Role.ADMIN: self.admin,
        }[role]


def make_cast() -> Cast:
    make_case_types()
    dar, gra = dartford(), gravesham()
    return Cast(
        dartford=dar,
        gravesham=gra,
        officer=make_user(Role.OFFICER, borough=dar),
        colleague=make_user(Role.OFFICER, borough=dar),
        manager=make_user(Role.MANAGER, borough=dar),
        partnership_manager=make_user(Role.MANAGER),
        other_officer=make_user(Role.OFFICER, borough=gra),
        other_manager=make_user(Role.MANAGER, borough=gra),
        partner=make_user(Role.PARTNER),
        admin=make_user(Role.ADMIN),
    )


def _of_kind(kind: str | None):
    """Events of one kind ('assigned'), or of a family when it ends in ':' ('transition:')."""
    if kind is None:
        return true()
    return CaseEvent.kind.startswith(kind) if kind.endswith(":") else CaseEvent.kind == kind


def event_count(case: Case, kind: str | None = None) -> int:
    """How many history entries the case has (of `kind`, when given).

    Other areas may add their own entries to a change (deadlines started or met, say), so tests of
    "one event per change" count the entries of the change's own kind.
    """
    query = select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id, _of_kind(kind))
    return db.session.scalar(query)


def last_event(case: Case, kind: str | None = None) -> CaseEvent:
    """The latest history entry of the case (of `kind`, when given)."""
    query = select(CaseEvent).where(CaseEvent.case_id == case.id, _of_kind(kind))
    return db.session.scalar(query.order_by(CaseEvent.id.desc()).limit(1))


def event_kinds(case: Case) -> list[str]:
    """The kinds of the case's history entries, oldest first."""
    query = select(CaseEvent.kind).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    return list(db.session.scalars(query))


def snapshot(case: Case) -> tuple:
    """What a refused change must leave alone, read fresh from the database."""
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    cleared = tuple(bool(i.flytip and i.flytip.is_cleared) for i in case.incidents)
    return (
        case.state,
        case.version,
        case.outcome,
        case.closed_at,
        case.assigned_to_id,
        case.duplicate_of_id,
        case.requested_outcome,
        cleared,
        event_count(case),
    )


def paths_from_initial() -> dict[str, list[workflow.Transition]]:
    """Breadth-first over the table: the shortest list of transitions from the initial state to each state."""
    paths: dict[str, list[workflow.Transition]] = {workflow.INITIAL_STATE: []}
    queue = deque([workflow.INITIAL_STATE])
    while queue:
        state = queue.popleft()
        for transition in workflow.transitions_from(state):
            if transition.target not in paths:
                paths[transition.target] = [*paths[state], transition]
                queue.append(transition.target)
    return paths


def clear_flytips(case: Case, actor: User) -> None:
    """Record the clearance of every uncleared flytip on the case."""
    for incident in case.incidents:
        if incident.flytip is not None and not incident.flytip.is_cleared:
            yesterday = (utcnow() - timedelta(days=1)).date()
            services.record_clearance(actor, incident, yesterday, "council", None, case.version)


def satisfy(case: Case, transition: workflow.Transition, cast: Cast) -> workflow.TransitionInput:
    """Meet the transition's guards through the services, and return input that passes them."""
    if workflow.officer_assigned in transition.guards and case.assigned_to_id is None:
        services.assign(cast.manager, case, cast.officer, case.version)
    if workflow.flytip_cleared in transition.guards:
        clear_flytips(case, cast.officer)
    return workflow.TransitionInput(outcome="resolved", reason="Checked with the team")


def actor_for(transition: workflow.Transition, cast: Cast) -> User:
    """A Dartford user allowed to fire the transition (an officer when officers may)."""
    role = Role.OFFICER if Role.OFFICER in transition.roles else sorted(transition.roles)[0]
    return cast.staff_for(role)


def fire_through(case: Case, transition: workflow.Transition, cast: Cast) -> Case:
    """Fire a transition the way a permitted user with complete input would."""
    given = satisfy(case, transition, cast)
    return services.fire(actor_for(transition, cast), case, transition.name, case.version, given)


def drive_to(case: Case, state: str, cast: Cast) -> Case:
    """Move a new case to `state` along the shortest path of the table, through the real services."""
    for transition in paths_from_initial()[state]:
        fire_through(case, transition, cast)
    assert case.state == state
    return case
