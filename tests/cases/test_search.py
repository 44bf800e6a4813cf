"""Search by reference, postcode, address or person, and the person page: only what the user may see."""

from __future__ import annotations

import re

import pytest

from casework.cases import services
from tests.cases.builders import dartford, gravesham, make_case, manager_in, officer_in
from tests.conftest import sign_in


def client_for(app, user):
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


def case_refs(html: str) -> set[str]:
    return set(re.findall(r'href="/cases/([A-Z]{3}-\d{4}-\d{5})"', html))


def person(actor, case, role: str = "subject", **details):
    return services.add_party(actor, case, role, new=services.PersonInput(**details)).person


@pytest.fixture
def area(app):
    dar, gra = dartford(), gravesham()
    officer, gravesham_officer = officer_in(dar), officer_in(gra)
    return {
        "officer": officer,
        "gravesham_officer": gravesham_officer,
        "partnership": manager_in(None),
        "mill": make_case(officer, address="14 Mill Lane, Dartford", postcode="DA1 1DR"),
        "park": make_case(officer, code="graffiti", address="Central Park gates", postcode="DA1 5HF"),
        "gravesend": make_case(
            gravesham_officer, borough=gra, address="2 Mill Lane, Gravesend", postcode="DA11 0AA"
        ),
    }


def search(client, q: str):
    return client.get("/search", query_string={"q": q})


def test_search_page_without_a_query_shows_the_form(area, app):
    page = client_for(app, area["officer"]).get("/search").get_data(as_text=True)
    assert 'name="q"' in page and "No cases found" not in page


def test_search_by_partial_reference(area, app):
    client = client_for(app, area["officer"])
    number = area["park"].reference.split("-")[-1]  # "00002"
    page = search(client, number).get_data(as_text=True)
    assert case_refs(page) == {area["park"].reference}
    assert case_refs(search(client, "dar-2").get_data(as_text=True)) == {
        area["mill"].reference,
        area["park"].reference,
    }


def test_an_exact_reference_goes_to_the_case_or_lists_it(area, app):
    client = client_for(app, area["officer"])
    response = search(client, area["mill"].reference.lower())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{area['mill'].reference}"
    prefix, year, number = area["mill"].reference.split("-")
    response = search(client, f"{prefix.lower()}-{year}-{int(number)}")  # "dar-2026-1"
    assert response.headers["Location"] == f"/cases/{area['mill'].reference}"
    # Another borough's reference is not found, exact or not.
    response = search(client, area["gravesend"].reference)
    assert response.status_code == 200
    assert case_refs(response.get_data(as_text=True)) == set()


def test_search_by_postcode_is_normalised(area, app):
    client = client_for(app, area["officer"])
    for q in ("da11dr", "DA1 1DR", " da1  1dr "):
        assert case_refs(search(client, q).get_data(as_text=True)) == {area["mill"].reference}, q
    # Outward code alone: every case in that district, in scope.
    assert case_refs(search(client, "DA1").get_data(as_text=True)) == {
        area["mill"].reference,
        area["park"].reference,
    }


def test_search_by_address_ignores_case_and_scope_applies(area, app):
    page = search(client_for(app, area["officer"]), "mill LANE").get_data(as_text=True)
    assert case_refs(page) == {area["mill"].reference}
    page = search(client_for(app, area["partnership"]), "mill lane").get_data(as_text=True)
    assert case_refs(page) == {area["mill"].reference, area["gravesend"].reference}


def test_search_wildcards_are_taken_literally(area, app):
    client = client_for(app, area["officer"])
    assert case_refs(search(client, "%").get_data(as_text=True)) == set()
    assert case_refs(search(client, "_").get_data(as_text=True)) == set()


def test_search_by_person_finds_people_and_their_cases(area, app):
    officer = area["officer"]
    jo = person(
        officer,
        area["park"],
        first_name="Joanna",
        last_name="Smith",
        phone="07700 900123",
        email="jo@example.org",
    )
    client = client_for(app, officer)
    for q in ("smith", "Jo Smith", "smith joanna", "07700900123", "900123", "JO@example.org"):
        page = search(client, q).get_data(as_text=True)
        assert f'href="/people/{jo.id}"' in page, q
        assert area["park"].reference in case_refs(page), q
    page = search(client, "Jones").get_data(as_text=True)
    assert "No people found" in page


def test_people_only_on_other_boroughs_cases_are_not_found(area, app):
    hidden = person(area["gravesham_officer"], area["gravesend"], first_name="Hidden", last_name="Person")
    page = search(client_for(app, area["officer"]), "Hidden").get_data(as_text=True)
    assert f"/people/{hidden.id}" not in page and "No people found" in page
    assert f"/people/{hidden.id}" in search(client_for(app, area["partnership"]), "Hidden").get_data(
        as_text=True
    )


def test_person_page_shows_only_the_cases_the_user_may_see(area, app):
    officer = area["officer"]
    sam = person(
        officer, area["mill"], role="complainant", first_name="Sam", last_name="Patel", phone="01322 000000"
    )
    services.add_party(officer, area["park"], "witness", person=sam)
    services.add_party(area["gravesham_officer"], area["gravesend"], "subject", person=sam)
    page = client_for(app, officer).get(f"/people/{sam.id}").get_data(as_text=True)
    assert "Sam Patel" in page and "01322 000000" in page
    assert case_refs(page) == {area["mill"].reference, area["park"].reference}
    assert "Complainant or victim" in page and "Witness" in page
    assert "Subject or suspect" not in page  # their part on the Gravesham case
    partnership_page = client_for(app, area["partnership"]).get(f"/people/{sam.id}").get_data(as_text=True)
    assert case_refs(partnership_page) == {
        area["mill"].reference,
        area["park"].reference,
        area["gravesend"].reference,
    }


def test_person_page_is_404_for_someone_on_no_visible_case(area, app):
    hidden = person(area["gravesham_officer"], area["gravesend"], first_name="Hidden")
    client = client_for(app, area["officer"])
    assert client.get(f"/people/{hidden.id}").status_code == 404
    assert client.get("/people/999999").status_code == 404


def test_overlong_search_gives_a_clear_error(area, app):
    response = search(client_for(app, area["officer"]), "x" * 500)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "100 characters or fewer" in page
