"""The only writer of ASB case review records.

Each public function checks who may act, checks the step against the application's status, writes the
change, appends to the linked case's history (`record_event`), starts or meets the case's
`case_review_*` deadlines and commits, in one transaction. A refused change raises ReviewError (with a
message for the page and the field it concerns) before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.incident_models import Incident
from casework.cases.models import Case
from casework.cases.party_models import CaseParty, Person
from casework.cases.scope import can_work
from casework.cases.services import record_event
from casework.deadlines import policies
from casework.deadlines import services as deadlines
from casework.deadlines.calendar import current_calendar
from casework.deadlines.policies import Duration, kind_label
from casework.extensions import db
from casework.formatting import LONDON, date_uk
from casework.partners.models import Agency
from casework.reviews.models import (
    CaseReviewAppeal,
    CaseReviewApplication,
    CaseReviewComplaint,
    CaseReviewRecommendation,
)
from casework.reviews.threshold import Assessment, Rules, add_months, assess

TEXT_LIMIT = 5_000
ACKNOWLEDGE, THRESHOLD, MEETING, OUTCOME, APPEAL = (
    "case_review_acknowledge",
    "case_review_threshold",
    "case_review_meeting",
    "case_review_outcome",
    "case_review_appeal",
)
CLOCKS = (ACKNOWLEDGE, THRESHOLD, MEETING, OUTCOME, APPEAL)
# Used only when the admin has no active service level for a clock: a statutory process keeps its clock.
FALLBACK_WORKING_DAYS = {ACKNOWLEDGE: 3, THRESHOLD: 10, MEETING: 20, OUTCOME: 5, APPEAL: 15}

STATUS_LABELS = {
    "received": "Received",
    "acknowledged": "Acknowledged",
    "threshold_met": "Threshold met",
    "threshold_not_met": "Threshold not met",
    "meeting_held": "Review meeting held",
    "outcome_sent": "Outcome sent",
    "closed": "Closed",
}
# Statuses in which an application still has steps (and clocks) to come.
ACTIVE = frozenset({"received", "acknowledged", "threshold_met", "meeting_held"})
APPEAL_AGAINST = (("threshold", "The threshold decision"), ("outcome", "The outcome of the review"))
APPEAL_SUBJECTS = (("threshold", "threshold decision"), ("outcome", "outcome"))
TOLD_EVENT = "case_review_told"


class ReviewError(ValueError):
    """A change that cannot be made, with a message for the page and the field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# ---- who, when ---------------------------------------------------------------------------------


def rules() -> Rules:
    """The configured threshold."""
    return Rules.from_config(current_app.config)


def may_handle(user: User, application: CaseReviewApplication) -> bool:
    """Officers and managers of the application's borough (partnership managers: any borough)."""
    if user.role_enum not in (Role.OFFICER, Role.MANAGER):
        return False
    return user.borough_id is None or user.borough_id == application.borough_id


def _require(user: User, application: CaseReviewApplication) -> None:
    if not may_handle(user, application):
        raise ReviewError("You cannot change this case review")


def london_today(now: datetime) -> date:
    return now.astimezone(LONDON).date()


def moment(day: date, now: datetime) -> datetime:
    """When a step recorded for `day` happened: now when it is today, otherwise midday London that day."""
    if day >= london_today(now):
        return now
    return datetime.combine(day, time(12, 0), tzinfo=LONDON).astimezone(now.tzinfo)


def _check_day(
    day: date | None, now: datetime, what: str, field: str, not_before: date | None = None
) -> date:
    if day is None:
        raise ReviewError(f"Enter {what.lower()}", field)
    if day > london_today(now):
        raise ReviewError(f"{what} must be today or in the past", field)
    if not_before is not None and day < not_before:
        raise ReviewError(f"{what} must be on or after {date_uk(not_before)}", field)
    return day


def _text(value: str | None, what: str, field: str, required: bool = True) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise ReviewError(f"Enter {what.lower()}", field)
    if len(text) > TEXT_LIMIT:
        raise ReviewError(f"{what} must be {TEXT_LIMIT:,} characters or fewer", field)
    return text


