"""Demo case reviews: one application mid-way (acknowledged, its threshold decision due in a few working
days) and two finished ones with recommendations, so the publication table has figures.

Written through casework/reviews/services.py on the demo ASB cases that have a complainant. Idempotent:
nothing is added when any application exists (or when there are no suitable cases).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from casework.auth.models import User
from casework.cases.models import Case, CaseType
from casework.cases.party_models import CaseParty
from casework.db_types import utcnow
from casework.deadlines.calendar import current_calendar
from casework.extensions import db
from casework.formatting import LONDON
from casework.partners.models import Agency
from casework.reviews import services
from casework.reviews.models import CaseReviewApplication
from casework.reviews.threshold import add_months

OFFICERS = {"DAR": "officer.dartford@demo.test", "GRA": "officer.gravesham@demo.test"}
MANAGER = "manager@demo.test"
POLICE_REPORTS = ("Kent Police (reported by phone on 101)", "Kent Police (online report)")


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email, User.active.is_(True)))


def _asb_cases_with_victims() -> list[Case]:
    query = (
        select(Case)
        .join(CaseType)
        .where(CaseType.group == "asb")
        .where(
            select(CaseParty.id).where(CaseParty.case_id == Case.id, CaseParty.role == "complainant").exists()
        )
        .order_by(Case.created_at, Case.id)
    )
    return list(db.session.scalars(query))


def _at(day: date) -> datetime:
    return datetime.combine(day, time(11, 0), tzinfo=LONDON).astimezone(UTC)


def seed_demo_reviews(added: dict[str, int]) -> None:
    """Add the area's demo data when it is missing (idempotent); count what is added in `added`."""
    added["case reviews"] = 0
    if db.session.scalar(select(func.count()).select_from(CaseReviewApplication)):
        return
    cases = _asb_cases_with_victims()
    manager = _user(MANAGER)
    if not cases or manager is None:
        return
    today = services.london_today(utcnow())
    calendar = current_calendar()
    used: set[int] = set()

    def case_before(received: date, open_only: bool = False) -> Case | None:
        """A case logged before the application was received (its history stays in order)."""
        for case in reversed(cases):
            if case.id in used or (
                open_only and (case.state == "closed" or case.borough.code not in OFFICERS)
            ):
                continue
            if case.created_at <= _at(received):
                used.add(case.id)
                return case
        return None

    received = calendar.add_working_days(today, -6)
    mid_way = case_before(received, open_only=True)
    if mid_way is not None:
        officer = _user(OFFICERS[mid_way.borough.code]) or manager
        _mid_way(officer, mid_way, received, today)
        added["case reviews"] += 1
    agencies = list(db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)))
    for months_ago in (5, 8):
        received = calendar.next_working_day(add_months(today, -months_ago))
        case = case_before(received)
        if case is not None:
            _finished(manager, case, received, agencies, today)
            added["case reviews"] += 1


def _mid_way(officer: User, case: Case, received: date, today: date) -> None:
    calendar = current_calendar()
    application = services.record_application(
        officer,
        case,
        services.ApplicationInput(
            victim_person_id=services.complainants(case)[0].id,
            received_on=received,
            behaviour="Repeated shouting, threats and banging on the door late at night.",
        ),
        utcnow(),
    )
    for weeks, reported_to in zip((3, 7), POLICE_REPORTS, strict=True):
        reported = calendar.add_working_days(received, -5 * weeks)
        services.add_complaint(
            officer,
            application,
            services.ComplaintInput(
                behaviour_on=calendar.add_working_days(reported, -1),
                reported_on=reported,
                reported_to=reported_to,
                description="Shouting and threats at the front door.",
            ),
            utcnow(),
        )
    services.acknowledge(officer, application, calendar.add_working_days(received, 2), utcnow())


def _finished(manager: User, case: Case, received: date, agencies: list[Agency], today: date) -> None:
    calendar = current_calendar()
    step = lambda days: min(calendar.add_working_days(received, days), today)  # noqa: E731
    application = services.record_application(
        manager,
        case,
        services.ApplicationInput(
            victim_person_id=services.complainants(case)[0].id,
            received_on=received,
            on_behalf=True,
            applicant_name="Cllr Pat Morgan",
            applicant_relationship="Ward councillor",
            behaviour="Months of intimidation by a group gathering outside the victim's home.",
        ),
        utcnow(),
    )
    services.acknowledge(manager, application, step(2), utcnow())
    services.decide_threshold(
        manager,
        application,
        True,
        "Repeated reports to the council and the police; the victim is vulnerable.",
        step(8),
        utcnow(),
    )
    services.record_meeting(
        manager,
        application,
        step(18),
        "The partners agreed a joint plan: a visit, a warning and support for the victim.",
        utcnow(),
    )
    services.record_outcome_sent(manager, application, step(21), utcnow())
    if not agencies:
        return
    texts = ("Joint visit to the subject by the council and the police", "Refer the victim to Victim Support")
    for number, text in enumerate(texts):
        agency = agencies[number % len(agencies)]
        recommendation = services.add_recommendation(
            manager, application, text, agency.id, step(30 + 10 * number), utcnow()
        )
        if number == 0:
            services.complete_recommendation(
                manager, recommendation, step(28), "Visit made; warning issued.", utcnow()
            )
