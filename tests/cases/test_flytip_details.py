"""Correcting a flytip's size, land type and waste types: what the Flycapture return counts."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from casework.cases import services
from casework.cases.incident_models import ClearanceCost
from casework.extensions import db
from tests.cases.builders import case_type, dartford, flytip_input, incident_input, officer_in
from tests.cases.case_page_helpers import as_user, case_url, post, reload


@pytest.fixture
def flytip_case():
    officer = officer_in(dartford())
    db.session.add_all(
        [
            ClearanceCost(size="small_van", cost=Decimal("120")),
            ClearanceCost(size="tipper_lorry", cost=Decimal("400")),
        ]
    )
    db.session.commit()
    report = replace(
        incident_input(officer.borough),
        flytip=flytip_input(size="small_van", land_type="other", waste_types=["green"]),
    )
    case = services.log_incident(officer, case_type("flytipping").id, report)
    return officer, case


def _form(case, **values):
    data = {"version": case.version, "size": "small_van", "land_type": "highway", "waste_types": ["green"]}
    data.update(values)
    return data


def test_officer_corrects_the_land_type_and_the_case_page_and_history_show_it(app, client, flytip_case):
    officer, case = flytip_case
    incident = case.incidents[0]
    as_user(client, officer)
    page = client.get(case_url(case)).get_data(as_text=True)
    assert f"/incidents/{incident.id}/flytip" in page  # a "Change" link beside the flytip's details

    response = post(
        client,
        case_url(case, f"/incidents/{incident.id}/flytip"),
        _form(case, waste_types=["green", "tyres"]),
    )

    assert response.status_code == 302
    case = reload(case)
    details = case.incidents[0].flytip
    assert (details.land_type, details.waste_types) == ("highway", ["green", "tyres"])
    page = client.get(case_url(case)).get_data(as_text=True)
    assert (
        "Flytip details corrected: land type Other (unidentified) to Highway; waste types Green, Tyres"
        in page
    )


def test_a_new_size_takes_its_standard_cost_until_the_flytip_is_cleared(app, flytip_case):
    officer, case = flytip_case
    incident = case.incidents[0]
    assert incident.flytip.clearance_cost == Decimal("120")
    data = services.FlytipInput(size="tipper_lorry", land_type="other", waste_types=["green"])
    services.correct_flytip(officer, incident, data, case.version)
    assert reload(case).incidents[0].flytip.clearance_cost == Decimal("400")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"size": ""}, "Select the size of the flytip"),
        ({"land_type": ""}, "Select the land type"),
        ({"land_type": "moon"}, "Select the land type"),
        ({"waste_types": []}, "Select at least one type of waste"),
        ({"waste_types": ["green", "plutonium"]}, "Select at least one type of waste"),
        ({"land_type": "other"}, "Nothing has changed"),
    ],
)
def test_bad_details_are_explained_on_the_page_and_nothing_changes(app, client, flytip_case, values, message):
    officer, case = flytip_case
    incident = case.incidents[0]
    as_user(client, officer)
    response = post(client, case_url(case, f"/incidents/{incident.id}/flytip"), _form(case, **values))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and message in html
    details = reload(case).incidents[0].flytip
    assert (details.size, details.land_type, details.waste_types) == ("small_van", "other", ["green"])


def test_a_change_made_meanwhile_by_someone_else_is_not_overwritten(app, client, flytip_case):
    officer, case = flytip_case
    incident = case.incidents[0]
    seen = case.version
    services.add_note(officer, case, "Someone else was here")
    services.assign(officer, case, officer, case.version)
    as_user(client, officer)
    response = post(client, case_url(case, f"/incidents/{incident.id}/flytip"), _form(case, version=seen))
    assert response.status_code == 409
    assert reload(case).incidents[0].flytip.land_type == "other"
