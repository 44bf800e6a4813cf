"""Log an incident (/cases/new): the page, saving, bad input, bad uploads and repeat reports."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from casework.auth.roles import Role
from casework.cases.models import Case
from casework.cases.party_models import CaseParty
from casework.cases.record_models import Evidence
from casework.db_types import utcnow
from casework.extensions import db
from casework.formatting import LONDON
from tests.builders import make_user
from tests.cases.builders import case_type, dartford, gravesham, make_case, manager_in, officer_in
from tests.cases.log_helpers import (
    DARTFORD_E,
    DARTFORD_LAT,
    DARTFORD_LNG,
    DARTFORD_N,
    case_count,
    date_parts,
    evidence_files,
    form_data,
    jpeg,
    pending_folders,
    png,
    post,
    upload,
)

PENDING_RE = re.compile(r'name="pending" type="hidden" value="([0-9a-f]{32})"')


def _reference(number: int, code: str = "DAR") -> str:
    return f"{code}-{utcnow().year}-{number:05d}"


def _flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.get("_flashes", [])]


def _only_case() -> Case:
    return db.session.scalars(select(Case)).one()


@pytest.fixture
def borough(app):
    return dartford()


@pytest.fixture
def officer(borough, login):
    user = officer_in(borough)
    login(user)
    return user


# ---- the page ----------------------------------------------------------------------------------


def test_the_page_is_one_grouped_form_for_a_phone(officer, client):
    case_type("asb_personal")
    gravesham()
    html = client.get("/cases/new").get_data(as_text=True)
    for legend in (
        "What happened",
        "Where it happened",
        "Flytipping details",
        "Who reported it (optional)",
        "Photos and documents",
    ):
        assert f'<h2 class="govuk-fieldset__heading">{legend}</h2>' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/*,application/pdf" multiple' in html
    assert '<optgroup label="Flytipping">' in html and '<optgroup label="Anti-social behaviour">' in html
    assert 'value="officer_observed" checked' in html
    today = datetime.now(LONDON).date()
    assert f'id="occurred_on-year" name="occurred_on" type="text" value="{today.year}"' in html
    # An officer with a borough sees only that borough's wards.
    assert "Temple Hill" in html and "Riverside" not in html and '<optgroup label="Dartford">' not in html


def test_a_partnership_manager_sees_every_borough_s_wards_grouped(client, login):
    dartford()
    gravesham()
    login(manager_in(None))
    html = client.get("/cases/new").get_data(as_text=True)
    assert '<optgroup label="Dartford">' in html and '<optgroup label="Gravesham">' in html
    assert "Riverside" in html and "Temple Hill" in html


@pytest.mark.parametrize("role", [Role.PARTNER, Role.ADMIN])
def test_partners_and_admins_are_refused(client, login, role):
    dartford()
    login(make_user(role))
    assert client.get("/cases/new").status_code == 403
    assert client.post("/cases/new", data={}).status_code in (400, 403)


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get("/cases/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


# ---- saving ------------------------------------------------------------------------------------


def test_an_officer_logs_a_flytip_with_a_photo(officer, borough, client, app):
    data = form_data(
        client,
        borough,
        easting=str(DARTFORD_E),
        northing=str(DARTFORD_N),
        occurred_time="14:30",
        size="transit_van",
        land_type="back_alley",
        waste_types=["white_goods", "tyres"],
        evidence_found="yes",
        evidence_description="A letter with a name on it",
        clearance_requested_on=date_parts(days_ago=0),
        uprn="100062345678",
        photos=[upload(jpeg(), "fridge.jpg")],
    )
    response = post(client, data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"] == f"/cases/{_reference(1)}"
    assert _flashes(client) == [f"Case {_reference(1)} logged"]

    case = _only_case()
    assert case.borough == borough and case.state == "new" and case.created_by == officer
    incident = case.incidents[0]
    assert incident.postcode == "DA1 1DR" and incident.uprn == "100062345678"
    assert (incident.easting, incident.northing) == (DARTFORD_E, DARTFORD_N)
    assert incident.latitude == pytest.approx(DARTFORD_LAT, abs=0.0002)
    assert incident.longitude == pytest.approx(DARTFORD_LNG, abs=0.0002)
    day = [int(part) for part in date_parts(days_ago=1)]
    local = incident.occurred_at.astimezone(LONDON)
    assert (local.day, local.month, local.year, local.hour, local.minute) == (*day, 14, 30)
    assert incident.flytip.size == "transit_van" and incident.flytip.land_type == "back_alley"
    assert incident.flytip.waste_types == ["tyres", "white_goods"]
    assert (
        incident.flytip.evidence_found
        and incident.flytip.evidence_description == "A letter with a name on it"
    )
    assert incident.flytip.clearance_requested_on == datetime.now(LONDON).date()
    assert case.parties == []  # no reporter given

    evidence = db.session.scalars(select(Evidence)).one()
    assert evidence.case == case and evidence.incident == incident
    assert evidence.original_name == "fridge.jpg" and evidence.content_type == "image/jpeg"
    assert [path.name for path in evidence_files()] == [evidence.stored_name]
    assert pending_folders() == []
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and f"Case {_reference(1)} logged" in page.get_data(as_text=True)


def test_a_photo_s_gps_position_places_an_incident_given_no_coordinates(officer, borough, client):
    photo = jpeg(gps=(DARTFORD_LAT, DARTFORD_LNG))
    response = post(client, form_data(client, borough, photos=[upload(photo, "tip.jpg")]))
    assert response.status_code == 302
    incident = _only_case().incidents[0]
    assert incident.latitude == pytest.approx(DARTFORD_LAT, abs=0.00001)
    assert incident.longitude == pytest.approx(DARTFORD_LNG, abs=0.00001)
    assert abs(incident.easting - DARTFORD_E) <= 5 and abs(incident.northing - DARTFORD_N) <= 5
    evidence = db.session.scalars(select(Evidence)).one()
    assert evidence.latitude == pytest.approx(DARTFORD_LAT, abs=0.00001)


def test_coordinates_the_officer_gives_win_over_a_photo_s_position(officer, borough, client):
    photo = jpeg(gps=(51.44, 0.30))
    data = form_data(client, borough, latitude="51.4463", longitude="0.2176", photos=[upload(photo)])
    assert post(client, data).status_code == 302
    incident = _only_case().incidents[0]
    assert (incident.latitude, incident.longitude) == (51.4463, 0.2176)


def test_a_photo_taken_abroad_does_not_place_the_incident(officer, borough, client):
    photo = jpeg(gps=(48.8584, 2.2945))  # Paris
    assert post(client, form_data(client, borough, photos=[upload(photo)])).status_code == 302
    incident = _only_case().incidents[0]
    assert incident.latitude is None and incident.easting is None


def test_an_asb_report_needs_no_flytip_details_and_saves_the_reporter(officer, borough, client):
    data = form_data(
        client,
        borough,
        "asb_personal",
        channel="phone",
        description="Youths shouting at a resident",
        first_name="Ada",
        last_name="Lovelace",
        phone="01322 343434",
        email="ada@example.com",
        size="not-a-size",  # flytip fields are ignored for other types
    )
    response = post(client, data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case = _only_case()
    assert case.case_type.code == "asb_personal"
    incident = case.incidents[0]
    assert incident.flytip is None and incident.channel == "phone"
    party = db.session.scalars(select(CaseParty)).one()
    assert party.role == "complainant" and party.person.full_name == "Ada Lovelace"
    assert party.person.email == "ada@example.com" and party.person.phone == "01322 343434"


def test_today_with_no_time_is_recorded_as_now(officer, borough, client):
    before = utcnow().replace(second=0, microsecond=0)
    assert post(client, form_data(client, borough, occurred_on=date_parts(days_ago=0))).status_code == 302
    assert before <= _only_case().incidents[0].occurred_at <= utcnow()


def test_nul_characters_are_dropped_not_sent_to_the_database(officer, borough, client):
    data = form_data(client, borough, description="bags\x00 of waste", address="1 High\x00 Street")
    assert post(client, data).status_code == 302
    incident = _only_case().incidents[0]
    assert incident.description == "bags of waste" and incident.address == "1 High Street"


def test_a_partnership_manager_logs_in_another_borough(client, login):
    dartford()
    other = gravesham()
    login(manager_in(None))
    response = post(client, form_data(client, other, postcode="DA11 0AA"))
    assert response.headers["Location"] == f"/cases/{_reference(1, 'GRA')}"


# ---- bad input ---------------------------------------------------------------------------------

FUTURE = (datetime.now(LONDON) + timedelta(days=2)).date()
FUTURE_PARTS = [str(FUTURE.day), str(FUTURE.month), str(FUTURE.year)]

BAD_INPUT = [
    ({"case_type_id": ""}, "case_type_id", "Select the type of problem"),
    ({"case_type_id": "abc"}, "case_type_id", "Select the type of problem"),
    ({"case_type_id": "9" * 30}, "case_type_id", "Select the type of problem"),
    ({"channel": "carrier_pigeon"}, "channel", "Select how the problem was reported"),
    ({"occurred_on": ["", "", ""]}, "occurred_on", "Enter the date it happened"),
    ({"occurred_on": None}, "occurred_on", "Enter the date it happened"),
    ({"occurred_on": ["aa", "bb", "cccc"]}, "occurred_on", "The date it happened must be a real date"),
    ({"occurred_on": ["31", "2", "2026"]}, "occurred_on", "The date it happened must be a real date"),
    ({"occurred_on": ["1", "1", "99999"]}, "occurred_on", "The date it happened must be a real date"),
    ({"occurred_on": ["1", "", "2026"]}, "occurred_on", "The date it happened must include a month"),
    ({"occurred_on": ["1", "1"]}, "occurred_on", "The date it happened must include a year"),
    ({"occurred_on": FUTURE_PARTS}, "occurred_on", "The date it happened must be today or in the past"),
    ({"occurred_on": ["1", "1", "1999"]}, "occurred_on", "The date it happened must be 1 1 2000 or later"),
    ({"occurred_time": "25:00"}, "occurred_time", "Enter a real time, like 14:30"),
    ({"occurred_time": "teatime"}, "occurred_time", "Enter a real time, like 14:30"),
    ({"occurred_time": "14"}, "occurred_time", "Enter a real time, like 14:30"),
    ({"description": "x" * 4001}, "description", "The description must be 4,000 characters or fewer"),
    ({"ward_id": ""}, "ward_id", "Select the ward"),
    ({"ward_id": "999999"}, "ward_id", "Select the ward"),
    ({"ward_id": "1; DROP TABLE wards"}, "ward_id", "Select the ward"),
    ({"address": "x" * 301}, "address", "Address or place must be 300 characters or fewer"),
    ({"postcode": "not a postcode"}, "postcode", "Enter a real postcode, like DA1 1DR"),
    ({"uprn": "12ab"}, "uprn", "The UPRN must be digits only, up to 12"),
    ({"uprn": "1234567890123"}, "uprn", "The UPRN must be 12 digits or fewer"),
    ({"latitude": "51.4463"}, "latitude", "Enter both latitude and longitude, or neither"),
    ({"latitude": "north", "longitude": "0.2"}, "latitude", "Latitude must be a number, like 51.4463"),
    ({"latitude": "nan", "longitude": "0.2"}, "latitude", "Latitude must be a number, like 51.4463"),
    ({"latitude": "40.0", "longitude": "0.2"}, "latitude", "Latitude must be in Great Britain"),
    ({"latitude": "51.4", "longitude": "12"}, "longitude", "Longitude must be in Great Britain"),
    ({"easting": "554203"}, "easting", "Enter both easting and northing, or neither"),
    ({"easting": "1e3", "northing": "5"}, "easting", "Easting must be a number, like 554203"),
    ({"easting": "800000", "northing": "174256"}, "easting", "Easting must be between 0 and 700000"),
    ({"easting": "554203", "northing": "-5"}, "northing", "Northing must be between 0 and 1300000"),
    (
        {"latitude": "51.4463", "longitude": "0.2176", "easting": "500000", "northing": "174256"},
        "easting",
        "The easting and northing are not the same place as the latitude and longitude",
    ),
    (
        {"address": "", "postcode": ""},
        "address",
        "Enter the address or postcode, or the coordinates of the problem",
    ),
    ({"size": None}, "size", "Select the size of the flytip"),
    ({"size": "huge"}, "size", "Select the size of the flytip"),
    ({"land_type": ""}, "land_type", "Select the land type"),
    ({"waste_types": None}, "waste_types", "Select at least one type of waste"),
    ({"waste_types": ["nuclear"]}, "waste_types", "Select at least one type of waste"),
    ({"evidence_found": None}, "evidence_found", "Select yes if any evidence was found"),
    (
        {"evidence_found": "yes", "evidence_description": " "},
        "evidence_description",
        "Describe the evidence that was found",
    ),
    (
        {"clearance_requested_on": FUTURE_PARTS},
        "clearance_requested_on",
        "The clearance request date must be today or in the past",
    ),
    (
        {"clearance_requested_on": ["x", "y", "z"]},
        "clearance_requested_on",
        "The clearance request date must be a real date",
    ),
    ({"email": "not-an-email"}, "email", "Enter an email address like name@example.com"),
    ({"phone": "call me maybe"}, "phone", "Enter a phone number, like 01322 343434 or 07700 900982"),
    ({"first_name": "x" * 101}, "first_name", "First name must be 100 characters or fewer"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "message"), BAD_INPUT, ids=[f"{f}-{i}" for i, (_, f, _) in enumerate(BAD_INPUT)]
)
def test_bad_input_is_explained_and_nothing_is_saved(officer, borough, client, overrides, field, message):
    data = form_data(client, borough, photos=[upload(jpeg(), "kept.jpg")], **overrides)
    response = post(client, data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "<title>Error:" in html
    assert f'<a href="#{field}">{message}' in html, re.findall(r'<a href="#[^"]+">[^<]*', html)
    assert case_count() == 0
    assert evidence_files() == []
    assert "kept.jpg" in html  # the photo is held for the next try, not lost


def test_huge_text_is_refused_before_it_is_read(officer, borough, client):
    response = post(client, form_data(client, borough, description="x" * 2_000_000))
    assert response.status_code == 413
    assert case_count() == 0


def test_the_time_cannot_be_later_today(officer, borough, client):
    now = datetime.now(LONDON)
    if now.hour >= 22:
        pytest.skip("needs a later time on the same day")
    later = f"{now.hour + 1:02d}:59"
    response = post(
        client, form_data(client, borough, occurred_on=date_parts(days_ago=0), occurred_time=later)
    )
    assert '<a href="#occurred_time">The time it happened must be in the past' in response.get_data(
        as_text=True
    )
    assert case_count() == 0


def test_an_officer_cannot_pick_another_borough_s_ward(officer, borough, client):
    other = gravesham()
    response = post(client, form_data(client, borough, ward_id=str(other.wards[0].id)))
    assert '<a href="#ward_id">Select a ward in your borough' in response.get_data(as_text=True)
    assert case_count() == 0


def test_entered_values_are_kept_on_the_page_after_an_error(officer, borough, client):
    data = form_data(
        client,
        borough,
        postcode="nonsense",
        address="Behind the <shops>",
        size="tipper_lorry",
        waste_types=["tyres", "green"],
    )
    html = post(client, data).get_data(as_text=True)
    assert 'value="Behind the &lt;shops&gt;"' in html and 'value="nonsense"' in html
    assert 'value="tipper_lorry" checked' in html
    assert 'value="tyres" checked' in html and 'value="green" checked' in html
    assert f'<option value="{borough.wards[0].id}" selected>' in html


# ---- uploads -----------------------------------------------------------------------------------


def test_a_jpg_that_is_really_text_is_refused(officer, borough, client):
    data = form_data(client, borough, photos=[upload(b"just some text, honest", "photo.jpg")])
    html = post(client, data).get_data(as_text=True)
    assert (
        '<a href="#photos">photo.jpg: The selected file must be a photo (JPEG, PNG or WebP) or a PDF document'
        in html
    )
    assert case_count() == 0 and evidence_files() == [] and pending_folders() == []


def test_an_empty_file_is_refused(officer, borough, client):
    html = post(client, form_data(client, borough, photos=[upload(b"", "empty.jpg")])).get_data(as_text=True)
    assert "empty.jpg: The selected file is empty" in html
    assert case_count() == 0


def test_a_file_over_the_size_limit_is_refused(officer, borough, client, app):
    app.config["EVIDENCE_MAX_BYTES"] = 2000
    big = jpeg(size=(64, 64), noise=True)
    assert len(big) > 2000
    html = post(client, form_data(client, borough, photos=[upload(big, "big.jpg")])).get_data(as_text=True)
    assert "big.jpg: The selected file must be smaller than" in html
    assert case_count() == 0 and evidence_files() == []


def test_a_request_over_the_server_limit_gets_the_too_large_page(officer, borough, client, app):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    big = jpeg(size=(400, 400), noise=True)
    assert len(big) > 50_000
    response = post(client, form_data(client, borough, photos=[upload(big, "huge.jpg")]))
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)
    assert case_count() == 0 and evidence_files() == []


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/cron.d/evil.jpg"])
def test_hostile_file_names_never_reach_the_file_system(officer, borough, client, app, name):
    response = post(client, form_data(client, borough, photos=[upload(jpeg(), name)]))
    assert response.status_code == 302
    evidence = db.session.scalars(select(Evidence)).one()
    assert "/" not in evidence.original_name and "\\" not in evidence.original_name
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", evidence.stored_name)
    assert [path.name for path in evidence_files()] == [evidence.stored_name]


def test_a_hostile_file_name_is_shown_escaped(officer, borough, client):
    name = '<script>alert("x")</script>.jpg'
    html = post(client, form_data(client, borough, photos=[upload(b"not an image", name)])).get_data(
        as_text=True
    )
    assert "&lt;script&gt;alert(" in html
    assert "<script>alert(" not in html
    assert case_count() == 0


def test_held_photos_are_saved_after_the_officer_corrects_the_form(officer, borough, client):
    first = post(client, form_data(client, borough, postcode="bad", photos=[upload(jpeg(), "one.jpg")]))
    token = PENDING_RE.search(first.get_data(as_text=True)).group(1)
    assert [p.name for p in pending_folders()] == [token] and evidence_files() == []
    second = form_data(client, borough, pending=token, keep_pending=["0"], photos=[upload(png(), "two.png")])
    assert post(client, second).status_code == 302
    names = sorted(e.original_name for e in db.session.scalars(select(Evidence)))
    assert names == ["one.jpg", "two.png"]
    assert pending_folders() == [] and len(evidence_files()) == 2


def test_an_unticked_held_photo_is_left_out(officer, borough, client):
    first = post(client, form_data(client, borough, postcode="bad", photos=[upload(jpeg(), "wrong.jpg")]))
    token = PENDING_RE.search(first.get_data(as_text=True)).group(1)
    assert post(client, form_data(client, borough, pending=token)).status_code == 302
    assert db.session.scalars(select(Evidence)).all() == [] and pending_folders() == []


@pytest.mark.parametrize("token", ["../../etc", "0" * 32, "A" * 32, "x" * 5000])
def test_a_forged_pending_token_is_ignored(officer, borough, client, token):
    response = post(client, form_data(client, borough, pending=token, keep_pending=["0"]))
    assert response.status_code == 302
    assert db.session.scalars(select(Evidence)).all() == []


def test_another_user_s_held_photos_cannot_be_taken(borough, client, login, app):
    owner = officer_in(borough)
    login(owner)
    first = post(client, form_data(client, borough, postcode="bad", photos=[upload(jpeg(), "mine.jpg")]))
    token = PENDING_RE.search(first.get_data(as_text=True)).group(1)
    client.post("/sign-out", data={"csrf_token": form_data(client, borough)["csrf_token"]})
    login(officer_in(borough))
    assert post(client, form_data(client, borough, pending=token, keep_pending=["0"])).status_code == 302
    assert db.session.scalars(select(Evidence)).all() == []
    assert [p.name for p in pending_folders()] == [token]  # not theirs to remove either


# ---- repeat reports ----------------------------------------------------------------------------


@pytest.fixture
def existing(officer, borough):
    """An open flytip case reported at the Dartford point, postcode DA1 1DR."""
    return make_case(officer, borough=borough)


def _nearby_report(client, borough, metres_east: int = 40, **overrides) -> dict:
    values = {"postcode": "DA1 2AA", "easting": str(DARTFORD_E + metres_east), "northing": str(DARTFORD_N)}
    values.update(overrides)
    return form_data(client, borough, **values)


def test_open_cases_nearby_are_shown_before_a_case_is_opened(existing, borough, client):
    response = post(
        client,
        _nearby_report(client, borough, photos=[upload(jpeg(), "again.jpg")], address="Outside number 3"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Open cases like this nearby" in html
    assert f"Add this report to {existing.reference}" in html
    assert "This is a new problem \u2013 open a new case" in html
    assert "About 40 metres" in html
    assert 'value="Outside number 3"' in html and "again.jpg" in html
    assert "There is a problem" not in html  # a question, not an error
    assert case_count() == 1 and evidence_files() == [] and len(pending_folders()) == 1


def test_adding_the_report_to_the_existing_case(existing, borough, client):
    first = post(client, _nearby_report(client, borough, photos=[upload(jpeg(), "again.jpg")]))
    token = PENDING_RE.search(first.get_data(as_text=True)).group(1)
    data = _nearby_report(
        client, borough, pending=token, keep_pending=["0"], repeat_checked="1", decision=existing.reference
    )
    response = post(client, data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{existing.reference}"
    assert _flashes(client) == [f"Report added to {existing.reference}"]
    assert case_count() == 1
    db.session.refresh(existing)
    assert len(existing.incidents) == 2
    added = existing.incidents[-1]
    assert added.postcode == "DA1 2AA" and added.easting == DARTFORD_E + 40
    evidence = db.session.scalars(select(Evidence)).one()
    assert evidence.case == existing and evidence.incident == added
    assert pending_folders() == []


def test_opening_a_new_case_instead(existing, borough, client):
    data = _nearby_report(client, borough, repeat_checked="1", decision="new")
    response = post(client, data)
    assert response.headers["Location"] == f"/cases/{_reference(2)}"
    assert case_count() == 2 and len(existing.incidents) == 1


def test_the_officer_must_answer_once_asked(existing, borough, client):
    html = post(client, _nearby_report(client, borough, repeat_checked="1")).get_data(as_text=True)
    assert '<a href="#decision">Select a case to add this report to, or open a new case' in html
    assert case_count() == 1


def test_a_case_that_is_not_a_candidate_cannot_be_chosen(existing, borough, client, officer):
    far = make_case(
        officer,
        borough=borough,
        postcode="DA2 6AA",
        easting=DARTFORD_E + 5000,
        northing=DARTFORD_N,
        latitude=None,
        longitude=None,
    )
    data = _nearby_report(client, borough, repeat_checked="1", decision=far.reference)
    html = post(client, data).get_data(as_text=True)
    assert '<a href="#decision">Select a case to add this report to' in html
    assert len(far.incidents) == 1 and case_count() == 2


def test_a_report_150_metres_away_opens_a_new_case_at_once(existing, borough, client):
    response = post(client, _nearby_report(client, borough, metres_east=150))
    assert response.headers["Location"] == f"/cases/{_reference(2)}"


def test_the_same_postcode_counts_as_nearby(existing, borough, client):
    html = post(client, form_data(client, borough, postcode="DA1 1DR")).get_data(as_text=True)
    assert f"Add this report to {existing.reference}" in html and "Same postcode" in html


def test_another_type_of_problem_is_not_a_repeat(existing, borough, client):
    response = post(client, _nearby_report(client, borough, code="graffiti"))
    assert response.status_code == 302 and case_count() == 2


# ---- never a 500 -------------------------------------------------------------------------------

FIELDS = [
    "case_type_id",
    "channel",
    "occurred_on",
    "occurred_time",
    "description",
    "ward_id",
    "address",
    "postcode",
    "uprn",
    "latitude",
    "longitude",
    "easting",
    "northing",
    "size",
    "land_type",
    "waste_types",
    "evidence_found",
    "evidence_description",
    "clearance_requested_on",
    "first_name",
    "last_name",
    "phone",
    "email",
    "photos",
    "pending",
    "keep_pending",
    "decision",
    "repeat_checked",
]
VALUES = st.one_of(
    st.text(max_size=40),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.lists(st.text(max_size=8), max_size=4),
    st.sampled_from(["", "1", "new", "yes", "DA1 1DR", "51.4463", "554203", "../../etc/passwd", "\x00"]),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.fixed_dictionaries({}, optional={name: VALUES for name in FIELDS}))
def test_any_input_gives_a_page_never_a_500(app, client, login, fuzz_setup, values):
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post("/cases/new", data=values, content_type="multipart/form-data")
    assert response.status_code in (200, 302), response.status_code


@pytest.fixture
def fuzz_setup(app, login):
    borough = dartford()
    gravesham()
    case_type("asb_personal")
    login(officer_in(borough))
