"""The only writer of enforcement actions and waste carrier checks.

Each public function checks the user may work the case, checks the kind's own rules, writes the
change, appends a case history entry and starts, meets or cancels the action's clock, then commits:
one transaction (house rule 1).

Clocks. Each action's own deadline rows carry its id (`Deadline.action_id`), so two CPWs or two
FPNs on one case each have their own clock, started and finished through casework/deadlines/services.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.models import Case
from casework.cases.party_models import Person
from casework.cases.scope import can_work
from casework.cases.services import record_event
from casework.db_types import utcnow
from casework.deadlines import services as deadlines
from casework.deadlines.calendar import current_calendar
from casework.deadlines.models import Deadline
from casework.enforcement.kinds import (
    CARRIER_RESULTS,
    CARRIER_TIERS,
    COMPLIANCE_KINDS,
    KIND_BY_CODE,
    OFFENCES,
    PROSECUTION_OUTCOMES,
    PROVED_OUTCOMES,
    STATUS_LABELS,
    USUAL_EARLIER_STEP,
    in_sentence,
)
from casework.enforcement.models import EnforcementAction, WasteCarrierCheck
from casework.extensions import db
from casework.formatting import LONDON, date_uk, money

# Who is told, and when: a reminder a working day before the date, then the assigned officer when it
# falls due (the sweep's first rung), then the borough's managers one escalation interval later.
CHECK_REMINDERS = [{"value": 1, "unit": "working_days"}]
CHECK_LADDER = ["assigned_officer", "officer_manager"]
REVIEW_REMINDERS = [{"value": 2, "unit": "working_days"}]
REVIEW_LADDER = ["assigned_officer", "officer_manager"]
# Per clock kind: (reminder lead times, escalation ladder). Nobody is chased for someone else's
# payment: an FPN's payment clock has neither; the beat task turns it unpaid when it passes.
CLOCK_RULES: dict[str, tuple[list[dict[str, Any]], list[str]]] = {
    "compliance_check": (CHECK_REMINDERS, CHECK_LADDER),
    "fpn_payment": ([], []),
    "prosecution_review": (REVIEW_REMINDERS, REVIEW_LADDER),
}
CLOCK_KINDS = tuple(CLOCK_RULES)
CARRIER_NUMBER_RE = re.compile(r"^CBD([UL])\d{1,7}$")
FINAL_OUTCOMES = frozenset({"guilty_plea", "convicted", "not_guilty", "withdrawn"})


class EnforcementError(ValueError):
    """A change that cannot be made, with a message for the page and the field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(EnforcementError):
    """The user may not make this change."""


@dataclass
class ActionInput:
    """An enforcement action as entered on its kind's form (fields a kind does not use stay empty)."""

    kind: str
    issued_on: date | None = None
    person_id: int | None = None
    compliance_date: date | None = None
    requirements: str = ""
    offence: str | None = None
    amount: Decimal | None = None
    early_amount: Decimal | None = None
    court: str = ""
    hearing_on: date | None = None
    vehicle_registration: str = ""
    premises: str = ""
    ends_on: date | None = None
    notes: str = ""


@dataclass
class CarrierCheckInput:
    """A waste carrier check as entered."""

    registration_number: str
    tier: str
    result: str
    checked_on: date | None
    carrier_name: str = ""
    notes: str = ""


# ---- small helpers -------------------------------------------------------------------------------


def today(now: datetime) -> date:
    """The London date at `now`."""
    return now.astimezone(LONDON).date()


def _require_work(actor: User, case: Case) -> None:
    if not can_work(actor, case):
        raise NotAllowed("You cannot change this case")


def _require_manager(actor: User, case: Case) -> None:
    _require_work(actor, case)
    if actor.role_enum != Role.MANAGER:
        raise NotAllowed("Only a manager can publish prosecution results")


def _event(action: EnforcementAction, actor: User | None, what: str, summary: str, now: datetime, **after):
    event = record_event(
        action.case, actor, f"enforcement_{what}", summary, after={"action_id": action.id, **after}
    )
    event.at = now
    return event


def _name(action: EnforcementAction) -> str:
    who = f" to {action.person.full_name}" if action.person is not None else ""
    return f"{action.kind_label}{who}, issued {date_uk(action.issued_on)}"