def _require_status(application: CaseReviewApplication, allowed: set[str], message: str) -> None:
    if application.status not in allowed:
        raise ReviewError(message)


# ---- clocks ------------------------------------------------------------------------------------


def _start(
    application: CaseReviewApplication, kind: str, day: date, now: datetime, actor: User | None
) -> None:
    """Start the `kind` clock of the application, counted from `day` (when the step began)."""
    case = application.case
    start = moment(day, now)
    policy = policies.policy_for(case, kind)
    calendar = current_calendar()
    if policy is not None:
        due_at = Duration(policy.duration_value, policy.duration_unit).after(calendar, start)
    else:
        due_at = calendar.due_after_working_days(start, FALLBACK_WORKING_DAYS[kind])
    deadlines.start_clock(
        case,
        kind,
        _not_before(case, start),
        actor,
        policy=policy,
        due_at=due_at,
        label=f"{kind_label(kind)} ({application.reference})",
    )


def _not_before(case: Case, when: datetime) -> datetime:
    # A step dated before the case was logged (an application received before its case was opened)
    # counts from its own day, but the case history keeps its order: nothing before the case began.
    created = case.created_at
    return max(when, created) if created is not None else when


def _meet(application: CaseReviewApplication, kind: str, day: date, now: datetime, note: str) -> None:
    deadlines.meet(application.case, kind, _not_before(application.case, moment(day, now)), note=note)


def _cancel(application: CaseReviewApplication, kinds: list[str], now: datetime, note: str) -> None:
    deadlines.cancel_open(application.case, now, kinds, note=note)


# ---- the application ---------------------------------------------------------------------------


@dataclass
class ApplicationInput:
    """An application as entered on the form."""

    victim_person_id: int | None
    received_on: date | None
    on_behalf: bool = False
    applicant_name: str = ""
    applicant_relationship: str = ""
    behaviour: str = ""


def complainants(case: Case) -> list[Person]:
    """The people on the case as complainant or victim, in the order they were added."""
    parts = sorted(
        (p for p in case.parties if p.role == "complainant"), key=lambda p: (p.added_at, p.id or 0)
    )
    seen: dict[int, Person] = {}
    for part in parts:
        seen.setdefault(part.person_id, part.person)
    return list(seen.values())


def open_application_for(case: Case) -> CaseReviewApplication | None:
    """The case's application that still has steps to come, if any."""
    query = select(CaseReviewApplication).where(
        CaseReviewApplication.case_id == case.id, CaseReviewApplication.status.in_(sorted(ACTIVE))
    )
    return db.session.scalar(query.limit(1))


def next_reference(case: Case, received_on: date) -> str:
    """CR-DAR-2026-001: per borough and year of receipt."""
    prefix = f"CR-{case.borough.code}-{received_on.year}-"
    taken = db.session.scalars(
        select(CaseReviewApplication.reference).where(CaseReviewApplication.reference.startswith(prefix))
    )
    numbers = [int(tail) for ref in taken if (tail := ref[len(prefix) :]).isdigit()]
    number = max(numbers, default=0) + 1
    return f"{prefix}{number:03d}"


def _victim_incidents(person_id: int, since: date, until: date) -> list[Incident]:
    query = (
        select(Incident)
        .join(CaseParty, (CaseParty.case_id == Incident.case_id) & (CaseParty.role == "complainant"))
        .where(CaseParty.person_id == person_id)
        .order_by(Incident.reported_at, Incident.id)
    )
    found = []
    for incident in db.session.scalars(query).unique():
        reported = incident.reported_at.astimezone(LONDON).date()
        if since <= reported <= until:
            found.append(incident)
    return found


def _complaint_from(incident: Incident) -> CaseReviewComplaint:
    reported = incident.reported_at.astimezone(LONDON).date()
    behaviour = incident.occurred_at.astimezone(LONDON).date() if incident.occurred_at else reported
    return CaseReviewComplaint(
        case_id=incident.case_id,
        incident_id=incident.id,
        behaviour_on=behaviour,
        reported_on=reported,
        reported_to="The council (logged on case " + incident.case.reference + ")",
        description=(incident.description or "")[:TEXT_LIMIT],
    )


