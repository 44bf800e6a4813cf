"""Demo enforcement actions at each step of the ladder, paid and unpaid FPNs, a published prosecution.

Written through casework/enforcement/services.py on open demo cases (casework/demo_cases.py), ASB cases
for the ASB ladder and flytipping cases for FPNs, notices, carrier checks and prosecutions. Each
demo action carries `details["demo"]`, so a second run finds it and adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import services as case_services
from casework.cases.models import Case, CaseType
from casework.cases.scope import can_work
from casework.db_types import utcnow
from casework.enforcement import services
from casework.enforcement.models import EnforcementAction, WasteCarrierCheck
from casework.extensions import db
from casework.formatting import LONDON

# States where enforcement is plausible, most likely first.
WORKING_STATES = ("enforcement_action", "awaiting_compliance", "referred_to_panel", "under_investigation")
SUBJECTS = [("Jordan", "Price"), ("Kelly", "Marsh"), ("Dean", "Walker"), ("Lee", "Baxter"), ("Ryan", "Cole")]


@dataclass
class Step:
    """One demo action: its kind, days ago it was issued, its fields, then what happened after."""

    key: str
    kind: str
    days_ago: int
    fields: dict[str, Any] = field(default_factory=dict)
    then: tuple[
        str, ...
    ] = ()  # "complied", "breached", "paid_early", "convicted", "guilty", "publish_named"...


# Case slot (group, index) -> its steps, in the order they happened.
PLANS: dict[tuple[str, int], list[Step]] = {
    ("asb", 0): [
        Step("asb0-warning", "warning_letter", 40),
        Step("asb0-cpw", "cpw", 12, {"comply_in": 2, "requirements": "Stop playing loud music after 11pm."}),
    ],
    ("asb", 1): [
        Step("asb1-warning", "warning_letter", 70),
        Step(
            "asb1-cpw",
            "cpw",
            50,
            {"comply_in": -30, "requirements": "Stop gathering in the stairwell."},
            ("breached",),
        ),
        Step(
            "asb1-cpn", "cpn", 20, {"comply_in": 10, "requirements": "Do not enter the block's stairwells."}
        ),
    ],
    ("asb", 2): [
        Step("asb2-warning", "warning_letter", 45),
        Step("asb2-abc", "abc", 30, {"requirements": "No shouting or swearing at neighbours; home by 9pm."}),
        Step(
            "asb2-cpw",
            "cpw",
            25,
            {"comply_in": -5, "requirements": "Clear the rubbish from the garden."},
            ("complied",),
        ),
    ],
    ("flytipping", 0): [
        Step("fly0-investigation", "investigation", 30),
        Step("fly0-fpn-paid", "fpn", 14, {"offence": "flytipping"}, ("paid_early",)),
    ],
    ("flytipping", 1): [
        Step(
            "fly1-s34",
            "s34_notice",
            30,
            {"comply_in": -16, "requirements": "Produce waste transfer notes."},
            ("complied",),
        ),
        Step("fly1-fpn-unpaid", "fpn", 20, {"offence": "household_duty_of_care"}),
    ],
    ("flytipping", 2): [
        Step(
            "fly2-inspection",
            "duty_of_care_inspection",
            120,
            {"premises": "Unit 4, Riverside Trading Estate"},
        ),
        Step("fly2-stop", "stop_and_search", 110, {"vehicle_registration": "KX19 VBN"}),
        Step("fly2-seized", "vehicle_seized", 110, {"vehicle_registration": "KX19 VBN"}),
        Step(
            "fly2-prosecution", "prosecution", 100, {"offence": "flytipping"}, ("convicted", "publish_named")
        ),
    ],
    ("flytipping", 3): [
        Step("fly3-caution", "formal_caution", 200, {"offence": "littering"}),
        Step(
            "fly3-prosecution", "prosecution", 90, {"offence": "unregistered_carrier"}, ("guilty", "publish")
        ),
    ],
}
CARRIER_CHECKS = {
    ("flytipping", 2): ("CBDU204518", "upper", "expired", "Swift Clearances Ltd"),
    ("flytipping", 3): ("CBDL98213", "lower", "not_found", "Man with a van (advert on social media)"),
}


def seed_demo_enforcement(added: dict[str, int]) -> None:
    """Add the area's demo data when it is missing (idempotent); count what is added in `added`."""
    done = {
        (action.details or {}).get("demo") for action in db.session.scalars(select(EnforcementAction))
    } - {None}
    cases = {"asb": _cases(["asb"]), "flytipping": _cases(["flytipping"])}
    today = utcnow().astimezone(LONDON).date()
    for (group, index), steps in PLANS.items():
        if index >= len(cases[group]):
            continue
        case = cases[group][index]
        actor = _actor(case)
        if actor is None:
            continue
        for step in steps:
            if step.key not in done:
                _play(actor, case, step, today)
                added["enforcement_actions"] = added.get("enforcement_actions", 0) + 1
        check = CARRIER_CHECKS.get((group, index))
        if check is not None and not db.session.scalar(
            select(WasteCarrierCheck.id).where(WasteCarrierCheck.registration_number == check[0]).limit(1)
        ):
            number, tier, result, name = check
            services.record_carrier_check(
                actor,
                case,
                services.CarrierCheckInput(number, tier, result, today - timedelta(days=100), name),
            )
            added["waste_carrier_checks"] = added.get("waste_carrier_checks", 0) + 1
    services.mark_unpaid_fpns(utcnow())  # the demo's unpaid FPN is past its due date


