"""CSV export of the current queue filter: every matching row, scoped, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from casework.cases import queries, services
from casework.cases.models import Priority
from casework.extensions import db
from casework.formatting import LONDON
from tests.cases.builders import (
    case_type,
    dartford,
    flytip_input,
    gravesham,
    incident_input,
    make_case,
    manager_in,
    officer_in,
)
from tests.conftest import sign_in


def rows_of(response) -> list[dict[str, str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def client_for(app, user):
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


@pytest.fixture
def staff(app):
    dar, gra = dartford(), gravesham()
    return {
        "dar": dar,
        "gra": gra,
        "manager": manager_in(dar),
        "partnership": manager_in(None),
        "officer": officer_in(dar),
        "gravesham_officer": officer_in(gra),
    }


def test_export_has_the_columns_and_values_of_each_case(staff, app):
    priority = Priority(number=2, name="Persistent ASB and environmental crime")
    db.session.add(priority)
    db.session.commit()
    details = incident_input(staff["dar"], address="Rear of 12 Mill Lane", postcode="DA1 2AB")
    details.flytip = flytip_input(size="transit_van", land_type="back_alley", waste_types=["tyres", "green"])
    case = services.log_incident(staff["officer"], case_type("flytipping").id, details, priority.id)
    services.assign(staff["manager"], case, staff["officer"], None)
    response = client_for(app, staff["manager"]).get("/cases/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    today = datetime.now(LONDON).date().isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="cases-{today}.csv"'
    [row] = rows_of(response)
    assert list(row) == queries.CSV_HEADER
    assert row["Reference"] == case.reference
    assert row["Type"] == "Flytipping"
    assert row["State"] == "New"
    assert row["Outcome"] == ""
    assert row["Borough"] == "Dartford"
    assert row["Ward"] == case.ward.name
    assert row["Assigned officer"] == staff["officer"].name
    assert row["Priority"].startswith("2. Persistent")
    assert row["Created"] == case.created_at.astimezone(LONDON).isoformat(timespec="seconds")
    assert row["Created"][-6:] in ("+00:00", "+01:00")  # London time, with its offset
    assert row["Address"] == "Rear of 12 Mill Lane"
    assert row["Postcode"] == "DA1 2AB"
    assert (row["Easting"], row["Northing"]) == ("554203", "174256")
    assert row["Flytip size"] == "Transit van load"
    assert row["Land type"] == "Back alleyway"
    assert row["Waste types"] == "Green; Tyres"


def test_export_matches_the_filter_and_includes_every_page(staff, app):
    officer = staff["officer"]
    flytips = [make_case(officer).reference for _ in range(53)]
    make_case(officer, code="graffiti")
    response = client_for(app, staff["manager"]).get("/cases/export.csv?type=flytipping&sort=oldest&page=2")
    refs = [row["Reference"] for row in rows_of(response)]
    assert refs == flytips  # all 53, in the queue's order, whatever page the queue was on


def test_export_respects_state_and_status(staff, app):
    officer, manager = staff["officer"], staff["manager"]
    open_case = make_case(officer, code="graffiti")
    closed = make_case(officer, code="graffiti")
    from casework.cases import workflow

    services.fire(manager, closed, "close", None, workflow.TransitionInput(outcome="no_further_action"))
    client = client_for(app, manager)
    assert [r["Reference"] for r in rows_of(client.get("/cases/export.csv"))] == [open_case.reference]
    [row] = rows_of(client.get("/cases/export.csv?status=closed"))
    assert (row["Reference"], row["State"], row["Outcome"]) == (
        closed.reference,
        "Closed",
        "No further action",
    )


def test_export_is_scoped_to_the_users_borough(staff, app):
    dar_case = make_case(staff["officer"])
    gra_case = make_case(staff["gravesham_officer"], borough=staff["gra"], postcode="DA11 0AA")
    dartford_rows = rows_of(client_for(app, staff["officer"]).get("/cases/export.csv"))
    assert [r["Reference"] for r in dartford_rows] == [dar_case.reference]
    # Asking for the other borough does not widen the scope.
    assert rows_of(client_for(app, staff["officer"]).get("/cases/export.csv?borough=GRA")) == [
        r for r in dartford_rows
    ]
    both = rows_of(client_for(app, staff["partnership"]).get("/cases/export.csv"))
    assert {r["Reference"] for r in both} == {dar_case.reference, gra_case.reference}


def test_export_guards_against_formula_injection(staff, app):
    make_case(staff["officer"], address='=HYPERLINK("http://evil.example","Click")', postcode=None)
    make_case(staff["officer"], address="+44 Station Road", postcode=None)
    make_case(staff["officer"], address="-1+1", postcode=None)
    make_case(staff["officer"], address="@SUM(A1:A2)", postcode=None)
    addresses = sorted(
        r["Address"] for r in rows_of(client_for(app, staff["manager"]).get("/cases/export.csv"))
    )
    assert addresses == [
        "'+44 Station Road",
        "'-1+1",
        '\'=HYPERLINK("http://evil.example","Click")',
        "'@SUM(A1:A2)",
    ]


def test_safe_cell():
    assert queries.safe_cell("=1+2") == "'=1+2"
    assert queries.safe_cell("\t=1") == "'\t=1"
    assert queries.safe_cell("Plain") == "Plain"
    assert queries.safe_cell(None) == ""
    assert queries.safe_cell(554203) == "554203"
