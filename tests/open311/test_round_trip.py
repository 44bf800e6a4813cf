"""The round trip: a report posted, triaged and cleared by an officer, the status read back as updates."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.api.open311.models import Open311CitizenUpdate
from casework.cases import services as cases
from casework.cases.models import Case
from casework.db_types import utcnow
from casework.extensions import db
from tests.cases.builders import manager_in
from tests.cases.case_page_helpers import as_user, case_url, post
from tests.open311.builders import make_client, make_world, post_form
from tests.open311.fms import fms_report, xml_in

W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")  # what FixMyStreet accepts


@pytest.fixture
def world(app):
    return make_world()


def _report(client, key: str) -> str:
    response = post_form(client, "/open311/v2/requests.xml", fms_report(key))
    return xml_in(response.get_data(as_text=True))["request"][0]["service_request_id"]


def _updates(client, key: str, **params) -> list[dict]:
    response = client.get("/open311/v2/servicerequestupdates.xml", query_string={"api_key": key, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return xml_in(response.get_data(as_text=True)).get("request_update", [])


def test_triage_and_clearance_by_an_officer_reach_fixmystreet(world, client):
    reference = _report(client, world.key)
    fms = client  # FixMyStreet and the officer share nothing but the server
    assert _updates(fms, world.key) == []

    officer_browser = as_user(fms.application.test_client(), world.officer)
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    post(officer_browser, case_url(case, "/transition/triage"), {"version": case.version}, case_url(case))
    (triaged,) = _updates(fms, world.key)
    assert triaged["service_request_id"] == reference
    assert (triaged["status"], triaged["external_status_code"]) == ("ACTION_SCHEDULED", "triaged")
    assert W3C.match(triaged["updated_datetime"]) and triaged["update_id"]

    db.session.expire_all()
    case = db.session.get(Case, case.id)
    today = utcnow().date()
    clearance = {
        "cleared_on": [str(today.day), str(today.month), str(today.year)],
        "cleared_by": "contractor",
        "version": case.version,
    }
    url = case_url(case, f"/incidents/{case.incidents[0].id}/clearance")
    assert post(officer_browser, url, clearance, case_url(case)).status_code == 302
    updates = _updates(fms, world.key)
    assert [u["status"] for u in updates] == ["ACTION_SCHEDULED", "FIXED"]
    assert updates[-1]["description"] == "The flytip has been cleared."
    assert len({u["update_id"] for u in updates}) == 2


def test_updates_carry_the_extended_status_of_the_outcome(world, client):
    reference = _report(client, world.key)
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    manager = manager_in(world.dartford)
    given = cases.workflow.TransitionInput(outcome="not_our_responsibility")
    cases.fire(manager, case, "close", case.version, given)
    (update,) = _updates(client, world.key)
    assert update["status"] == "NOT_COUNCILS_RESPONSIBILITY"
    assert update["external_status_code"] == "closed:not_our_responsibility"
    assert update["description"] == "This is not something the council is responsible for."


def test_internal_steps_and_words_never_reach_the_public(world, client):
    reference = _report(client, world.key)
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    cases.add_note(world.officer, case, "Suspect is Mr Smith at number 4", restricted=True)
    cases.assign(world.officer, case, world.officer, case.version)
    cases.fire(world.officer, case, "triage", case.version)
    cases.fire(world.officer, case, "investigate", case.version)
    manager = manager_in(world.dartford)
    cases.fire(
        manager, case, "refer_to_panel", case.version, cases.workflow.TransitionInput(reason="Mr Smith again")
    )
    text = client.get("/open311/v2/servicerequestupdates.xml", query_string={"api_key": world.key}).get_data(
        as_text=True
    )
    assert "Smith" not in text
    statuses = [u["status"] for u in xml_in(text)["request_update"]]
    assert statuses == ["ACTION_SCHEDULED", "INVESTIGATING", "INTERNAL_REFERRAL"]


def test_updates_need_the_key_and_show_only_the_clients_own_requests(world, client):
    reference = _report(client, world.key)
    _, other_key = make_client("Council website", "web_form")
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    cases.fire(world.officer, case, "triage", case.version)
    assert client.get("/open311/v2/servicerequestupdates.xml").status_code == 403
    assert _updates(client, other_key) == []
    assert len(_updates(client, world.key)) == 1


def test_updates_between_dates_as_fixmystreet_asks(world, client):
    reference = _report(client, world.key)
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    cases.fire(world.officer, case, "triage", case.version)
    now = utcnow()
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    window = {
        "start_date": (now - timedelta(hours=2)).strftime(fmt),
        "end_date": (now + timedelta(minutes=1)).strftime(fmt),
    }
    assert len(_updates(client, world.key, **window)) == 1
    earlier = {
        "start_date": (now - timedelta(hours=4)).strftime(fmt),
        "end_date": (now - timedelta(hours=2)).strftime(fmt),
    }
    assert _updates(client, world.key, **earlier) == []
    bad = client.get(
        "/open311/v2/servicerequestupdates.xml",
        query_string={
            "api_key": world.key,
            "start_date": "2026-07-01T09:00:00",
            "end_date": "2026-07-01T10:00:00Z",
        },
    )
    assert bad.status_code == 400
    assert "must include a time zone" in xml_in(bad.get_data(as_text=True))["error"][0]["description"]


def _citizen_update(client, key: str, reference: str, update_id: str = "9876", **extra):
    fields = [
        ("jurisdiction_id", "dartford"),
        ("api_key", key),
        ("service_request_id", reference),
        ("update_id", update_id),
        ("status", "OPEN"),
        ("updated_datetime", "2026-07-01T09:30:00+01:00"),
        ("description", "It is still there and now there is a fridge too"),
        ("first_name", "Jo"),
        ("last_name", "Bloggs"),
        ("email", "jo.bloggs@example.org"),
        *extra.items(),
    ]
    return post_form(client, "/open311/v2/servicerequestupdates.xml", fields)


def test_a_citizens_update_becomes_a_note_once(world, client):
    reference = _report(client, world.key)
    first = _citizen_update(client, world.key, reference)
    assert first.status_code == 200
    update_id = xml_in(first.get_data(as_text=True))["request_update"][0]["update_id"]  # what FMS reads
    again = _citizen_update(client, world.key, reference)
    assert xml_in(again.get_data(as_text=True))["request_update"][0]["update_id"] == update_id
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    (note,) = case.notes
    assert "now there is a fridge too" in note.body and "Jo Bloggs" in note.body and not note.restricted
    assert db.session.scalar(select(Open311CitizenUpdate)).note == note
    assert _updates(client, world.key) == []  # its own words are not echoed back as a status change


@pytest.mark.parametrize(
    ("change", "status", "description"),
    [
        ({"service_request_id": "DAR-1999-00001"}, 404, "service_request_id 'DAR-1999-00001' was not found"),
        ({"description": ""}, 400, "description is required"),
        ({"update_id": ""}, 400, "update_id is required"),
        (
            {"updated_datetime": "yesterday"},
            400,
            "updated_datetime must be a date and time like 2026-07-01T09:30:00Z",
        ),
        ({"api_key": "wrong"}, 403, "api_key is not valid or has been revoked"),
    ],
)
def test_bad_citizen_updates_are_refused(world, client, change, status, description):
    reference = _report(client, world.key)
    fields = {
        "api_key": world.key,
        "service_request_id": reference,
        "update_id": "1",
        "description": "Still there",
        "updated_datetime": "2026-07-01T09:30:00Z",
        **change,
    }
    response = post_form(client, "/open311/v2/servicerequestupdates.xml", list(fields.items()))
    assert response.status_code == status
    assert xml_in(response.get_data(as_text=True))["error"][0]["description"] == description
    assert db.session.scalar(select(Case).where(Case.reference == reference)).notes == []


def test_a_client_cannot_update_another_clients_request(world, client):
    reference = _report(client, world.key)
    _, other_key = make_client("Council website", "web_form")
    assert _citizen_update(client, other_key, reference).status_code == 404