def _cases(groups: list[str]) -> list[Case]:
    query = (
        select(Case)
        .join(CaseType)
        .where(CaseType.group.in_(groups), Case.state.in_(WORKING_STATES))
        .order_by(Case.id)
    )
    found = list(db.session.scalars(query))
    return sorted(found, key=lambda case: (WORKING_STATES.index(case.state), case.id))


def _actor(case: Case) -> User | None:
    officer = case.assigned_to
    if officer is not None and officer.active and can_work(officer, case):
        return officer
    query = select(User).where(User.active.is_(True), User.role == Role.OFFICER.value)
    return db.session.scalar(query.where(User.borough_id == case.borough_id).order_by(User.id))


def _subject(actor: User, case: Case) -> int:
    for part in case.parties:
        if part.role == "subject":
            return part.person_id
    first, last = SUBJECTS[case.id % len(SUBJECTS)]
    party = case_services.add_party(
        actor, case, "subject", new=case_services.PersonInput(first_name=first, last_name=last)
    )
    return party.person_id


def _play(actor: User, case: Case, step: Step, today: date) -> None:
    issued = today - timedelta(days=step.days_ago)
    fields = dict(step.fields)
    comply_in = fields.pop("comply_in", None)
    data = services.ActionInput(
        kind=step.kind,
        issued_on=issued,
        person_id=_subject(actor, case) if step.kind != "investigation" else None,
        compliance_date=today + timedelta(days=comply_in) if comply_in is not None else None,
        court="Medway Magistrates' Court" if step.kind == "prosecution" else "",
        hearing_on=issued + timedelta(days=30) if step.kind == "prosecution" else None,
        **fields,
    )
    action = services.record_action(actor, case, data)
    action.details = {**action.details, "demo": step.key}
    db.session.commit()
    for then in step.then:
        _then(actor, action, then, today)


def _then(actor: User, action: EnforcementAction, then: str, today: date) -> None:
    if then in ("complied", "breached") and action.compliance_date is not None:
        checked = min(today, action.compliance_date + timedelta(days=1))
        services.record_compliance(actor, action, then == "complied", checked, "Visited and checked.")
    elif then == "paid_early":
        services.record_payment(actor, action, action.issued_on + timedelta(days=7), action.early_amount)
    elif then in ("convicted", "guilty"):
        outcome = "convicted" if then == "convicted" else "guilty_plea"
        fine, costs = (
            (Decimal("660"), Decimal("350")) if then == "convicted" else (Decimal("400"), Decimal("250"))
        )
        services.record_outcome(actor, action, outcome, action.issued_on + timedelta(days=60), fine, costs)
    elif then in ("publish", "publish_named"):
        manager = _manager(action.case)
        if manager is not None:
            named = then == "publish_named" and action.person is not None
            services.publish(manager, action, named, action.person.full_name if named else "")


def _manager(case: Case) -> User | None:
    query = select(User).where(User.active.is_(True), User.role == Role.MANAGER.value)
    query = query.where((User.borough_id == case.borough_id) | User.borough_id.is_(None))
    return db.session.scalar(query.order_by(User.borough_id.is_(None), User.id))
