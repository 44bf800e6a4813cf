"""GET services and service definitions, read as FixMyStreet reads them; unknown paths answer in kind."""

from __future__ import annotations

import re

from casework.extensions import db
from tests.cases.builders import make_case_types
from tests.open311.fms import DECLARATION, xml_in


def test_services_lists_the_public_report_categories(app, client):
    types = make_case_types()
    types["noise"].active = False
    db.session.commit()
    response = client.get("/open311/v2/services.xml")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and text.startswith(DECLARATION)
    services = {s["service_code"]: s for s in xml_in(text)["service"]}
    assert "noise" not in services  # retired case types are not offered
    assert {"flytipping", "graffiti", "asb_nuisance", "asb_personal"} <= set(services)
    flytipping = services["flytipping"]
    assert flytipping["service_name"] == "Flytipping" and flytipping["group"] == "Flytipping"
    assert flytipping["metadata"] == "true" and flytipping["type"] == "realtime"
    assert "dumped rubbish" in flytipping["keywords"]
    assert services["graffiti"]["metadata"] == "false"
    assert services["asb_nuisance"]["group"] == "Anti-social behaviour"


def test_services_json(app, client):
    make_case_types()
    entries = client.get("/open311/v2/services.json").get_json()
    flytipping = next(e for e in entries if e["service_code"] == "flytipping")
    assert flytipping["metadata"] is True


def test_flytipping_definition_has_size_and_waste_lists(app, client):
    make_case_types()
    parsed = xml_in(client.get("/open311/v2/services/flytipping.xml").get_data(as_text=True))
    assert parsed["service_code"] == "flytipping"
    attributes = {a["code"]: a for a in parsed["attributes"]["attribute"]}
    size, waste, land = attributes["size"], attributes["waste"], attributes["land_type"]
    assert (size["datatype"], size["required"], size["order"]) == ("singlevaluelist", "true", "1")
    assert (waste["datatype"], waste["required"], waste["order"]) == ("multivaluelist", "true", "2")
    assert land["required"] == "false"
    assert size["description"] == "How much has been dumped?" and size["variable"] == "true"
    keys = [v["key"] for v in size["values"]["value"]]
    assert keys[0] == "single_bag" and len(keys) == 7
    assert {"key": "tyres", "name": "Tyres"} in waste["values"]["value"]


def test_a_service_without_attributes_has_an_empty_definition(app, client):
    make_case_types()
    entry = client.get("/open311/v2/services/graffiti.json").get_json()
    assert entry == {"service_code": "graffiti", "attributes": []}


def test_unknown_service_format_and_path_answer_404_in_the_specifications_format(app, client):
    make_case_types()
    unknown = client.get("/open311/v2/services/potholes.xml")
    assert unknown.status_code == 404
    assert xml_in(unknown.get_data(as_text=True))["error"][0]["code"] == "404"
    assert client.get("/open311/v2/services.html").status_code == 404
    nowhere = client.get("/open311/v2/discovery.json")
    assert nowhere.status_code == 404 and nowhere.get_json()[0]["code"] == 404
    assert re.search(r"<code>404</code>", client.put("/open311/v2/anything").get_data(as_text=True))


def test_openapi_description_is_public_and_holds_no_secrets(app, client):
    from tests.open311.builders import make_client

    make_client()
    response = client.get("/open311/v2/openapi.json")
    document = response.get_json()
    assert response.status_code == 200 and document["openapi"].startswith("3.")
    assert {"/services.{fmt}", "/requests.{fmt}", "/servicerequestupdates.{fmt}"} <= set(document["paths"])
    assert document["servers"][0]["url"].endswith("/open311/v2")
    assert "demo-open311-key" not in response.get_data(as_text=True)
    statuses = document["components"]["schemas"]["Updates"]["items"]["properties"]["status"]["enum"]
    assert {"FIXED", "INVESTIGATING", "ACTION_SCHEDULED", "NOT_COUNCILS_RESPONSIBILITY"} <= set(statuses)
