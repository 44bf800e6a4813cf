"""People and notes through the case page: adding, finding and linking people; notes and restricted notes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casework.cases import services
from casework.cases.party_models import CaseParty, Person
from casework.cases.record_models import Note
from casework.extensions import db
from tests.cases.builders import dartford, gravesham, make_case, officer_in
from tests.cases.case_page_helpers import as_user, case_url, post, reload


@pytest.fixture
def officer_and_case(app, client):
    officer = officer_in(dartford())
    case = make_case(officer, code="asb_personal")
    as_user(client, officer)
    return officer, case


def _add_person(client, case, **fields):
    return post(client, case_url(case, "/parties"), fields, case_url(case, "/parties"))


def _known(officer, case, **person) -> Person:
    services.add_party(officer, case, "subject", new=services.PersonInput(**person))
    return reload(case).parties[-1].person


# ---- a new person -------------------------------------------------------------------------------


def test_add_a_new_person_with_contact_details_and_vulnerabilities(app, client, officer_and_case):
    _, case = officer_and_case
    response = _add_person(
        client,
        case,
        role="complainant",
        first_name="Mary",
        last_name="Seacole",
        phone="07700 900123",
        email="mary@example.org",
        address="2 Spital Street, Dartford",
        postcode="da1 2dr",
        date_of_birth=["5", "11", "1950"],
        vulnerabilities=["age", "repeat_victim"],
        vulnerability_notes="Hard of hearing: phone, do not knock",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#parties")
    party = reload(case).parties[0]
    person = party.person
    assert party.role == "complainant"
    assert (person.full_name, person.postcode, person.date_of_birth) == (
        "Mary Seacole",
        "DA1 2DR",
        date(1950, 11, 5),
    )
    assert person.vulnerabilities == ["age", "repeat_victim"]
    page = client.get(case_url(case)).get_data(as_text=True)
    for shown in (
        "Mary Seacole",
        "Complainant or victim",
        "07700 900123",
        "mary@example.org",
        "DA1 2DR",
        "5 November 1950",
    ):
        assert shown in page
    assert "Elderly or a child, Repeat victim. Hard of hearing: phone, do not knock" in page
    assert reload(case).events[0].kind == "party_added"


def test_person_form_errors_are_clear_and_nothing_is_saved(app, client, officer_and_case):
    _, case = officer_and_case
    tomorrow = date.today() + timedelta(days=1)
    attempts = [
        ({"first_name": "Ann"}, "Select the person&#39;s part in the case"),
        ({"role": "witness"}, "Enter the person&#39;s name or contact details"),
        ({"role": "witness", "first_name": "Ann", "postcode": "NOT A CODE"}, "Enter a real postcode"),
        (
            {"role": "witness", "first_name": "Ann", "email": "ann-at-home"},
            "Enter an email address in the correct format",
        ),
        (
            {"role": "witness", "first_name": "Ann", "date_of_birth": ["31", "2", "1990"]},
            "Enter the date of birth as a real date",
        ),
        (
            {
                "role": "witness",
                "first_name": "Ann",
                "date_of_birth": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
            },
            "The date of birth must be in the past",
        ),
        ({"role": "mastermind", "first_name": "Ann"}, "Select the person&#39;s part in the case"),
    ]
    for data, message in attempts:
        response = _add_person(client, case, address="Kept Road", **data)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, data
        assert message in html and "There is a problem" in html, data
        assert 'value="Kept Road"' in html, data  # what was typed stays on the page
    assert db.session.query(Person).count() == 0 and db.session.query(CaseParty).count() == 0


# ---- finding and linking someone known -----------------------------------------------------------


def test_search_finds_people_on_visible_cases_by_name_phone_or_email(app, client, officer_and_case):
    officer, case = officer_and_case
    other = make_case(officer, code="asb_nuisance")
    known = _known(
        officer, other, first_name="Victor", last_name="Meldrew", phone="01322 123456", email="vm@example.org"
    )
    for query in ("meldrew", "Victor Meld", "01322123456", "VM@EXAMPLE"):
        page = client.get(case_url(case, "/parties"), query_string={"q": query}).get_data(as_text=True)
        assert "Victor Meldrew" in page, query
        assert f"person_id={known.id}" in page, query
    page = client.get(case_url(case, "/parties"), query_string={"q": "Nobody Atall"}).get_data(as_text=True)
    assert "No one on the cases you can see matches" in page


def test_people_on_other_boroughs_cases_are_not_found_or_linkable(app, client, officer_and_case):
    _, case = officer_and_case
    elsewhere = make_case(borough=gravesham(), code="asb_nuisance", postcode="DA11 0AA")
    hidden = _known(officer_in(gravesham()), elsewhere, first_name="Hidden", last_name="Person")
    page = client.get(case_url(case, "/parties"), query_string={"q": "Hidden"}).get_data(as_text=True)
    assert "Hidden Person" not in page
    page = client.get(case_url(case, "/parties"), query_string={"person_id": hidden.id}).get_data(
        as_text=True
    )
    assert "Hidden Person" not in page
    response = post(
        client, case_url(case, "/parties/link"), {"person_id": hidden.id, "role": "witness"}, case_url(case)
    )
    assert response.status_code == 404
    assert reload(case).parties == []


def test_link_a_known_person_so_their_cases_are_joined(app, client, officer_and_case):
    officer, case = officer_and_case
    other = make_case(officer, code="asb_nuisance")
    known = _known(officer, other, first_name="Victor", last_name="Meldrew")
    page = client.get(case_url(case, "/parties"), query_string={"q": "Meldrew", "person_id": known.id})
    assert f'name="person_id" type="hidden" value="{known.id}"' in page.get_data(as_text=True)
    missing_role = post(client, case_url(case, "/parties/link"), {"person_id": known.id}, case_url(case))
    html = missing_role.get_data(as_text=True)
    assert "Select the person&#39;s part in the case" in html and 'href="#link-role"' in html
    response = post(
        client, case_url(case, "/parties/link"), {"person_id": known.id, "role": "witness"}, case_url(case)
    )
    assert response.status_code == 302
    assert [p.person_id for p in reload(case).parties] == [known.id]
    assert db.session.query(Person).count() == 1
    again = post(
        client, case_url(case, "/parties/link"), {"person_id": known.id, "role": "witness"}, case_url(case)
    )
    assert "Victor Meldrew is already on this case as witness" in again.get_data(as_text=True)
    assert len(reload(case).parties) == 1


# ---- notes --------------------------------------------------------------------------------------


def test_add_notes_and_restricted_notes(app, client, officer_and_case):
    officer, case = officer_and_case
    response = post(client, case_url(case, "/notes"), {"body": "Visited: nobody in"}, case_url(case))
    assert response.status_code == 302 and response.headers["Location"].endswith("#timeline")
    post(
        client,
        case_url(case, "/notes"),
        {"body": "Informant's name: <b>Bob</b>", "restricted": "y"},
        case_url(case),
    )
    notes = {note.body: note for note in db.session.query(Note)}
    assert not notes["Visited: nobody in"].restricted and notes["Informant's name: <b>Bob</b>"].restricted
    assert all(note.author_id == officer.id for note in notes.values())
    page = client.get(case_url(case)).get_data(as_text=True)
    assert "Informant&#39;s name: &lt;b&gt;Bob&lt;/b&gt;" in page
    assert "Restricted note" in page and "govuk-tag--red" in page
    assert [e.summary for e in reload(case).events][:2] == ["Restricted note added", "Note added"]


def test_empty_or_huge_note_is_refused_and_what_was_typed_is_kept(app, client, officer_and_case):
    _, case = officer_and_case
    response = post(client, case_url(case, "/notes"), {"body": "   "}, case_url(case))
    assert response.status_code == 200 and "Enter the note" in response.get_data(as_text=True)
    huge = "word " * 2001
    response = post(client, case_url(case, "/notes"), {"body": huge, "restricted": "y"}, case_url(case))
    html = response.get_data(as_text=True)
    assert "The note must be 10,000 characters or fewer" in html and 'href="#body"' in html
    assert huge.strip()[:100] in html
    assert db.session.query(Note).count() == 0
