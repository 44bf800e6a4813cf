"""Builders for the case review tests: service levels, ASB cases with a victim, applications."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from casework.auth.models import User
from casework.cases import services as case_services
from casework.cases.models import Case
from casework.deadlines.policies import seed_default_policies
from casework.formatting import LONDON
from casework.places.models import Borough
from casework.reviews import services
from casework.reviews.models import CaseReviewApplication
from tests.cases.builders import dartford, incident_input, make_case, officer_in


def review_policies() -> None:
    """The migrations' default service levels, the appeal one included (tests empty every table)."""
    seed_default_policies()


def at(day: date, hour: int = 10) -> datetime:
    """A London time on `day`, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON).astimezone(UTC)


def victim_case(
    actor: User | None = None,
    borough: Borough | None = None,
    code: str = "asb_personal",
    reported: date | None = None,
    first_name: str = "Vera",
) -> Case:
    """An ASB case with a complainant (the victim), logged through the case services."""
    borough = borough or dartford()
    actor = actor or officer_in(borough)
    overrides = {"reporter": case_services.PersonInput(first_name=first_name, last_name="Victim")}
    if reported is not None:
        overrides["reported_at"] = at(reported)
        overrides["occurred_at"] = at(reported, 8)
    return make_case(actor, code=code, borough=borough, **overrides)


def add_report(actor: User, case: Case, reported: date, occurred: date | None = None) -> None:
    """A further report on the case by its complainant."""
    data = incident_input(
        case.borough, flytip=False, reported_at=at(reported), occurred_at=at(occurred or reported, 8)
    )
    case_services.add_incident(actor, case, data)


def apply(
    actor: User, case: Case, received_on: date, now: datetime | None = None, **overrides
) -> CaseReviewApplication:
    """An application for the case's first complainant, recorded through the service."""
    victim = services.complainants(case)[0]
    values = {"victim_person_id": victim.id, "received_on": received_on, "behaviour": "Shouting and threats"}
    values.update(overrides)
    return services.record_application(
        actor, case, services.ApplicationInput(**values), now or at(received_on)
    )
