"""POST requests: what FixMyStreet sends becomes a case in the triage queue, or a precise error."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from casework.api.open311.models import Open311Request
from casework.cases.models import Case
from casework.extensions import db
from tests.cases.case_page_helpers import image_bytes
from tests.open311.builders import GRAVESHAM_LAT, GRAVESHAM_LONG, make_client, make_world, post_form
from tests.open311.fms import fms_report, xml_in

URL = "/open311/v2/requests.xml"


@pytest.fixture
def world(app):
    return make_world()


def _case_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def _only_error(response) -> dict:
    parsed = xml_in(response.get_data(as_text=True))
    assert len(parsed["error"]) == 1, parsed
    return parsed["error"][0]


def test_fixmystreet_report_becomes_a_new_case_for_triage(world, client):
    response = post_form(client, URL, fms_report(world.key))

    assert response.status_code == 200
    assert response.content_type == "text/xml; charset=utf-8"
    parsed = xml_in(response.get_data(as_text=True))
    reference = parsed["request"][0]["service_request_id"]  # what FixMyStreet reads
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    assert case.state == "new" and case.case_type.code == "flytipping"
    assert case.borough == world.dartford and case.ward.name == world.history.ward.name
    incident = case.incidents[0]
    assert incident.channel == "fixmystreet" and incident.description.startswith("title: Mattress")
    assert incident.flytip.size == "small_van"
    assert incident.flytip.waste_types == ["bags_household", "other_household"]
    assert incident.flytip.land_type == "other"  # not asked of the public: checked by an officer
    (party,) = case.parties
    assert party.role == "complainant"
    assert (party.person.first_name, party.person.last_name) == ("Jo", "Bloggs")
    assert (party.person.email, party.person.phone) == ("jo.bloggs@example.org", "07700 900123")
    assert case.created_by == world.client.service_user and not case.created_by.active
    assert world.client.keys[0].last_used_at is not None


def test_the_case_is_in_the_officers_triage_queue(world, client, login):
    reference = xml_in(post_form(client, URL, fms_report(world.key)).get_data(as_text=True))["request"][0][
        "service_request_id"
    ]
    login(world.officer)
    page = client.get("/cases?state=new&type=flytipping").get_data(as_text=True)
    assert reference in page


def test_spec_style_multi_values_and_json(world, client):
    fields = fms_report(world.key, **{"attribute[waste]": None, "attribute[waste][]": ["green", "tyres"]})
    response = post_form(client, "/open311/v2/requests.json", fields)
    assert response.status_code == 200
    (entry,) = response.get_json()
    case = db.session.scalar(select(Case).where(Case.reference == entry["service_request_id"]))
    assert case.incidents[0].flytip.waste_types == ["green", "tyres"]


def test_multipart_report_with_photos_stores_them_as_evidence(world, client):
    data = {key: value for key, value in fms_report(world.key) if key != "attribute[waste]"}
    data["attribute[waste]"] = ["bags_household", "other_household"]
    data["photo1"] = (io.BytesIO(image_bytes("JPEG")), "IMG_0001.jpg")
    data["photo2"] = (io.BytesIO(image_bytes("PNG")), "../../etc/passwd.png")
    response = client.post(URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    reference = xml_in(response.get_data(as_text=True))["request"][0]["service_request_id"]
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    names = sorted(e.original_name for e in case.evidence)
    assert names == ["IMG_0001.jpg", "passwd.png"]
    assert all(e.incident_id == case.incidents[0].id for e in case.evidence)
    assert {e.content_type for e in case.evidence} == {"image/jpeg", "image/png"}


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_saved(world, client):
    data = dict(fms_report(world.key))
    data["photo1"] = (io.BytesIO(b"MZ\x90\x00 not a picture"), "virus.jpg")
    response = client.post(URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert _only_error(response)["description"].startswith("photo1: The selected file must be")
    assert _case_count() == 2


def test_media_url_is_kept_as_a_link(world, client):
    url = "https://www.fixmystreet.com/photo/123456.0.full.jpeg"
    response = post_form(client, URL, fms_report(world.key, media_url=url))
    reference = xml_in(response.get_data(as_text=True))["request"][0]["service_request_id"]
    request = db.session.scalar(select(Open311Request).where(Open311Request.service_request_id == reference))
    assert request.media_url == url
    assert url in request.case.incidents[0].description
    assert request.case.evidence == []  # never fetched


def test_address_string_alone_is_placed_by_its_postcode(world, client):
    fields = fms_report(world.key, lat=None, long=None, address_string="Lowfield Street, Dartford DA1 1DR")
    fields = [(k, v) for k, v in fields if k not in ("lat", "long")]
    response = post_form(client, URL, fields)
    assert response.status_code == 200, response.get_data(as_text=True)
    reference = xml_in(response.get_data(as_text=True))["request"][0]["service_request_id"]
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    assert case.ward == world.history.ward
    assert case.incidents[0].postcode == "DA1 1DR"
    assert case.incidents[0].latitude is None


def test_a_second_report_nearby_joins_the_open_case(world, client):
    first = xml_in(post_form(client, URL, fms_report(world.key)).get_data(as_text=True))["request"][0]
    second_response = post_form(client, URL, fms_report(world.key, lat="51.44640", long="0.21770"))
    second = xml_in(second_response.get_data(as_text=True))["request"][0]
    assert second["service_request_id"].startswith(first["service_request_id"] + "-R")
    assert second["service_notice"] == "Added to an open report of the same problem nearby."
    case = db.session.scalar(select(Case).where(Case.reference == first["service_request_id"]))
    assert len(case.incidents) == 2 and len(case.parties) == 2
    assert _case_count() == 3


def test_a_client_for_one_borough_cannot_report_in_another(world, client):
    _, key = make_client("Dartford website", "web_form", [world.dartford])
    response = post_form(client, URL, fms_report(key, lat=str(GRAVESHAM_LAT), long=str(GRAVESHAM_LONG)))
    assert response.status_code == 400
    assert _only_error(response)["description"] == (
        "The location is in Gravesham, which this client does not report for"
    )
    ok = post_form(client, URL, fms_report(key))
    assert ok.status_code == 200
    case = db.session.scalar(select(Case).order_by(Case.id.desc()).limit(1))
    assert case.incidents[0].channel == "web_form"


@pytest.mark.parametrize(
    ("overrides", "status", "description"),
    [
        ({"api_key": None}, 403, "api_key is required"),
        ({"api_key": "not-a-key"}, 403, "api_key is not valid or has been revoked"),
        ({"service_code": None}, 400, "service_code is required"),
        ({"service_code": "potholes"}, 404, "service_code 'potholes' is not a service we offer"),
        ({"lat": None, "long": None}, 400, "A location is required: give lat and long, or address_string"),
        ({"long": None}, 400, "lat and long must be given together"),
        ({"lat": "north"}, 400, "lat and long must be decimal degrees (WGS84), like 51.4463 and 0.2176"),
        ({"lat": "91", "long": "0"}, 400, "Latitude must be in Great Britain, between 49.8 and 60.9 "
         "(lat and long are WGS84 decimal degrees)"),
        ({"lat": "nan", "long": "0.2"}, 400, "Latitude must be in Great Britain, between 49.8 and 60.9 "
         "(lat and long are WGS84 decimal degrees)"),
        ({"lat": "53.4808", "long": "-2.2426"}, 400, "The location (lat, long) is outside the area this "
         "partnership serves: no recorded incident lies within 1000 metres of it"),
        ({"lat": None, "long": None, "address_string": "somewhere near the park"}, 400,
         "The address_string could not be placed: give lat and long, or include the full postcode"),
        ({"lat": None, "long": None, "address_string": "1 Piccadilly, Manchester M1 1AD"}, 400,
         "The postcode M1 1AD could not be placed in the partnership's area: give lat and long"),
        ({"attribute[size]": None}, 400, "attribute[size] is required: How much has been dumped?"),
        ({"attribute[size]": "lorry"}, 400, "attribute[size]: 'lorry' is not one of the values: car_boot, "
         "significant, single_bag, single_item, small_van, tipper_lorry, transit_van"),
        ({"attribute[size]": ["small_van", "car_boot"]}, 400, "attribute[size] takes one value, not 2"),
        ({"attribute[waste]": ["green", "plutonium"]}, 400, "attribute[waste]: 'plutonium' is not one of "
         "the values: animal_carcass, asbestos, bags_commercial, bags_household, chemical, clinical, "
         "construction, green, other, other_commercial, other_electrical, other_household, tyres, "
         "vehicle_parts, white_goods"),
        ({"description": "x" * 4001}, 400, "description must be 4,000 characters or fewer"),
        ({"email": "not an address"}, 400, "email must be an email address, like name@example.org"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url must be an http or https address"),
        ({"first_name": "J" * 101}, 400, "first_name must be 100 characters or fewer"),
    ],
)  # fmt: skip
def test_bad_input_gets_the_specifications_error(world, client, overrides, status, description):
    response = post_form(client, URL, fms_report(world.key, **overrides))
    assert response.status_code == status
    error = _only_error(response)
    assert (error["code"], error["description"]) == (str(status), description)
    assert _case_count() == 2  # nothing saved


def test_a_revoked_key_stops_at_once(world, client, app):
    from casework.api.open311 import services
    from casework.auth.roles import Role
    from tests.builders import make_user

    services.revoke_key(make_user(Role.ADMIN), world.client.keys[0])
    response = post_form(client, URL, fms_report(world.key))
    assert response.status_code == 403


def test_wrong_content_type_and_malformed_multipart(world, client):
    response = client.post(URL, data='{"service_code": "flytipping"}', content_type="application/json")
    assert response.status_code == 400
    assert (
        "application/x-www-form-urlencoded or multipart/form-data, not application/json"
        in (_only_error(response)["description"])
    )
    broken = client.post(URL, data=b"--xyz\r\nnonsense", content_type="multipart/form-data; boundary=xyz")
    assert broken.status_code == 400
    assert _only_error(broken)["description"] == "The multipart body is malformed and could not be read"
    no_boundary = client.post(URL, data=b"abc", content_type="multipart/form-data")
    assert no_boundary.status_code == 400
    assert _only_error(no_boundary)["description"] == "The multipart body has no boundary in its Content-Type"


def test_json_errors_are_the_json_equivalent(world, client):
    response = post_form(client, "/open311/v2/requests.json", fms_report("wrong"))
    assert response.status_code == 403
    assert response.get_json() == [{"code": 403, "description": "api_key is not valid or has been revoked"}]


def test_no_csrf_token_is_needed_but_the_key_is(world, client, app):
    assert app.config["WTF_CSRF_ENABLED"]
    assert post_form(client, URL, fms_report(world.key)).status_code == 200
