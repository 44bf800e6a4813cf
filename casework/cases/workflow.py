"""The case workflow, declared once as data.

States, transitions, who may fire each transition, and its guards live in the tables below.
Services enforce them (casework/cases/services.py), views build their buttons from them, tests walk
them, and the help page (/help/workflow) draws them. Adding a state or a transition is one edit here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from casework.auth.roles import Role

if TYPE_CHECKING:
    from casework.cases.models import Case


@dataclass(frozen=True)
class State:
    """A state a case can be in."""

    code: str
    label: str
    description: str
    is_open: bool = True
    tag: str = "grey"  # GOV.UK tag colour on pages


@dataclass
class TransitionInput:
    """What the user gave with a transition: an outcome, the original of a duplicate, a reason."""

    outcome: str | None = None
    duplicate_of: Case | None = None
    reason: str = ""


Guard = Callable[["Case", TransitionInput], "str | None"]


@dataclass(frozen=True)
class Transition:
    """A move from one of `sources` to `target`, by `roles`, allowed when every guard passes."""

    name: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[Role]
    guards: tuple[Guard, ...] = ()
    needs_outcome: bool = False
    needs_reason: bool = False
    description: str = ""
    style: str = "secondary"  # button style: primary, secondary or warning
    hints: dict[str, str] = field(default_factory=dict)


OUTCOMES: tuple[tuple[str, str], ...] = (
    ("resolved", "Resolved"),
    ("no_further_action", "No further action"),
    ("insufficient_evidence", "Insufficient evidence"),
    ("not_our_responsibility", "Not our responsibility"),
    ("duplicate", "Duplicate of another case"),
    ("prosecuted", "Prosecuted"),
)
# A duplicate or someone else's problem is closed without its own clearance record.
OUTCOMES_WITHOUT_CLEARANCE = frozenset({"duplicate", "not_our_responsibility"})

STATES: tuple[State, ...] = (
    State("new", "New", "Logged, not yet looked at by the team.", tag="light-blue"),
    State(
        "triaged", "Triaged", "Checked and prioritised; waiting for an officer to investigate.", tag="blue"
    ),
    State("under_investigation", "Under investigation", "An officer is gathering evidence.", tag="purple"),
    State(
        "enforcement_action",
        "Enforcement action",
        "Warnings, notices or penalties are being issued.",
        tag="orange",
    ),
    State(
        "awaiting_compliance",
        "Awaiting compliance",
        "Waiting to see whether a notice is complied with.",
        tag="yellow",
    ),
    State(
        "referred_to_panel", "Referred to panel", "A multi-agency panel is considering the case.", tag="pink"
    ),
    State(
        "closure_requested",
        "Closure requested",
        "The officer asks a manager to approve closing the case.",
        tag="turquoise",
    ),
    State("closed", "Closed", "Finished, with a recorded outcome.", is_open=False, tag="grey"),
)
STATE_BY_CODE = {state.code: state for state in STATES}
OPEN_STATES = frozenset(state.code for state in STATES if state.is_open)
INITIAL_STATE = "new"

STAFF = frozenset({Role.OFFICER, Role.MANAGER})
MANAGERS = frozenset({Role.MANAGER})
OFFICERS = frozenset({Role.OFFICER})


# Guards: each returns a problem in plain English, or None when the transition may go ahead.
def outcome_given(case: Case, given: TransitionInput) -> str | None:
    if given.outcome not in dict(OUTCOMES):
        return "Select an outcome"
    return None


def duplicate_names_original(case: Case, given: TransitionInput) -> str | None:
    if given.outcome != "duplicate":
        return None
    original = given.duplicate_of
    if original is None:
        return "Enter the reference of the case this duplicates"
    if original.id == case.id:
        return "A case cannot be a duplicate of itself"
    if original.borough_id != case.borough_id:
        return "The original case must be in the same borough"
    return None


def flytip_cleared(case: Case, given: TransitionInput) -> str | None:
    if not case.case_type.is_flytipping or given.outcome in OUTCOMES_WITHOUT_CLEARANCE:
        return None
    uncleared = [i for i in case.incidents if i.flytip is None or not i.flytip.is_cleared]
    if uncleared:
        return "Record the clearance of the flytip (date and who cleared it) before closing the case"
    return None


def officer_assigned(case: Case, given: TransitionInput) -> str | None:
    return None if case.assigned_to_id else "Assign the case to an officer first"


def reason_given(case: Case, given: TransitionInput) -> str | None:
    return None if given.reason.strip() else "Enter the reason"


CLOSING_GUARDS: tuple[Guard, ...] = (outcome_given, duplicate_names_original, flytip_cleared)
ACTIVE = frozenset({"triaged", "under_investigation", "enforcement_action", "awaiting_compliance"})

TRANSITIONS: tuple[Transition, ...] = (
    Transition("triage", "Triage", frozenset({"new"}), "triaged", STAFF, style="primary",
               description="Confirm the report is for us and set its priority."),
    Transition("investigate", "Start investigation", frozenset({"triaged"}), "under_investigation", STAFF,
               guards=(officer_assigned,), style="primary"),
    Transition("take_enforcement_action", "Take enforcement action",
               frozenset({"under_investigation", "awaiting_compliance"}), "enforcement_action", STAFF),
    Transition("await_compliance", "Await compliance", frozenset({"enforcement_action"}),
               "awaiting_compliance", STAFF),
    Transition("refer_to_panel", "Refer to panel", ACTIVE, "referred_to_panel", MANAGERS,
               guards=(reason_given,), needs_reason=True),
    Transition("return_from_panel", "Return from panel", frozenset({"referred_to_panel"}),
               "under_investigation", MANAGERS),
    Transition("request_closure", "Request closure", OPEN_STATES - {"closure_requested"},
               "closure_requested", OFFICERS, guards=CLOSING_GUARDS, needs_outcome=True,
               description="Ask a manager to approve closing the case."),
    Transition("approve_closure", "Approve closure", frozenset({"closure_requested"}), "closed", MANAGERS,
               guards=CLOSING_GUARDS, needs_outcome=True, style="primary"),
    Transition("decline_closure", "Decline closure", frozenset({"closure_requested"}),
               "under_investigation", MANAGERS, guards=(reason_given,), needs_reason=True),
    Transition("close", "Close case", OPEN_STATES - {"closure_requested"}, "closed", MANAGERS,
               guards=CLOSING_GUARDS, needs_outcome=True, style="warning"),
    Transition("reopen", "Reopen case", frozenset({"closed"}), "under_investigation", MANAGERS,
               guards=(reason_given,), needs_reason=True),
)  # fmt: skip
TRANSITION_BY_NAME = {transition.name: transition for transition in TRANSITIONS}


def transitions_from(state: str) -> list[Transition]:
    """Transitions whose source states include `state`, in table order."""
    return [t for t in TRANSITIONS if state in t.sources]


def available_to(role: Role, state: str) -> list[Transition]:
    """Transitions a user of `role` may fire from `state` (guards not yet checked)."""
    return [t for t in transitions_from(state) if role in t.roles]


def problems(transition: Transition, case: Case, given: TransitionInput) -> list[str]:
    """Every guard's objection to firing `transition` on `case` now (empty: allowed)."""
    return [problem for guard in transition.guards if (problem := guard(case, given))]


def state_label(code: str) -> str:
    """The label of a state code."""
    return STATE_BY_CODE[code].label if code in STATE_BY_CODE else code


def outcome_label(code: str | None) -> str:
    """The label of an outcome code."""
    return dict(OUTCOMES).get(code or "", "")