def fpn_maximum(offence: str | None) -> Decimal | None:
    """The legal maximum fixed penalty for an offence (None: no FPN for it)."""
    value = current_app.config["FPN_MAXIMUMS"].get(offence or "")
    return Decimal(str(value)) if value is not None else None


def fpn_default_amounts(offence: str | None) -> tuple[Decimal | None, Decimal | None]:
    """The council's own FPN amount and early-payment amount for an offence."""
    pair = current_app.config["FPN_AMOUNTS"].get(offence or "") or [None, None]
    return tuple(Decimal(str(v)) if v is not None else None for v in pair)  # type: ignore[return-value]


def fpn_offences() -> list[tuple[str, str]]:
    """The offences an FPN can be issued for: those with a maximum in configuration."""
    maximums = current_app.config["FPN_MAXIMUMS"]
    return [(code, text) for code, text in OFFENCES if code in maximums]


# ---- ladder advice -------------------------------------------------------------------------------


def ladder_advice(case: Case, kind: str, person_id: int | None = None) -> str | None:
    """Advice when the usual earlier step of `kind` is missing on this case (None when it is there).

    Only advice: the step is still allowed.
    """
    earlier = USUAL_EARLIER_STEP.get(kind)
    if earlier is None:
        return None
    code, why = earlier
    query = select(EnforcementAction.id).where(
        EnforcementAction.case_id == case.id, EnforcementAction.kind == code
    )
    if person_id is not None:
        query = query.where(EnforcementAction.person_id == person_id)
    if db.session.scalar(query.limit(1)) is not None:
        return None
    whom = "this person" if person_id is not None else "this case"
    return f"No {in_sentence(code)} has been recorded for {whom}; {why}. You can still record it."


def unchecked_advice(case: Case, kind: str, person_id: int | None) -> str | None:
    """When the usual earlier step for this person still waits for its compliance check, say so."""
    earlier = USUAL_EARLIER_STEP.get(kind)
    if earlier is None or person_id is None:
        return None
    query = select(EnforcementAction).where(
        EnforcementAction.case_id == case.id,
        EnforcementAction.kind == earlier[0],
        EnforcementAction.person_id == person_id,
        EnforcementAction.status == "issued",
        EnforcementAction.compliance_date.is_not(None),
    )
    waiting = db.session.scalars(query.order_by(EnforcementAction.issued_on)).first()
    if waiting is None:
        return None
    return (
        f"The {in_sentence(waiting.kind)} issued {date_uk(waiting.issued_on)} has no compliance check "
        "recorded yet: record whether they complied, so that its clock stops."
    )


# ---- recording an action -------------------------------------------------------------------------


