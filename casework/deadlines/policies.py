"""Service levels as data: the kinds of deadline, escalation rungs, durations, and policy matching.

A policy matches a case when each of its conditions (case type or case type group, risk, priority)
is empty or equal to the case's. Of the active policies of one kind that match, the most specific
wins: the one with the most conditions set; on a tie risk counts first, then case type, case type
group, priority and starting state; then the newest policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from casework.deadlines.calendar import WorkingCalendar
from casework.deadlines.models import ServiceLevelPolicy
from casework.extensions import db

if TYPE_CHECKING:
    from casework.cases.models import Case

WORKING_DAYS = "working_days"
WORKING_HOURS = "working_hours"
UNITS: tuple[tuple[str, str], ...] = ((WORKING_DAYS, "Working days"), (WORKING_HOURS, "Working hours"))
HOURS_PER_DAY = 8  # office hours 09:00-17:00, as WorkingCalendar.due_after_working_hours counts them


@dataclass(frozen=True)
class Kind:
    """A kind of deadline. `on_close` says what closing the case does to an open one: met or cancel."""

    code: str
    label: str
    description: str
    on_close: str = "met"


KINDS: tuple[Kind, ...] = (
    Kind("acknowledge", "Acknowledge the report", "From logging to the case leaving New."),
    Kind("first_contact", "First contact with the victim", "Started when a high-risk victim is identified."),
    Kind("triage", "Triage", "From logging to the case being triaged (leaving New)."),
    Kind(
        "review",
        "Review the case",
        "While the case is worked: the case is looked at again at least this often.",
    ),
    Kind(
        "clear_flytip", "Clear the flytip", "From logging a flytip to its clearance being recorded.", "cancel"
    ),
    Kind("partner_action", "Partner action", "An action asked of a partner agency.", "cancel"),
    Kind("panel_review", "Panel review", "While the case is referred to a panel."),
    Kind("case_review_acknowledge", "Acknowledge the case review application", "ASB case review.", "cancel"),
    Kind("case_review_threshold", "Decide the case review threshold", "ASB case review.", "cancel"),
    Kind("case_review_meeting", "Hold the case review meeting", "ASB case review.", "cancel"),
    Kind(
        "case_review_outcome", "Send the case review outcome", "ASB case review, after the meeting.", "cancel"
    ),
    Kind("case_review_appeal", "Decide the case review appeal", "ASB case review appeal.", "cancel"),
    Kind("risk_reassessment", "Reassess the victim's risk", "After a risk assessment.", "cancel"),
    Kind(
        "compliance_check",
        "Check compliance",
        "A warning or notice's compliance date: check the person has complied.",
        "cancel",
    ),
    Kind("fpn_payment", "Fixed penalty payment", "An FPN's payment period (14 days).", "cancel"),
    Kind(
        "prosecution_review",
        "Review an unpaid fixed penalty for prosecution",
        "An FPN left unpaid after its payment period.",
        "cancel",
    ),
)
KIND_BY_CODE = {kind.code: kind for kind in KINDS}
RISKS: tuple[tuple[str, str], ...] = (("standard", "Standard"), ("medium", "Medium"), ("high", "High"))

# The rungs of an escalation ladder; "panel:<code>" refers the case to that panel.
RUNGS: tuple[tuple[str, str], ...] = (
    ("assigned_officer", "The assigned officer (the borough's managers while unassigned)"),
    ("officer_manager", "The managers of the case's borough"),
    ("partnership_manager", "The partnership managers (managers of every borough)"),
    ("panel_chair", "The chair of the panel the case is referred to (for partner actions)"),
)
PANEL_PREFIX = "panel:"
DEFAULT_PANEL = "csmap"
# The panels the partnership seeds (issue 4): until the partners area holds panels as data, these
# names are what the history and the forms show for a panel code.
PANEL_NAMES = {
    "csmap": "Community Safety Multi-Agency Panel",
    "asb_case_review": "ASB Case Review panel",
    "eetg": "Environmental Enforcement Tasking group",
    "env_tasking": "Environmental Enforcement Tasking group",  # the code the partners area seeds
}


class PolicyError(ValueError):
    """A policy or duration that cannot be used, with a message for the page and its field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# ---- durations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duration:
    """An amount of working time: `value` working days or working hours."""

    value: int
    unit: str

    @property
    def hours(self) -> int:
        return self.value * HOURS_PER_DAY if self.unit == WORKING_DAYS else self.value

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Duration:
        return cls(int(data["value"]), str(data["unit"]))

    def __str__(self) -> str:
        noun = "working day" if self.unit == WORKING_DAYS else "working hour"
        return f"{self.value} {noun}{'' if self.value == 1 else 's'}"

    def after(self, calendar: WorkingCalendar, start: datetime) -> datetime:
        """The time this long after `start`."""
        if self.unit == WORKING_DAYS:
            return calendar.due_after_working_days(start, self.value)
        return calendar.due_after_working_hours(start, self.value)

    def before(self, calendar: WorkingCalendar, due: datetime) -> datetime:
        """The time this long before `due`."""
        if self.unit == WORKING_DAYS:
            return calendar.before_working_days(due, self.value)
        return calendar.before_working_hours(due, self.value)