def record_application(
    actor: User, case: Case, data: ApplicationInput, now: datetime
) -> CaseReviewApplication:
    """Record an application for a case review on the victim's case and start its first two clocks.

    The victim's reports logged in this system within the window become the application's complaints;
    other complaints (to the police, a housing provider) are added afterwards.
    """
    if not can_work(actor, case):
        raise ReviewError("You cannot record a case review on this case")
    victims = {person.id: person for person in complainants(case)}
    if data.victim_person_id not in victims:
        raise ReviewError("Choose the victim", "victim_person_id")
    received_on = _check_day(data.received_on, now, "The date the application was received", "received_on")
    name = _text(data.applicant_name, "The applicant's name", "applicant_name", required=data.on_behalf)
    relationship = _text(
        data.applicant_relationship,
        "The applicant's relationship to the victim",
        "applicant_relationship",
        required=data.on_behalf,
    )
    behaviour = _text(data.behaviour, "The behaviour the application is about", "behaviour")
    existing = open_application_for(case)
    if existing is not None:
        raise ReviewError(f"This case already has a case review under way: {existing.reference}")
    victim = victims[data.victim_person_id]
    application = CaseReviewApplication(
        reference=next_reference(case, received_on),
        borough_id=case.borough_id,
        case=case,
        victim_person_id=victim.id,
        applicant_name=name if data.on_behalf else victim.full_name,
        on_behalf=data.on_behalf,
        applicant_relationship=relationship if data.on_behalf else "",
        received_on=received_on,
        behaviour=behaviour,
        status="received",
        created_by=actor,
        created_at=now,
    )
    db.session.add(application)
    r = rules()
    for incident in _victim_incidents(victim.id, add_months(received_on, -r.window_months), received_on):
        application.complaints.append(_complaint_from(incident))
    by = (
        f" by {name} ({relationship}) on behalf of {victim.full_name}"
        if data.on_behalf
        else f" by {victim.full_name}"
    )
    record_event(
        case,
        actor,
        "case_review_applied",
        f"ASB Case Review application {application.reference} received{by}",
    )
    _start(application, ACKNOWLEDGE, received_on, now, actor)
    _start(application, THRESHOLD, received_on, now, actor)
    _commit()
    return application


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ReviewError("Someone else recorded an application at the same moment. Try again.") from None


def acknowledge(actor: User, application: CaseReviewApplication, on: date | None, now: datetime) -> None:
    """Record that the applicant was told their application was received."""
    _require(actor, application)
    _require_status(application, {"received"}, "This application has already been acknowledged")
    day = _check_day(on, now, "The date of the acknowledgement", "acknowledged_on", application.received_on)
    application.acknowledged_on = day
    application.status = "acknowledged"
    record_event(application.case, actor, "case_review_acknowledged", f"{application.reference} acknowledged")
    _meet(application, ACKNOWLEDGE, day, now, "application acknowledged")
    db.session.commit()


def assessment(application: CaseReviewApplication) -> Assessment:
    """The threshold computation for the application's complaints."""
    return assess(application.complaints, application.received_on, rules())


# ---- complaints --------------------------------------------------------------------------------


@dataclass
class ComplaintInput:
    """A complaint as entered on the form."""

    behaviour_on: date | None
    reported_on: date | None
    reported_to: str = ""
    description: str = ""


