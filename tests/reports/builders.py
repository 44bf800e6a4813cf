"""Builders for the reports' tests: cases and incidents at chosen moments, actions and case reviews."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

from casework.auth.models import User
from casework.cases import services
from casework.cases.incident_models import Incident
from casework.cases.models import Case
from casework.cases.workflow import TransitionInput
from casework.deadlines.models import Deadline
from casework.enforcement.models import EnforcementAction
from casework.extensions import db
from casework.places.models import Borough
from casework.reviews.models import CaseReviewApplication, CaseReviewRecommendation
from tests.cases.builders import case_type, flytip_input, incident_input

_numbers = itertools.count(1)


def utc(*parts: int) -> datetime:
    """An aware UTC datetime: utc(2026, 7, 31, 23, 30)."""
    return datetime(*parts, tzinfo=UTC)


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """The case services see `moment` as the time (as the demo seeding does)."""
    real = services.utcnow
    services.utcnow = lambda: moment
    try:
        yield
    finally:
        services.utcnow = real


def log_flytip(
    officer: User,
    borough: Borough,
    reported_at: datetime,
    size: str = "small_van",
    land_type: str = "highway",
    waste_types: tuple[str, ...] = ("other_household",),
) -> Incident:
    """A flytipping case logged through the services, reported at `reported_at`."""
    data = incident_input(borough, flytip=True, reported_at=reported_at)
    data.flytip = flytip_input(size=size, land_type=land_type, waste_types=list(waste_types))
    with clock(reported_at):
        case = services.log_incident(officer, case_type("flytipping").id, data)
    return case.incidents[0]


def add_flytip(
    officer: User, case: Case, reported_at: datetime, size: str, land_type: str, waste_types: tuple[str, ...]
) -> Incident:
    """A repeat flytip report added to an open case."""
    data = incident_input(case.borough, flytip=True, reported_at=reported_at)
    data.flytip = flytip_input(size=size, land_type=land_type, waste_types=list(waste_types))
    with clock(reported_at):
        return services.add_incident(officer, case, data)


def clear(officer: User, incident: Incident, cleared_on: date, cleared_by: str, cost: str | None) -> None:
    """Record the clearance through the services (`cost` in pounds, e.g. "95.00")."""
    services.record_clearance(
        officer, incident, cleared_on, cleared_by, Decimal(cost) if cost is not None else None, None
    )


def log_case(officer: User, borough: Borough, code: str, at: datetime) -> Case:
    """A case of another type logged at `at`."""
    with clock(at):
        return services.log_incident(
            officer, case_type(code).id, incident_input(borough, flytip=False, reported_at=at)
        )


def close(
    manager: User, case: Case, at: datetime, outcome: str = "resolved", original: Case | None = None
) -> Case:
    """Close the case at `at` through the workflow."""
    given = TransitionInput(outcome=outcome, duplicate_of=original)
    with clock(at):
        return services.fire(manager, case, "close", None, given)


def action(case: Case, kind: str, issued_on: date, **fields) -> EnforcementAction:
    """An enforcement action row, written directly (the enforcement area owns its services)."""
    row = EnforcementAction(case_id=case.id, kind=kind, issued_on=issued_on, **fields)
    db.session.add(row)
    db.session.commit()
    return row


def application(
    borough: Borough,
    received_on: date,
    threshold_met: bool | None = None,
    meeting_on: date | None = None,
    recommendations: int = 0,
) -> CaseReviewApplication:
    """An ASB case review application row, with `recommendations` recommendations."""
    row = CaseReviewApplication(
        reference=f"CR-TEST-{next(_numbers):04d}",
        borough_id=borough.id,
        received_on=received_on,
        threshold_met=threshold_met,
        meeting_on=meeting_on,
    )
    row.recommendations = [
        CaseReviewRecommendation(text=f"Recommendation {n + 1}") for n in range(recommendations)
    ]
    db.session.add(row)
    db.session.commit()
    return row


def clearance_deadline(
    case: Case, due_at: datetime, met_at: datetime | None = None, cancelled: bool = False
) -> None:
    """A "Clear the flytip" deadline row, as the deadline service would have left it."""
    row = Deadline(
        case_id=case.id,
        kind="clear_flytip",
        label="Clear the flytip",
        started_at=case.created_at,
        due_at=due_at,
        met_at=met_at,
        cancelled_at=due_at if cancelled else None,
    )
    db.session.add(row)
    db.session.commit()