DURATION_RE = re.compile(r"^(\d{1,4})\s*(?:working\s*)?(d|days?|h|hrs?|hours?)$", re.IGNORECASE)


def parse_durations(text: str, what: str = "Each reminder") -> list[Duration]:
    """'1 working day, 4 working hours' to durations; blank gives none."""
    parts = [part.strip() for part in re.split(r"[,;\n]+", text or "") if part.strip()]
    found = []
    for part in parts:
        match = DURATION_RE.match(part)
        if match is None:
            raise PolicyError(
                f"{what} must be a number of working days or hours, "
                f"like “1 working day” or “4 working hours”, not “{part}”"
            )
        value = int(match.group(1))
        if value < 1:
            raise PolicyError(f"{what} must be at least 1 working hour")
        found.append(
            Duration(value, WORKING_DAYS if match.group(2).lower().startswith("d") else WORKING_HOURS)
        )
    return sorted(set(found), key=lambda d: -d.hours)


def format_durations(leads: Iterable[dict[str, Any]]) -> str:
    """The stored reminder lead times as people type them."""
    return ", ".join(str(Duration.from_json(lead)) for lead in leads)


# ---- ladders -----------------------------------------------------------------------------------


def panel_code(rung: str) -> str | None:
    """The panel code of a 'panel:<code>' rung, or None for a rung of people."""
    return rung[len(PANEL_PREFIX) :] if rung.startswith(PANEL_PREFIX) else None


def panel_name(code: str) -> str:
    """The panel's name for the history and pages (the code itself when the panel is unknown)."""
    return PANEL_NAMES.get(code, code)


def rung_label(rung: str) -> str:
    """A rung in plain English."""
    code = panel_code(rung)
    if code is not None:
        return f"Refer to the {panel_name(code)}"
    return dict(RUNGS).get(rung, rung)


def parse_ladder(text: str) -> list[str]:
    """'assigned_officer, officer_manager, panel:csmap' to a checked ladder (a panel only last)."""
    rungs = [part.strip().lower() for part in re.split(r"[,;\n]+", text or "") if part.strip()]
    known = dict(RUNGS)
    for index, rung in enumerate(rungs):
        code = panel_code(rung)
        if code is None and rung not in known:
            valid = ", ".join([*known, f"{PANEL_PREFIX}<panel code>"])
            raise PolicyError(f"“{rung}” is not a rung of the ladder: use {valid}", "ladder")
        if code is not None and not re.fullmatch(r"[a-z0-9_]{1,30}", code):
            raise PolicyError(f"“{rung}” needs a panel code, like {PANEL_PREFIX}{DEFAULT_PANEL}", "ladder")
        if code is not None and index != len(rungs) - 1:
            raise PolicyError("A panel can only be the last rung of the ladder", "ladder")
    if len(set(rungs)) != len(rungs):
        raise PolicyError("Each rung can appear only once in the ladder", "ladder")
    return rungs