def add_complaint(
    actor: User, application: CaseReviewApplication, data: ComplaintInput, now: datetime
) -> CaseReviewComplaint:
    """Add a complaint the applicant made (to any agency) to the threshold check."""
    _require(actor, application)
    _require_status(
        application,
        {"received", "acknowledged"},
        "The threshold has been decided: complaints can no longer change",
    )
    behaviour_on = _check_day(data.behaviour_on, now, "The date of the behaviour", "behaviour_on")
    reported_on = _check_day(data.reported_on, now, "The date it was reported", "reported_on", behaviour_on)
    reported_to = _text(data.reported_to, "Who it was reported to", "reported_to")[:200]
    description = _text(data.description, "What was reported", "description", required=False)
    complaint = CaseReviewComplaint(
        application=application,
        behaviour_on=behaviour_on,
        reported_on=reported_on,
        reported_to=reported_to,
        description=description,
    )
    db.session.add(complaint)
    record_event(
        application.case,
        actor,
        "case_review_complaint_added",
        f"Complaint of {date_uk(reported_on)} to {reported_to} added to {application.reference}",
    )
    db.session.commit()
    return complaint


def remove_complaint(actor: User, application: CaseReviewApplication, complaint: CaseReviewComplaint) -> None:
    """Take a complaint out of the threshold check (e.g. about different behaviour)."""
    _require(actor, application)
    _require_status(
        application,
        {"received", "acknowledged"},
        "The threshold has been decided: complaints can no longer change",
    )
    if complaint.application_id != application.id:
        raise ReviewError("That complaint is not part of this application")
    application.complaints.remove(complaint)
    record_event(
        application.case,
        actor,
        "case_review_complaint_removed",
        f"Complaint of {date_uk(complaint.reported_on)} removed from {application.reference}",
    )
    db.session.commit()


# ---- threshold, meeting, outcome ---------------------------------------------------------------


def decide_threshold(
    actor: User,
    application: CaseReviewApplication,
    met: bool | None,
    reason: str,
    on: date | None,
    now: datetime,
) -> None:
    """Record whether the threshold is met, and why; a met threshold starts the review meeting clock.

    Below the count of qualifying complaints only a manager may decide it met (on the potential harm).
    """
    _require(actor, application)
    if application.status == "received":
        raise ReviewError("Acknowledge the application before deciding the threshold")
    _require_status(application, {"acknowledged"}, "The threshold has already been decided")
    if met is None:
        raise ReviewError("Choose whether the threshold is met", "met")
    reason = _text(reason, "The reason for the decision", "reason")
    day = _check_day(on, now, "The date of the decision", "decided_on", application.received_on)
    count = assessment(application)
    on_harm = met and not count.met
    if on_harm and actor.role_enum != Role.MANAGER:
        raise ReviewError(
            f"{count.qualifying} qualifying complaint{'' if count.qualifying == 1 else 's'}, fewer than the "
            f"{count.rules.min_complaints} needed: "
            "only a manager can decide the threshold met on the potential harm",
            "met",
        )
    application.threshold_met = met
    application.met_on_potential_harm = on_harm
    application.threshold_reason = reason
    application.threshold_decided_on = day
    application.threshold_decided_by = actor
    application.status = "threshold_met" if met else "threshold_not_met"
    verdict = "met on the potential harm" if on_harm else "met" if met else "not met"
    record_event(
        application.case,
        actor,
        "case_review_threshold",
        f"{application.reference}: threshold {verdict} ({count.qualifying} qualifying complaints)",
        after={"met": met, "qualifying": count.qualifying, "on_potential_harm": on_harm},
    )
    _meet(application, THRESHOLD, day, now, f"threshold {verdict}")
    if met:
        _start(application, MEETING, day, now, actor)
    db.session.commit()


def record_meeting(
    actor: User, application: CaseReviewApplication, held_on: date | None, outcome: str, now: datetime
) -> None:
    """Record the review meeting and its outcome; the outcome letter is due after the meeting."""
    _require(actor, application)
    _require_status(application, {"threshold_met"}, "A review meeting follows a threshold decided met")
    day = _check_day(held_on, now, "The date of the meeting", "meeting_on", application.threshold_decided_on)
    application.outcome = _text(outcome, "The outcome of the review", "outcome")
    application.meeting_on = day
    application.status = "meeting_held"
    record_event(
        application.case,
        actor,
        "case_review_meeting",
        f"{application.reference}: review meeting held on {date_uk(day)}",
    )
    _meet(application, MEETING, day, now, "review meeting held")
    _start(application, OUTCOME, day, now, actor)
    db.session.commit()


