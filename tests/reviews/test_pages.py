"""An officer takes an application from the case page to its threshold decision, and on to the end."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casework.db_types import utcnow
from casework.extensions import db
from casework.partners.models import Agency
from casework.reviews import queries, services
from casework.reviews.models import CaseReviewApplication
from tests.builders import make_agency
from tests.cases.builders import dartford, make_case, manager_in, officer_in
from tests.conftest import csrf_token
from tests.reviews.builders import add_report, apply, victim_case


def today() -> date:
    return services.london_today(utcnow())


def day_fields(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def post(client, path: str, data: dict, token_path: str | None = None):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_path or path)})


@pytest.fixture
def officer(app):
    return officer_in(dartford())


@pytest.fixture
def case(officer):
    case = victim_case(officer, reported=today() - timedelta(days=60))
    add_report(officer, case, today() - timedelta(days=30))
    add_report(officer, case, today() - timedelta(days=3))
    return case


def current(reference: str) -> CaseReviewApplication:
    db.session.expire_all()
    return db.session.scalar(
        select(CaseReviewApplication).where(CaseReviewApplication.reference == reference)
    )


def test_an_application_reaches_its_threshold_decision_on_time(login, officer, case):
    client = login(officer)
    page = text(client.get(f"/cases/{case.reference}"))
    assert "Record a case review application for this case" in page

    form_page = client.get(f"/case-reviews/new?case={case.reference}")
    assert form_page.status_code == 200 and "Vera Victim" in text(form_page)
    person_id = services.complainants(case)[0].id
    response = post(
        client,
        f"/case-reviews/new?case={case.reference}",
        {
            "victim_person_id": str(person_id),
            "on_behalf": "no",
            "received_on": day_fields(today()),
            "behaviour": "Threats and shouting from next door",
        },
    )
    assert response.status_code == 302, text(response)[:2000]
    reference = response.headers["Location"].rsplit("/", 1)[1]
    page = text(client.get(f"/case-reviews/{reference}"))
    assert "Acknowledge the application" in page
    assert "3 qualifying complaints, 3 needed: the threshold is met by the count" in page

    response = post(client, f"/case-reviews/{reference}/acknowledge", {"day": day_fields(today())})
    assert response.status_code == 302
    response = post(
        client,
        f"/case-reviews/{reference}/threshold",
        {"met": "yes", "reason": "Three reports in six months", "decided_on": day_fields(today())},
    )
    assert response.status_code == 302, text(response)[:2000]

    page = text(client.get(f"/case-reviews/{reference}"))
    assert "Threshold met" in page
    assert page.count("Met on time") == 2  # acknowledgement and threshold decision
    assert "Record the review meeting" in page
    assert current(reference).threshold_decided_by_id == officer.id


def test_the_application_form_explains_what_to_do_without_a_case(login, officer):
    client = login(officer)

    page = text(client.get("/case-reviews/new"))
    missing = client.get("/case-reviews/new?case=DAR-1999-00001")

    assert "log one first" in page
    assert missing.status_code == 404 and "There is no case DAR-1999-00001 that you can see" in text(missing)


def test_bad_input_gives_messages_and_keeps_what_was_typed(login, officer, case):
    client = login(officer)
    response = post(
        client,
        f"/case-reviews/new?case={case.reference}",
        {
            "victim_person_id": str(services.complainants(case)[0].id),
            "on_behalf": "yes",
            "received_on": ["31", "2", "2027"],
            "behaviour": "Kept text",
        },
    )
    page = text(response)

    assert response.status_code == 400
    assert "The date the application was received must be a real date" in page
    assert "Kept text" in page
    assert db.session.scalar(select(CaseReviewApplication.id)) is None


def test_a_future_date_and_a_missing_reason_are_refused(login, officer, case):
    client = login(officer)
    application = apply(officer, case, today())
    services.acknowledge(officer, application, today(), utcnow())
    tomorrow = today() + timedelta(days=1)

    response = post(
        client,
        f"/case-reviews/{application.reference}/threshold",
        {"met": "yes", "reason": "", "decided_on": day_fields(tomorrow)},
    )

    assert response.status_code == 400
    assert "Enter the reason for the decision" in text(response)
    assert current(application.reference).threshold_decided_on is None


def test_below_the_count_an_officer_cannot_decide_met_but_a_manager_can_on_potential_harm(
    client, login, officer
):
    case = victim_case(officer, reported=today() - timedelta(days=10))
    application = apply(officer, case, today())
    services.acknowledge(officer, application, today(), utcnow())
    client = login(officer)
    decision = {"met": "yes", "reason": "Vulnerable victim", "decided_on": day_fields(today())}

    refused = post(client, f"/case-reviews/{application.reference}/threshold", decision)
    assert refused.status_code == 400
    assert "only a manager can decide the threshold met on the potential harm" in text(refused)

    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/case-reviews")})
    login(manager_in(dartford()))
    assert post(client, f"/case-reviews/{application.reference}/threshold", decision).status_code == 302
    decided = current(application.reference)
    assert decided.threshold_met and decided.met_on_potential_harm
    assert "Met on the potential harm" in text(client.get(f"/case-reviews/{application.reference}"))


def test_complaints_to_other_agencies_are_added_and_removed(login, officer):
    case = victim_case(officer, reported=today() - timedelta(days=10))
    application = apply(officer, case, today())
    client = login(officer)
    response = post(
        client,
        f"/case-reviews/{application.reference}/complaints",
        {
            "behaviour_on": day_fields(today() - timedelta(days=50)),
            "reported_on": day_fields(today() - timedelta(days=45)),
            "reported_to": "Kent Police",
        },
    )
    assert response.status_code == 302
    page = text(client.get(f"/case-reviews/{application.reference}"))
    assert "Kent Police" in page and "2 qualifying complaints, 3 needed" in page

    complaint = next(c for c in current(application.reference).complaints if c.reported_to == "Kent Police")
    post(
        client,
        f"/case-reviews/{application.reference}/complaints/{complaint.id}/remove",
        {},
        token_path=f"/case-reviews/{application.reference}",
    )
    assert "Kent Police" not in text(client.get(f"/case-reviews/{application.reference}"))


def test_recommendations_are_tracked_to_completion_and_the_outcome_letter_recorded(login, officer, case):
    agency = make_agency("Kent Police", "Police")
    application = apply(officer, case, today() - timedelta(days=2))
    services.acknowledge(officer, application, today() - timedelta(days=2), utcnow())
    services.decide_threshold(
        officer, application, True, "Three reports", today() - timedelta(days=1), utcnow()
    )
    client = login(officer)
    ref = application.reference

    meeting = {"meeting_on": day_fields(today() - timedelta(days=1)), "outcome": "Joint visit and CPW"}
    assert post(client, f"/case-reviews/{ref}/meeting", meeting).status_code == 302
    recommendation = {
        "text": "Joint visit to the subject",
        "agency_id": str(agency.id),
        "due_on": day_fields(today() - timedelta(days=1)),
    }
    assert post(client, f"/case-reviews/{ref}/recommendations/new", recommendation).status_code == 302
    page = text(client.get(f"/case-reviews/{ref}"))
    assert "Joint visit to the subject" in page and "Overdue" in page

    rec_id = current(ref).recommendations[0].id
    done = {"completed_on": day_fields(today()), "note": "Visited with PC Taylor"}
    assert post(client, f"/case-reviews/{ref}/recommendations/{rec_id}/complete", done).status_code == 302
    assert (
        post(client, f"/case-reviews/{ref}/outcome-letter", {"day": day_fields(today())}).status_code == 302
    )

    page = text(client.get(f"/case-reviews/{ref}"))
    assert "Completed" in page and "Visited with PC Taylor" in page
    assert "Outcome sent" in page
    assert current(ref).recommendations[0].completed_on == today()
    assert db.session.scalar(select(Agency.id)) == agency.id


def test_an_appeal_upheld_against_the_threshold_lets_the_review_go_ahead(login, officer):
    case = victim_case(officer, reported=today() - timedelta(days=10))
    application = apply(officer, case, today() - timedelta(days=10))
    services.acknowledge(officer, application, today() - timedelta(days=9), utcnow())
    services.decide_threshold(
        officer, application, False, "One report", today() - timedelta(days=8), utcnow()
    )
    client = login(officer)
    ref = application.reference

    response = post(
        client,
        f"/case-reviews/{ref}/appeals/new",
        {
            "against": "threshold",
            "received_on": day_fields(today() - timedelta(days=1)),
            "grounds": "Reports to the police too",
        },
    )
    assert response.status_code == 302, text(response)[:1500]
    appeal_id = current(ref).appeals[0].id
    assert "Waiting for a decision" in text(client.get(f"/case-reviews/{ref}"))

    decision = {"upheld": "yes", "decision": "Police reports count", "decided_on": day_fields(today())}
    assert post(client, f"/case-reviews/{ref}/appeals/{appeal_id}/decide", decision).status_code == 302

    decided = current(ref)
    assert decided.appeals[0].upheld and decided.threshold_met and decided.status == "threshold_met"
    page = text(client.get(f"/case-reviews/{ref}"))
    assert "Upheld" in page and "Record the review meeting" in page
    assert "Hold the case review meeting" in page  # its clock started


def test_an_appeal_not_upheld_changes_nothing_else(login, officer):
    case = victim_case(officer, reported=today() - timedelta(days=10))
    application = apply(officer, case, today() - timedelta(days=10))
    services.acknowledge(officer, application, today() - timedelta(days=9), utcnow())
    services.decide_threshold(
        officer, application, False, "One report", today() - timedelta(days=8), utcnow()
    )
    appeal = services.receive_appeal(officer, application, "threshold", today(), "Unfair", utcnow())

    services.decide_appeal(officer, appeal, False, "Still one report", today(), utcnow())

    decided = current(application.reference)
    assert decided.status == "threshold_not_met" and decided.threshold_met is False
    with pytest.raises(services.ReviewError, match="already been decided"):
        services.decide_appeal(officer, decided.appeals[0], True, "Again", today(), utcnow())


def test_a_case_without_a_victim_says_to_add_them_first(login, officer):
    case = make_case(officer, code="asb_nuisance")
    page = text(login(officer).get(f"/case-reviews/new?case={case.reference}"))

    assert "No one is on this case as complainant or victim" in page
    assert f"/cases/{case.reference}/parties" in page


def test_an_appeal_against_the_outcome_has_its_own_clock_and_decision(officer, case):
    application = apply(officer, case, today() - timedelta(days=2))
    services.acknowledge(officer, application, today() - timedelta(days=2), utcnow())
    services.decide_threshold(officer, application, True, "Three", today() - timedelta(days=2), utcnow())
    services.record_meeting(officer, application, today() - timedelta(days=1), "Plan", utcnow())
    with pytest.raises(services.ReviewError, match="An appeal follows"):
        services.receive_appeal(officer, application, "outcome", today(), "Unhappy", utcnow())
    services.record_outcome_sent(officer, application, today(), utcnow())
    with pytest.raises(services.ReviewError, match="Choose what the appeal is against"):
        services.receive_appeal(officer, application, "threshold", today(), "Unhappy", utcnow())

    appeal = services.receive_appeal(
        officer, application, "outcome", today(), "The plan did nothing", utcnow()
    )
    with pytest.raises(services.ReviewError, match="already waiting"):
        services.receive_appeal(officer, application, "outcome", today(), "Again", utcnow())
    services.decide_appeal(officer, appeal, True, "A second review", today(), utcnow())

    decided = current(application.reference)
    assert decided.status == "outcome_sent" and decided.appeals[0].upheld
    kinds = [row.kind for row in queries.clocks_of(decided)]
    assert kinds.count(services.APPEAL) == 1
    assert all(not row.is_open for row in queries.clocks_of(decided))
