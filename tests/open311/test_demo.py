"""The demo client: its key works at once, seeding twice adds nothing, and the banner shows it."""

from __future__ import annotations

from casework.api.open311.demo import DEMO_KEY, seed_demo_open311
from casework.extensions import db
from tests.cases.builders import dartford, make_case_types
from tests.open311.builders import located_case, post_form
from tests.open311.fms import fms_report, xml_in


def test_demo_client_is_seeded_once_and_its_key_works(app, client):
    added: dict[str, int] = {}
    seed_demo_open311(added)
    db.session.commit()
    assert added == {"open311 clients": 1, "open311 keys": 1}
    again: dict[str, int] = {}
    seed_demo_open311(again)
    assert again == {}
    make_case_types()
    located_case(dartford(), 51.4470, 0.2176)
    response = post_form(client, "/open311/v2/requests.xml", fms_report(DEMO_KEY))
    assert response.status_code == 200
    assert xml_in(response.get_data(as_text=True))["request"][0]["service_request_id"].startswith("DAR-")


def test_demo_is_never_seeded_without_demo_permission(app):
    app.config["DEMO_ALLOWED"] = False
    added: dict[str, int] = {}
    seed_demo_open311(added)
    assert added == {}


def test_banner_prints_the_endpoint_and_demo_key(app):
    result = app.test_cli_runner().invoke(args=["demo-banner"])
    assert "Open311 endpoint: http://127.0.0.1:5000/open311/v2/" in result.output
    assert "demo api_key: demo-open311-key" in result.output
