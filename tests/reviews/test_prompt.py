"""The case page tells the officer when a victim has reported twice in six months."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casework.cases import services as case_services
from casework.cases.models import CaseEvent
from casework.db_types import utcnow
from casework.extensions import db
from casework.reviews import services
from casework.reviews.threshold import add_months
from tests.cases.builders import dartford, gravesham, make_case, officer_in
from tests.conftest import csrf_token
from tests.reviews.builders import add_report, apply, victim_case

WARNING = "Tell Vera Victim about the ASB Case Review"


def today() -> date:
    return services.london_today(utcnow())


def page_of(client, case) -> str:
    return re.sub(r"\s+", " ", client.get(f"/cases/{case.reference}").get_data(as_text=True))


@pytest.fixture
def officer(app):
    return officer_in(dartford())


def test_one_report_gives_no_prompt_and_a_second_does(login, officer):
    case = victim_case(officer, reported=today() - timedelta(days=20))
    client = login(officer)
    page = page_of(client, case)
    assert WARNING not in page
    assert "Vera Victim has made 1 report in the last 6 months" in page

    add_report(officer, case, today())

    page = page_of(client, case)
    assert WARNING in page
    assert "Vera Victim has made 2 reports in the last 6 months" in page


def test_a_report_older_than_six_months_does_not_count(login, officer):
    old = add_months(today(), -6) - timedelta(days=1)
    case = victim_case(officer, reported=old)
    add_report(officer, case, today())

    assert WARNING not in page_of(login(officer), case)


def test_a_report_exactly_six_months_back_counts(login, officer):
    case = victim_case(officer, reported=add_months(today(), -6))
    add_report(officer, case, today())

    assert WARNING in page_of(login(officer), case)


def test_reports_on_the_victims_other_cases_count(login, officer):
    first = victim_case(officer, reported=today() - timedelta(days=30))
    person = services.complainants(first)[0]
    second = make_case(officer, code="asb_nuisance", borough=first.borough)
    case_services.add_party(officer, second, "complainant", person=person)

    assert services.reports_since(person.id, add_months(today(), -6)) == 2
    assert WARNING in page_of(login(officer), second)


def test_recording_that_the_victim_was_told_shows_when_and_by_whom(login, officer):
    case = victim_case(officer, reported=today() - timedelta(days=20))
    add_report(officer, case, today())
    client = login(officer)
    person = services.complainants(case)[0]

    response = client.post(
        f"/cases/{case.reference}/case-review-told",
        data={"person_id": str(person.id), "csrf_token": csrf_token(client, f"/cases/{case.reference}")},
    )

    assert response.status_code == 302
    page = page_of(client, case)
    assert WARNING not in page
    assert "Vera Victim was told about the ASB Case Review on" in page and f"by {officer.name}" in page
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == services.TOLD_EVENT))
    assert event.actor_id == officer.id and event.after == {"person_id": person.id}


def test_the_section_is_only_on_asb_cases(login, officer):
    flytip = make_case(officer, code="flytipping")
    asb = victim_case(officer)
    client = login(officer)

    assert "ASB Case Review" not in page_of(client, flytip)
    assert 'id="case-review-heading"' in page_of(client, asb)
    assert "Record a case review application for this case" in page_of(client, asb)


def test_an_officer_of_another_borough_cannot_record_the_telling(login, officer):
    case = victim_case(officer, reported=today())
    other = officer_in(gravesham())
    client = login(other)

    response = client.post(
        f"/cases/{case.reference}/case-review-told",
        data={"person_id": "1", "csrf_token": csrf_token(client, "/case-reviews")},
    )

    assert response.status_code == 404
    assert db.session.scalar(select(CaseEvent.id).where(CaseEvent.kind == services.TOLD_EVENT)) is None


def test_once_the_victim_has_applied_the_prompt_gives_way_to_the_application(login, officer):
    case = victim_case(officer, reported=today() - timedelta(days=20))
    add_report(officer, case, today())
    application = apply(officer, case, today())

    page = page_of(login(officer), case)

    assert WARNING not in page
    assert "Vera Victim has applied for an ASB Case Review" in page
    assert application.reference in page
    assert "Record a case review application for this case" not in page