# ---- matching ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """What policy matching looks at in a case."""

    case_type_id: int | None
    case_type_group: str | None
    risk: str | None
    priority_id: int | None
    state: str | None

    @classmethod
    def of(cls, case: Case, state: str | None = None) -> CaseFacts:
        # Risk arrives with the risk assessment (issue 5); until then a case has none.
        return cls(
            case_type_id=case.case_type_id
            if case.case_type_id is not None
            else getattr(case.case_type, "id", None),
            case_type_group=case.case_type.group if case.case_type is not None else None,
            risk=getattr(case, "risk", None),
            priority_id=case.priority_id,
            state=state if state is not None else case.state,
        )


def matches(policy: ServiceLevelPolicy, facts: CaseFacts) -> bool:
    """True when every condition the policy sets holds for the case."""
    return (
        (policy.case_type_id is None or policy.case_type_id == facts.case_type_id)
        and (policy.case_type_group is None or policy.case_type_group == facts.case_type_group)
        and (policy.risk is None or policy.risk == facts.risk)
        and (policy.priority_id is None or policy.priority_id == facts.priority_id)
        and (policy.state is None or policy.state == facts.state)
    )


def specificity(policy: ServiceLevelPolicy) -> tuple:
    """Sort key: a greater key is more specific (a case type counts as a type and its group)."""
    risk, type_, priority, state = (
        x is not None for x in (policy.risk, policy.case_type_id, policy.priority_id, policy.state)
    )
    group = policy.case_type_group is not None or type_
    return (risk + type_ + group + priority + state, risk, type_, group, priority, state, policy.id or 0)


def most_specific(policies: Iterable[ServiceLevelPolicy], facts: CaseFacts) -> ServiceLevelPolicy | None:
    """The winning policy among `policies` for the case, or None when none matches."""
    candidates = [policy for policy in policies if policy.active and matches(policy, facts)]
    return max(candidates, key=specificity, default=None)


def active_policies(kinds: Iterable[str] | None = None) -> list[ServiceLevelPolicy]:
    """Active policies, of the given kinds (all kinds when None)."""
    query = select(ServiceLevelPolicy).where(ServiceLevelPolicy.active.is_(True))
    if kinds is not None:
        query = query.where(ServiceLevelPolicy.kind.in_(list(kinds)))
    return list(db.session.scalars(query))


def policy_for(case: Case, kind: str, state: str | None = None) -> ServiceLevelPolicy | None:
    """The policy that sets the `kind` deadline for this case now (in `state`, default its own)."""
    return most_specific(active_policies([kind]), CaseFacts.of(case, state))


def policies_started_by(case: Case, state: str) -> dict[str, ServiceLevelPolicy]:
    """For each kind whose clock entering `state` starts, the policy that applies to this case."""
    facts = CaseFacts.of(case, state)
    by_kind: dict[str, list[ServiceLevelPolicy]] = {}
    for policy in active_policies():
        if policy.state == state:
            by_kind.setdefault(policy.kind, []).append(policy)
    chosen = {kind: most_specific(group, facts) for kind, group in by_kind.items()}
    return {kind: policy for kind, policy in chosen.items() if policy is not None}


def kinds_started_by_state(state: str) -> frozenset[str]:
    """Kinds that some active policy starts on entering `state` (for any case)."""
    return frozenset(p.kind for p in active_policies() if p.state == state)


def kind_label(code: str) -> str:
    """The label of a deadline kind."""
    return KIND_BY_CODE[code].label if code in KIND_BY_CODE else code.replace("_", " ").capitalize()


# ---- defaults ----------------------------------------------------------------------------------