def record_outcome_sent(
    actor: User, application: CaseReviewApplication, sent_on: date | None, now: datetime
) -> None:
    """Record the date the outcome letter went to the applicant."""
    _require(actor, application)
    _require_status(application, {"meeting_held"}, "The outcome letter follows the review meeting")
    day = _check_day(sent_on, now, "The date the letter was sent", "outcome_sent_on", application.meeting_on)
    application.outcome_sent_on = day
    application.status = "outcome_sent"
    record_event(
        application.case,
        actor,
        "case_review_outcome_sent",
        f"{application.reference}: outcome letter sent on {date_uk(day)}",
    )
    _meet(application, OUTCOME, day, now, "outcome letter sent")
    db.session.commit()


def close(actor: User, application: CaseReviewApplication, now: datetime) -> None:
    """Close the application (e.g. withdrawn); its open clocks are no longer needed."""
    _require(actor, application)
    if application.status == "closed":
        raise ReviewError("This application is already closed")
    application.status = "closed"
    record_event(application.case, actor, "case_review_closed", f"{application.reference} closed")
    _cancel(application, list(CLOCKS), now, "case review closed")
    db.session.commit()


# ---- recommendations ---------------------------------------------------------------------------


def add_recommendation(
    actor: User,
    application: CaseReviewApplication,
    text: str,
    agency_id: int | None,
    due_on: date | None,
    now: datetime,
) -> CaseReviewRecommendation:
    """A recommendation of the review, owned by an agency, with a due date."""
    _require(actor, application)
    if application.meeting_on is None:
        raise ReviewError("Recommendations come from the review meeting: record the meeting first")
    text = _text(text, "The recommendation", "text")
    agency = db.session.get(Agency, agency_id) if agency_id else None
    if agency is None:
        raise ReviewError("Choose the agency that owns the recommendation", "agency_id")
    if due_on is None:
        raise ReviewError("Enter the due date", "due_on")
    if due_on < application.meeting_on:
        raise ReviewError(
            f"The due date must be on or after the meeting ({date_uk(application.meeting_on)})", "due_on"
        )
    recommendation = CaseReviewRecommendation(
        application=application, text=text, agency=agency, due_on=due_on, created_at=now
    )
    db.session.add(recommendation)
    record_event(
        application.case,
        actor,
        "case_review_recommendation",
        f"{application.reference}: recommendation for {agency.name}, due {date_uk(due_on)}",
    )
    db.session.commit()
    return recommendation


def complete_recommendation(
    actor: User, recommendation: CaseReviewRecommendation, completed_on: date | None, note: str, now: datetime
) -> None:
    """Record a recommendation done, with a note of what was done."""
    application = recommendation.application
    _require(actor, application)
    if recommendation.completed_on is not None:
        raise ReviewError("This recommendation is already complete")
    day = _check_day(completed_on, now, "The date it was completed", "completed_on", application.meeting_on)
    recommendation.completion_note = _text(note, "What was done", "note")
    recommendation.completed_on = day
    owner = recommendation.agency.name if recommendation.agency else "no agency"
    record_event(
        application.case,
        actor,
        "case_review_recommendation_done",
        f"{application.reference}: recommendation for {owner} completed",
    )
    db.session.commit()


def recommendation_status(recommendation: CaseReviewRecommendation, today: date) -> str:
    """'Completed', 'Overdue' or 'Open'."""
    if recommendation.completed_on is not None:
        return "Completed"
    if recommendation.due_on is not None and recommendation.due_on < today:
        return "Overdue"
    return "Open"


# ---- appeals -----------------------------------------------------------------------------------


def open_appeal(application: CaseReviewApplication) -> CaseReviewAppeal | None:
    return next((a for a in application.appeals if a.decided_on is None), None)


def appealable(application: CaseReviewApplication) -> list[str]:
    """What the applicant can appeal against now."""
    found = []
    if application.threshold_met is False:
        found.append("threshold")
    if application.outcome_sent_on is not None:
        found.append("outcome")
    return found