def _person_on_case(case: Case, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    for part in case.parties:
        if part.person_id == person_id:
            return part.person
    raise EnforcementError("Select a person on this case", "person_id")


def _check(case: Case, data: ActionInput, now: datetime) -> None:
    """The kind's own rules; raises EnforcementError naming the field."""
    kind = data.kind
    if kind not in KIND_BY_CODE:
        raise EnforcementError("Select the kind of enforcement action", "kind")
    if data.issued_on is None:
        raise EnforcementError("Enter the date", "issued_on")
    if data.issued_on > today(now):
        raise EnforcementError("The date must be today or in the past", "issued_on")
    if (
        kind in ("cpw", "cpn", "fpn", "formal_caution", "prosecution", "injunction", "abc")
        and not data.person_id
    ):
        raise EnforcementError("Select the person it is against (add them to the case first)", "person_id")
    if kind in COMPLIANCE_KINDS:
        if data.compliance_date is None:
            raise EnforcementError("Enter the date by which they must comply", "compliance_date")
        if data.compliance_date <= data.issued_on:
            raise EnforcementError(
                "The compliance date must be after the date it was issued", "compliance_date"
            )
        if not data.requirements.strip():
            raise EnforcementError("Enter what they must do or stop doing", "requirements")
    if kind in ("formal_caution", "prosecution") and data.offence not in dict(OFFENCES):
        raise EnforcementError("Select the offence", "offence")
    if kind == "fpn":
        _check_fpn(data)
    if kind in ("prosecution", "injunction") and not data.court.strip():
        raise EnforcementError("Enter the court", "court")
    if kind in ("stop_and_search", "vehicle_seized") and not data.vehicle_registration.strip():
        raise EnforcementError("Enter the vehicle registration", "vehicle_registration")
    if kind in ("duty_of_care_inspection", "closure") and not data.premises.strip():
        raise EnforcementError("Enter the premises", "premises")
    if data.ends_on is not None and data.ends_on <= data.issued_on:
        raise EnforcementError("The end date must be after the date it was issued", "ends_on")
    if data.hearing_on is not None and data.hearing_on < data.issued_on:
        raise EnforcementError("The hearing date cannot be before the date proceedings began", "hearing_on")
    if len(data.notes) > 5000 or len(data.requirements) > 5000:
        raise EnforcementError("Keep the text to 5,000 characters or fewer", "notes")


def _check_fpn(data: ActionInput) -> None:
    if data.offence not in dict(fpn_offences()):
        raise EnforcementError("Select the offence the fixed penalty is for", "offence")
    default_amount, default_early = fpn_default_amounts(data.offence)
    if data.amount is None:
        data.amount = default_amount
        if data.early_amount is None:
            data.early_amount = default_early
    if data.amount is None or data.amount <= 0:
        raise EnforcementError("Enter the amount of the fixed penalty", "amount")
    maximum = fpn_maximum(data.offence)
    if maximum is not None and data.amount > maximum:
        offence = dict(OFFENCES)[data.offence]
        raise EnforcementError(
            f"The amount must be no more than {money(maximum)}, the legal maximum for {offence}", "amount"
        )
    if data.early_amount is not None and not (0 < data.early_amount < data.amount):
        raise EnforcementError(
            f"The early payment amount must be less than the full amount ({money(data.amount)})",
            "early_amount",
        )


def _details(data: ActionInput) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if data.requirements.strip():
        details["requirements"] = data.requirements.strip()
    if data.vehicle_registration.strip():
        details["vehicle_registration"] = data.vehicle_registration.strip().upper()
    if data.premises.strip():
        details["premises"] = data.premises.strip()
    if data.ends_on is not None:
        details["ends_on"] = data.ends_on.isoformat()
    if data.hearing_on is not None:
        details["hearings"] = [data.hearing_on.isoformat()]
    return details


def record_action(
    actor: User, case: Case, data: ActionInput, now: datetime | None = None
) -> EnforcementAction:
    """Record an enforcement action on an open case, with its kind's fields; starts its clock.

    CPWs, CPNs and statutory notices get a compliance check on their compliance date; an FPN is due
    FPN_PAYMENT_DAYS calendar days after issue and gets a payment clock. Returns the action.
    """
    now = now or utcnow()
    _require_work(actor, case)
    if not case.is_open:
        raise EnforcementError("This case is closed: reopen it to record enforcement", "kind")
    _check(case, data, now)
    person = _person_on_case(case, data.person_id)
    action = EnforcementAction(
        case=case,
        kind=data.kind,
        status="issued",
        person=person,
        issued_on=data.issued_on,
        issued_by=actor,
        created_by=actor,
        compliance_date=data.compliance_date if data.kind in COMPLIANCE_KINDS else None,
        offence=data.offence if data.kind in ("fpn", "formal_caution", "prosecution") else None,
        court=data.court.strip() or None,
        details=_details(data),
        notes=data.notes.strip(),
        created_at=now,
        updated_at=now,
    )
    if data.kind == "fpn":
        action.amount, action.early_amount = data.amount, data.early_amount
        action.payment_due = data.issued_on + timedelta(days=int(current_app.config["FPN_PAYMENT_DAYS"]))
    db.session.add(action)
    db.session.flush()  # the action's id, for its history and its clock
    summary = f"Enforcement: {_name(action)}"
    if action.compliance_date:
        summary += f"; to comply by {date_uk(action.compliance_date)}"
    if action.kind == "fpn":
        summary += f"; {money(action.amount)}, due by {date_uk(action.payment_due)}"
    _event(action, actor, "recorded", summary, now, kind=action.kind, status=action.status)
    if action.kind == "prosecution":
        _prosecution_decides_reviews(action, now)
    _after_change(action, now, actor)
    db.session.commit()
    return action


def _prosecution_decides_reviews(prosecution: EnforcementAction, now: datetime) -> None:
    """A prosecution answers the review of the same person's unpaid FPNs on the case: meet those clocks."""
    query = select(EnforcementAction).where(
        EnforcementAction.case_id == prosecution.case_id,
        EnforcementAction.kind == "fpn",
        EnforcementAction.status == "unpaid",
    )
    for fpn in db.session.scalars(query):
        if prosecution.person_id is not None and fpn.person_id not in (None, prosecution.person_id):
            continue
        fpn.details = {**fpn.details, "review_decided": "prosecution"}
        _finish_clock(fpn, "prosecution_review", now, met=True, note="prosecution started")


# ---- updating an action --------------------------------------------------------------------------


def _require_live(action: EnforcementAction, kinds: frozenset[str] | set[str], what: str) -> None:
    if action.kind not in kinds:
        raise EnforcementError(f"You cannot record {what} for a {action.kind_label}", "submit")
    if action.status == "withdrawn":
        raise EnforcementError("This action was withdrawn", "submit")


def record_compliance(
    actor: User,
    action: EnforcementAction,
    complied: bool,
    checked_on: date | None,
    note: str = "",
    now: datetime | None = None,
) -> EnforcementAction:
    """Record the compliance check of a warning or notice: complied, or breached. Meets its clock."""
    now = now or utcnow()
    _require_work(actor, action.case)
    _require_live(action, COMPLIANCE_KINDS, "compliance")
    if action.status != "issued":
        raise EnforcementError(
            f"Compliance was already recorded: {STATUS_LABELS[action.status].lower()}", "submit"
        )
    if checked_on is None:
        raise EnforcementError("Enter the date of the check", "checked_on")
    if checked_on > today(now) or checked_on < action.issued_on:
        raise EnforcementError("The check date must be between the issue date and today", "checked_on")
    action.status = "complied" if complied else "breached"
    action.details = {
        **action.details,
        "checked_on": checked_on.isoformat(),
        "check_note": note.strip()[:2000],
    }
    action.updated_at = now
    verb = "complied with" if complied else "breached"
    _event(
        action, actor, "compliance", f"Compliance check: {_name(action)} {verb}", now, status=action.status
    )
    _finish_clock(action, "compliance_check", now, met=True, note="complied" if complied else "breached")
    db.session.commit()
    return action


def record_payment(
    actor: User,
    action: EnforcementAction,
    paid_on: date | None,
    paid_amount: Decimal | None,
    now: datetime | None = None,
) -> EnforcementAction:
    """Record an FPN paid in full, or at the early amount within the early-payment period.

    Meets the payment clock (or, paid late, the prosecution review clock).
    """
    now = now or utcnow()
    _require_work(actor, action.case)
    _require_live(action, {"fpn"}, "a payment")
    if action.status not in ("issued", "unpaid"):
        raise EnforcementError(f"This fixed penalty is {STATUS_LABELS[action.status].lower()}", "submit")
    if paid_on is None:
        raise EnforcementError("Enter the date it was paid", "paid_on")
    if paid_on > today(now) or paid_on < action.issued_on:
        raise EnforcementError("The payment date must be between the issue date and today", "paid_on")
    if paid_amount is None:
        raise EnforcementError("Enter the amount paid", "paid_amount")
    owed = amount_owed(action, paid_on)
    if paid_amount < owed:
        raise EnforcementError(
            f"The amount paid must be at least {money(owed)}, the amount due on {date_uk(paid_on)}",
            "paid_amount",
        )
    was = action.status
    action.status, action.paid_on, action.paid_amount, action.updated_at = "paid", paid_on, paid_amount, now
    late = " (after the payment period)" if was == "unpaid" else ""
    _event(
        action,
        actor,
        "paid",
        f"Fixed penalty paid{late}: {money(paid_amount)} on {date_uk(paid_on)}",
        now,
        status="paid",
        paid_amount=f"{paid_amount:.2f}",
    )
    kind = "prosecution_review" if was == "unpaid" else "fpn_payment"
    _finish_clock(action, kind, now, met=True, note="paid")
    db.session.commit()
    return action


def amount_owed(action: EnforcementAction, paid_on: date) -> Decimal:
    """What settles an FPN paid on `paid_on`: the early amount within the early period, else the full."""
    early_until = action.issued_on + timedelta(days=int(current_app.config["FPN_EARLY_PAYMENT_DAYS"]))
    if action.early_amount is not None and paid_on <= early_until:
        return action.early_amount
    return action.amount or Decimal("0")


def record_hearing(
    actor: User,
    action: EnforcementAction,
    hearing_on: date | None,
    court: str = "",
    now: datetime | None = None,
) -> EnforcementAction:
    """Add a hearing date to a prosecution (and change its court, when given)."""
    now = now or utcnow()
    _require_work(actor, action.case)
    _require_live(action, {"prosecution"}, "a hearing")
    if hearing_on is None:
        raise EnforcementError("Enter the date of the hearing", "hearing_on")
    if hearing_on < action.issued_on:
        raise EnforcementError("The hearing date cannot be before proceedings began", "hearing_on")
    hearings = sorted({*action.details.get("hearings", []), hearing_on.isoformat()})
    action.details = {**action.details, "hearings": hearings}
    if court.strip():
        action.court = court.strip()[:200]
    action.updated_at = now
    _event(action, actor, "hearing", f"Prosecution hearing on {date_uk(hearing_on)} at {action.court}", now)
    db.session.commit()
    return action


def record_outcome(
    actor: User,
    action: EnforcementAction,
    outcome: str | None,
    outcome_on: date | None,
    fine: Decimal | None = None,
    costs: Decimal | None = None,
    now: datetime | None = None,
) -> EnforcementAction:
    """Record a prosecution's result: outcome, date, fine and costs. A final outcome concludes it."""
    now = now or utcnow()
    _require_work(actor, action.case)
    _require_live(action, {"prosecution"}, "an outcome")
    if outcome not in dict(PROSECUTION_OUTCOMES):
        raise EnforcementError("Select the outcome", "outcome")
    if outcome_on is None:
        raise EnforcementError("Enter the date of the result", "outcome_on")
    if outcome_on > today(now) or outcome_on < action.issued_on:
        raise EnforcementError(
            "The date of the result must be between the start of proceedings and today", "outcome_on"
        )
    if outcome not in PROVED_OUTCOMES and (fine or costs):
        raise EnforcementError("A fine or costs can only follow a guilty plea or conviction", "fine")
    if action.published_at is not None and outcome not in PROVED_OUTCOMES:
        raise EnforcementError(
            "Unpublish this result before changing it to an outcome that is not proved", "outcome"
        )
    action.outcome, action.outcome_on = outcome, outcome_on
    action.fine, action.costs = (fine, costs) if outcome in PROVED_OUTCOMES else (None, None)
    action.status = "concluded" if outcome in FINAL_OUTCOMES else "issued"
    action.updated_at = now
    text = dict(PROSECUTION_OUTCOMES)[outcome]
    extra = "".join(
        f", {label} {money(value)}"
        for label, value in (("fine", action.fine), ("costs", action.costs))
        if value
    )
    _event(
        action,
        actor,
        "outcome",
        f"Prosecution result on {date_uk(outcome_on)}: {text}{extra}",
        now,
        outcome=outcome,
        status=action.status,
    )
    db.session.commit()
    return action


def withdraw(
    actor: User, action: EnforcementAction, reason: str, now: datetime | None = None
) -> EnforcementAction:
    """Withdraw an action (e.g. issued in error, or no further action after review); cancels its clock."""
    now = now or utcnow()
    _require_work(actor, action.case)
    if action.status == "withdrawn":
        raise EnforcementError("This action was already withdrawn", "reason")
    if action.published_at is not None:
        raise EnforcementError("Unpublish this result before withdrawing it", "reason")
    if not reason.strip():
        raise EnforcementError("Enter why it is withdrawn", "reason")
    action.status, action.updated_at = "withdrawn", now
    action.details = {**action.details, "withdrawn_reason": reason.strip()[:2000]}
    _event(
        action,
        actor,
        "withdrawn",
        f"Withdrawn: {_name(action)}. Reason: {reason.strip()}",
        now,
        status="withdrawn",
    )
    for kind in ("compliance_check", "fpn_payment", "prosecution_review"):
        _finish_clock(action, kind, now, met=False, note="action withdrawn")
    db.session.commit()
    return action


# ---- publication ---------------------------------------------------------------------------------


def publish(
    actor: User,
    action: EnforcementAction,
    name_confirmed: bool,
    public_name: str = "",
    now: datetime | None = None,
) -> EnforcementAction:
    """Publish a proved prosecution on the public page; a name only when the manager confirms it."""
    now = now or utcnow()
    _require_manager(actor, action.case)
    if action.kind != "prosecution" or action.outcome not in PROVED_OUTCOMES:
        raise EnforcementError(
            "Only a prosecution that ended in a guilty plea or conviction can be published", "submit"
        )
    name = " ".join(public_name.split())[:200]
    if name_confirmed and not name:
        raise EnforcementError("Enter the name as the court gave it, or do not confirm a name", "public_name")
    if name and not name_confirmed:
        raise EnforcementError(
            "Confirm the court result is public before publishing a name", "name_confirmed"
        )
    action.published_at = now
    action.public_name = name if name_confirmed else None
    action.updated_at = now
    who = " with the name" if action.public_name else " without a name"
    _event(action, actor, "published", f"Prosecution result published{who}", now, public=True)
    db.session.commit()
    return action


def unpublish(actor: User, action: EnforcementAction, now: datetime | None = None) -> EnforcementAction:
    """Take a prosecution result off the public page."""
    now = now or utcnow()
    _require_manager(actor, action.case)
    if action.published_at is None:
        raise EnforcementError("This result is not published", "submit")
    action.published_at, action.public_name, action.updated_at = None, None, now
    _event(action, actor, "unpublished", "Prosecution result taken off the public page", now, public=False)
    db.session.commit()
    return action


# ---- unpaid fixed penalties (beat) ---------------------------------------------------------------


def mark_unpaid_fpns(now: datetime) -> int:
    """Turn FPNs still unpaid after their payment date to unpaid and start a prosecution review.

    Run by beat (workers/tasks/enforcement.py); each FPN in its own transaction, so one failure
    leaves the rest done. Returns how many were turned.
    """
    query = select(EnforcementAction.id).where(
        EnforcementAction.kind == "fpn",
        EnforcementAction.status == "issued",
        EnforcementAction.payment_due < today(now),
    )
    ids = list(db.session.scalars(query.order_by(EnforcementAction.id)))
    db.session.rollback()
    done = 0
    for action_id in ids:
        # Claimed under a row lock (PostgreSQL; SQLite has one writer), the status checked again: two
        # runs at once turn each FPN once.
        claim = select(EnforcementAction).where(
            EnforcementAction.id == action_id, EnforcementAction.status == "issued"
        )
        action = db.session.scalar(claim.with_for_update(skip_locked=True))
        if action is None:
            db.session.rollback()
            continue
        action.status, action.updated_at = "unpaid", now
        action.details = {**action.details, "review_started_at": now.isoformat()}
        _event(
            action,
            None,
            "unpaid",
            f"Fixed penalty not paid by {date_uk(action.payment_due)}: {_name(action)}",
            now,
            status="unpaid",
        )
        _finish_clock(action, "fpn_payment", now, met=False, note="not paid by the due date")
        _start_clock(action, "prosecution_review", now, None)
        db.session.commit()
        done += 1
    return done


# ---- clocks --------------------------------------------------------------------------------------


def _due(action: EnforcementAction, kind: str, now: datetime) -> datetime | None:
    """When the action's clock of `kind` falls due, or None when it needs none now."""
    if kind == "compliance_check" and action.kind in COMPLIANCE_KINDS and action.status == "issued":
        hour = int(current_app.config["ENFORCEMENT_CHECK_HOUR"])
        return datetime.combine(action.compliance_date, time(hour, 0), tzinfo=LONDON).astimezone(now.tzinfo)
    if kind == "fpn_payment" and action.kind == "fpn" and action.status == "issued":
        return datetime.combine(action.payment_due, time(23, 59), tzinfo=LONDON).astimezone(now.tzinfo)
    if (
        kind == "prosecution_review"
        and action.kind == "fpn"
        and action.status == "unpaid"
        and "review_decided" not in action.details
    ):
        started = action.details.get("review_started_at")
        start = datetime.fromisoformat(started) if started else now
        days = int(current_app.config["PROSECUTION_REVIEW_WORKING_DAYS"])
        return current_calendar().due_after_working_days(start, days)
    return None


def _label(action: EnforcementAction, kind: str) -> str:
    if kind == "compliance_check":
        return f"Check compliance: {_name(action)}"
    if kind == "fpn_payment":
        return f"Payment of the fixed penalty {_name(action)}"
    return f"Review for prosecution: unpaid fixed penalty {_name(action)}"


def _finish_clock(action: EnforcementAction, kind: str, now: datetime, *, met: bool, note: str) -> None:
    """Meet or cancel the action's own open clock of `kind`, if it has one."""
    deadlines.finish_for(action.case, now, met=met, action_id=action.id, kinds=[kind], note=note)


def _after_change(action: EnforcementAction, now: datetime, actor: User | None) -> None:
    for kind in CLOCK_KINDS:
        _start_clock(action, kind, now, actor)


def _start_clock(action: EnforcementAction, kind: str, now: datetime, actor: User | None) -> None:
    """Start the action's clock of `kind` when it needs one (an open case only: closing ends clocks)."""
    due_at = _due(action, kind, now)
    if due_at is None or not action.case.is_open:
        return
    leads, ladder = CLOCK_RULES[kind]
    deadlines.start_clock(
        action.case,
        kind,
        now,
        actor,
        due_at=due_at,
        label=_label(action, kind),
        ladder=list(ladder),
        reminder_leads=[dict(lead) for lead in leads],
        action_id=action.id,
    )


def open_clock(action: EnforcementAction) -> Deadline | None:
    """The action's running deadline, if any."""
    rows = [row for row in deadlines.open_rows(action.case, CLOCK_KINDS) if row.action_id == action.id]
    return rows[0] if rows else None


# ---- waste carrier checks ------------------------------------------------------------------------


def normalise_carrier_number(text: str) -> str:
    """'cbdu 123456' -> 'CBDU123456'."""
    return re.sub(r"[\s-]+", "", text or "").upper()


def record_carrier_check(
    actor: User, case: Case, data: CarrierCheckInput, now: datetime | None = None
) -> WasteCarrierCheck:
    """Record the officer's check of a waste carrier's registration on the Environment Agency register."""
    now = now or utcnow()
    _require_work(actor, case)
    number = normalise_carrier_number(data.registration_number)
    match = CARRIER_NUMBER_RE.match(number)
    if match is None:
        raise EnforcementError(
            "Enter the registration number as it is on the register, like CBDU123456 or CBDL12345",
            "registration_number",
        )
    if data.tier not in dict(CARRIER_TIERS):
        raise EnforcementError("Select the tier", "tier")
    if (match.group(1) == "U") != (data.tier == "upper"):
        expected = "upper" if match.group(1) == "U" else "lower"
        raise EnforcementError(
            f"A {number[:4]} number is a {expected} tier registration: check the number or the tier", "tier"
        )
    if data.result not in dict(CARRIER_RESULTS):
        raise EnforcementError("Select the result of the check", "result")
    if data.checked_on is None:
        raise EnforcementError("Enter the date of the check", "checked_on")
    if data.checked_on > today(now):
        raise EnforcementError("The date of the check must be today or in the past", "checked_on")
    check = WasteCarrierCheck(
        case=case,
        carrier_name=data.carrier_name.strip()[:200],
        registration_number=number,
        tier=data.tier,
        result=data.result,
        checked_on=data.checked_on,
        checked_by=actor,
        notes=data.notes.strip()[:5000],
        created_at=now,
    )
    db.session.add(check)
    event = record_event(
        case,
        actor,
        "waste_carrier_check",
        f"Waste carrier {number} checked on the register: {dict(CARRIER_RESULTS)[data.result].lower()}",
        after={"registration_number": number, "result": data.result},
    )
    event.at = now
    db.session.commit()
    return check