DEFAULT_LADDER = (
    "assigned_officer",
    "officer_manager",
    "partnership_manager",
    f"{PANEL_PREFIX}{DEFAULT_PANEL}",
)
# A late partner action goes to the chair of the case's panel (the partners migration sets this).
DEFAULT_LADDERS: dict[str, tuple[str, ...]] = {"partner_action": ("panel_chair",)}
# The service levels the migration seeds (DOMAIN.md), kept here too for tests and `seed_default_policies`:
# (kind, case type group, risk, starting state, duration, unit, reminder lead times, description)
DEFAULT_POLICIES: tuple[tuple, ...] = (
    ("acknowledge", None, None, "new", 2, WORKING_DAYS, [(1, WORKING_DAYS)], "Acknowledge every new report."),
    ("triage", None, None, "new", 3, WORKING_DAYS, [(1, WORKING_DAYS)], "Triage every new case."),
    *(
        (
            "review",
            None,
            None,
            state,
            10,
            WORKING_DAYS,
            [(2, WORKING_DAYS)],
            "Review open cases every 10 working days.",
        )
        for state in ("under_investigation", "enforcement_action", "awaiting_compliance")
    ),
    (
        "clear_flytip",
        "flytipping",
        None,
        None,
        5,
        WORKING_DAYS,
        [(1, WORKING_DAYS)],
        "The waste contractor clears a flytip.",
    ),
    (
        "first_contact",
        None,
        "high",
        None,
        1,
        WORKING_DAYS,
        [(4, WORKING_HOURS)],
        "Contact a high-risk victim.",
    ),
    (
        "partner_action",
        None,
        None,
        None,
        10,
        WORKING_DAYS,
        [(2, WORKING_DAYS)],
        "An action asked of a partner agency.",
    ),
    (
        "panel_review",
        None,
        None,
        "referred_to_panel",
        20,
        WORKING_DAYS,
        [(5, WORKING_DAYS)],
        "The panel considers the case.",
    ),
    (
        "case_review_acknowledge",
        None,
        None,
        None,
        3,
        WORKING_DAYS,
        [(1, WORKING_DAYS)],
        "Acknowledge an ASB case review application.",
    ),
    (
        "case_review_threshold",
        None,
        None,
        None,
        10,
        WORKING_DAYS,
        [(2, WORKING_DAYS)],
        "Decide whether the threshold is met.",
    ),
    (
        "case_review_meeting",
        None,
        None,
        None,
        20,
        WORKING_DAYS,
        [(5, WORKING_DAYS)],
        "Hold the case review meeting.",
    ),
    (
        "case_review_outcome",
        None,
        None,
        None,
        5,
        WORKING_DAYS,
        [(1, WORKING_DAYS)],
        "Send the outcome, after the meeting.",
    ),
    # ASB Case Review appeals (issue 5; migration b21a5e0c0002 seeds the same row).
    ("case_review_appeal", None, None, None, 15, WORKING_DAYS, [(3, WORKING_DAYS)], "Decide an appeal."),
    # Risk assessment (issue 5): a high-risk victim's case is reviewed twice as often, and every
    # assessed victim is reassessed, sooner the higher the risk (casework/risk/services.py).
    *(
        (
            "review",
            None,
            "high",
            state,
            5,
            WORKING_DAYS,
            [(1, WORKING_DAYS)],
            "Review a high-risk victim's case every 5 working days.",
        )
        for state in ("under_investigation", "enforcement_action", "awaiting_compliance")
    ),
    *(
        ("risk_reassessment", None, risk, None, days, WORKING_DAYS, [(lead, WORKING_DAYS)], description)
        for risk, days, lead, description in (
            ("high", 10, 2, "Reassess a high-risk victim within 10 working days."),
            ("medium", 20, 5, "Reassess a medium-risk victim within 20 working days."),
            ("standard", 40, 5, "Reassess a standard-risk victim within 40 working days."),
        )
    ),
)


def default_policy_rows() -> list[ServiceLevelPolicy]:
    """New (unsaved) policies with the default service levels."""
    return [
        ServiceLevelPolicy(
            kind=kind,
            case_type_group=group,
            risk=risk,
            state=state,
            duration_value=value,
            duration_unit=unit,
            reminder_leads=[{"value": v, "unit": u} for v, u in leads],
            ladder=list(DEFAULT_LADDERS.get(kind, DEFAULT_LADDER)),
            description=description,
            active=True,
        )
        for kind, group, risk, state, value, unit, leads, description in DEFAULT_POLICIES
    ]


def seed_default_policies() -> list[ServiceLevelPolicy]:
    """Add the default service levels when there are none at all (a fresh or emptied database)."""
    if db.session.scalar(select(ServiceLevelPolicy.id).limit(1)) is not None:
        return []
    rows = default_policy_rows()
    db.session.add_all(rows)
    db.session.commit()
    return rows