def receive_appeal(
    actor: User,
    application: CaseReviewApplication,
    against: str,
    received_on: date | None,
    grounds: str,
    now: datetime,
) -> CaseReviewAppeal:
    """Record an appeal and start its clock."""
    _require(actor, application)
    if not appealable(application):
        raise ReviewError("An appeal follows a threshold decided not met or an outcome letter")
    if against not in appealable(application):
        raise ReviewError("Choose what the appeal is against", "against")
    if open_appeal(application) is not None:
        raise ReviewError("An appeal is already waiting for a decision")
    earliest = application.threshold_decided_on if against == "threshold" else application.outcome_sent_on
    day = _check_day(received_on, now, "The date the appeal was received", "received_on", earliest)
    appeal = CaseReviewAppeal(
        application=application,
        against=against,
        received_on=day,
        grounds=_text(grounds, "The grounds of appeal", "grounds"),
    )
    db.session.add(appeal)
    record_event(
        application.case,
        actor,
        "case_review_appeal",
        f"{application.reference}: appeal against the {dict(APPEAL_SUBJECTS)[against]} received",
    )
    _start(application, APPEAL, day, now, actor)
    db.session.commit()
    return appeal


def decide_appeal(
    actor: User,
    appeal: CaseReviewAppeal,
    upheld: bool | None,
    decision: str,
    decided_on: date | None,
    now: datetime,
) -> None:
    """Record the appeal's decision. Upheld against the threshold, the review goes ahead (meeting clock)."""
    application = appeal.application
    _require(actor, application)
    if appeal.decided_on is not None:
        raise ReviewError("This appeal has already been decided")
    if upheld is None:
        raise ReviewError("Choose whether the appeal is upheld", "upheld")
    text = _text(decision, "The reasons for the decision", "decision")
    day = _check_day(decided_on, now, "The date of the decision", "decided_on", appeal.received_on)
    appeal.upheld, appeal.decision, appeal.decided_on = upheld, text, day
    verdict = "upheld" if upheld else "not upheld"
    record_event(
        application.case, actor, "case_review_appeal_decided", f"{application.reference}: appeal {verdict}"
    )
    _meet(application, APPEAL, day, now, f"appeal {verdict}")
    if upheld and appeal.against == "threshold":
        application.threshold_met = True
        application.status = "threshold_met"
        application.threshold_reason = (
            f"{application.threshold_reason}\nOn appeal ({date_uk(day)}): {text}".strip()
        )
        _start(application, MEETING, day, now, actor)
    db.session.commit()


# ---- telling a victim about the case review ----------------------------------------------------


def reports_since(person_id: int, since: date) -> int:
    """Incidents on any case where the person is complainant, reported on or after `since` (London)."""
    start = datetime.combine(since, time(0, 0), tzinfo=LONDON)
    query = (
        select(func.count(func.distinct(Incident.id)))
        .select_from(Incident)
        .join(CaseParty, (CaseParty.case_id == Incident.case_id) & (CaseParty.role == "complainant"))
        .where(CaseParty.person_id == person_id, Incident.reported_at >= start)
    )
    return db.session.scalar(query) or 0


def record_told(actor: User, case: Case, person_id: int, now: datetime) -> None:
    """Record in the case history that the victim was told about the ASB Case Review."""
    if not can_work(actor, case):
        raise ReviewError("You cannot change this case")
    person = next((p for p in complainants(case) if p.id == person_id), None)
    if person is None:
        raise ReviewError("That person is not a complainant on this case")
    event = record_event(
        case,
        actor,
        TOLD_EVENT,
        f"{person.full_name} told about the ASB Case Review",
        after={"person_id": person.id},
    )
    event.at = now
    db.session.commit()


def prompt_window_start(now: datetime) -> date:
    """The first day of the window in which reports count towards the prompt."""
    months = int(current_app.config.get("CASE_REVIEW_WINDOW_MONTHS", 6))
    return add_months(london_today(now), -months)
