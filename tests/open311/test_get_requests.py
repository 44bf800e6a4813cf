"""GET requests and GET requests/{id}: only what is public, with the specification's filters and defaults."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from casework.api.open311.models import Open311Request
from casework.cases import services as cases
from casework.cases.models import Case
from casework.db_types import utcnow
from casework.extensions import db
from tests.cases.builders import manager_in
from tests.open311.builders import make_world, post_form
from tests.open311.fms import fms_report, xml_in

W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


@pytest.fixture
def world(app):
    return make_world()


def _report(client, key: str, **overrides) -> str:
    response = post_form(client, "/open311/v2/requests.xml", fms_report(key, **overrides))
    assert response.status_code == 200, response.get_data(as_text=True)
    return xml_in(response.get_data(as_text=True))["request"][0]["service_request_id"]


def _requests(client, **params) -> list[dict]:
    response = client.get("/open311/v2/requests.xml", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return xml_in(response.get_data(as_text=True)).get("request", [])


def test_a_request_shows_public_fields_and_no_personal_data(world, client):
    reference = _report(client, world.key, address_string="Verge outside 12 Lowfield Street, Dartford")
    response = client.get(f"/open311/v2/requests/{reference}.xml")
    text = response.get_data(as_text=True)
    (entry,) = xml_in(text)["request"]
    assert entry["service_request_id"] == reference
    assert (entry["status"], entry["service_code"], entry["service_name"]) == (
        "open",
        "flytipping",
        "Flytipping",
    )
    assert entry["description"].startswith("title: Mattress and bags dumped")
    assert entry["address"] == "Verge outside 12 Lowfield Street, Dartford"
    assert entry["agency_responsible"] == "Dartford"
    assert (entry["lat"], entry["long"]) == ("51.4463", "0.2176")
    assert W3C.match(entry["requested_datetime"]) and W3C.match(entry["updated_datetime"])
    assert entry["status_notes"] == "Your report has been received and is waiting to be checked."
    for private in ("Bloggs", "jo.bloggs@example.org", "07700", "Jo "):
        assert private not in text


def test_notes_and_reasons_stay_inside(world, client):
    reference = _report(client, world.key)
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    cases.add_note(world.officer, case, "Neighbour says the van belongs to Mr Smith", restricted=False)
    manager = manager_in(world.dartford)
    cases.fire(
        manager,
        case,
        "close",
        case.version,
        cases.workflow.TransitionInput(outcome="duplicate", duplicate_of=world.history),
    )
    text = client.get(f"/open311/v2/requests/{reference}.xml").get_data(as_text=True)
    assert "Smith" not in text and world.history.reference not in text
    (entry,) = xml_in(text)["request"]
    assert entry["status"] == "closed"
    assert entry["status_notes"] == "This problem had already been reported and is being dealt with."


def test_cases_logged_by_officers_are_never_listed(world, client):
    reference = _report(client, world.key)
    listed = [r["service_request_id"] for r in _requests(client)]
    assert listed == [reference]
    assert client.get(f"/open311/v2/requests/{world.history.reference}.xml").status_code == 404


def test_filters_and_the_ninety_day_default(world, client):
    flytip = _report(client, world.key)
    graffiti = _report(
        client, world.key, service_code="graffiti", **{"attribute[size]": None, "attribute[waste]": None}
    )
    old = _report(client, world.key, lat="51.4480", long="0.2150")
    db.session.execute(
        update(Open311Request)
        .where(Open311Request.service_request_id == old)
        .values(requested_at=utcnow() - timedelta(days=120))
    )
    db.session.commit()
    case = db.session.scalar(select(Case).where(Case.reference == flytip))
    cases.fire(
        manager_in(world.dartford),
        case,
        "close",
        case.version,
        cases.workflow.TransitionInput(outcome="not_our_responsibility"),
    )

    def ids(**params) -> set[str]:
        return {r["service_request_id"] for r in _requests(client, **params)}

    assert ids() == {flytip, graffiti}  # the last 90 days
    assert ids(service_code="graffiti") == {graffiti}
    assert ids(status="closed") == {flytip}
    assert ids(status="open") == {graffiti}
    assert ids(status="open,closed") == {flytip, graffiti}
    assert ids(service_request_id=f"{old},{graffiti}") == {old, graffiti}
    since = (utcnow() - timedelta(days=150)).isoformat()
    until = (utcnow() - timedelta(days=100)).isoformat()
    assert ids(start_date=since, end_date=until) == {old}


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
         "start_date and end_date may not span more than 90 days"),
        ({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
         "start_date must be before end_date"),
        ({"start_date": "last week"}, "start_date must be a date and time like 2026-07-01T09:30:00Z"),
        ({"status": "fixed"}, "status must be open, closed or both (comma-separated)"),
    ],
)  # fmt: skip
def test_bad_filters_are_400(world, client, params, description):
    response = client.get("/open311/v2/requests.json", query_string=params)
    assert response.status_code == 400
    assert response.get_json() == [{"code": 400, "description": description}]


def test_json_request_list(world, client):
    reference = _report(client, world.key)
    entries = client.get("/open311/v2/requests.json").get_json()
    assert [e["service_request_id"] for e in entries] == [reference]
    assert entries[0]["lat"] == 51.4463
