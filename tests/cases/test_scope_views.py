"""Scope (issue 3, item 10): officers see their borough, partnership managers all, others none."""

from __future__ import annotations

import csv
import io
import re

import pytest

from casework.auth.roles import Role
from casework.cases import services
from tests.builders import make_user
from tests.cases.builders import dartford, gravesham, make_case, manager_in, officer_in
from tests.conftest import csrf_token, sign_in

CASE_PAGES = ("/cases", "/cases/mine", "/cases/export.csv", "/search?q=Lane", "/search")


def client_for(app, user):
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


def refs(html: str) -> set[str]:
    return set(re.findall(r"[A-Z]{3}-\d{4}-\d{5}", html))


def csv_refs(response) -> set[str]:
    return {row["Reference"] for row in csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")))}


@pytest.fixture
def two_boroughs(app):
    dar, gra = dartford(), gravesham()
    dar_officer, gra_officer = officer_in(dar), officer_in(gra)
    partnership = manager_in(None)
    dar_case = make_case(dar_officer, address="1 Lowfield Lane")
    gra_case = make_case(gra_officer, borough=gra, address="9 Wrotham Lane", postcode="DA11 0AA")
    services.assign(partnership, dar_case, dar_officer, None)
    services.assign(partnership, gra_case, gra_officer, None)
    person = services.add_party(
        gra_officer, gra_case, "subject", new=services.PersonInput(first_name="Lane")
    ).person
    return {
        "dar_officer": dar_officer,
        "gra_officer": gra_officer,
        "partnership": partnership,
        "dar_case": dar_case,
        "gra_case": gra_case,
        "gra_person": person,
    }


def test_a_dartford_officer_sees_only_dartford_cases(two_boroughs, app):
    t = two_boroughs
    client = client_for(app, t["dar_officer"])
    dar_ref, gra_ref = t["dar_case"].reference, t["gra_case"].reference
    for url in ("/cases", "/cases/mine", "/search?q=Lane", "/cases?status=all", "/home"):
        page = client.get(url).get_data(as_text=True)
        assert dar_ref in page, url
        assert gra_ref not in page, url
    assert csv_refs(client.get("/cases/export.csv")) == {dar_ref}
    assert csv_refs(client.get("/cases/export.csv?borough=GRA&status=all")) == {dar_ref}
    assert client.get(f"/people/{t['gra_person'].id}").status_code == 404


def test_a_gravesham_officers_direct_url_to_a_dartford_case_is_404(two_boroughs, app):
    client = client_for(app, two_boroughs["gra_officer"])
    assert client.get(f"/cases/{two_boroughs['dar_case'].reference}").status_code == 404
    assert client.get(f"/cases/{two_boroughs['gra_case'].reference}").status_code == 200


def test_a_gravesham_officer_cannot_search_for_a_dartford_reference(two_boroughs, app):
    client = client_for(app, two_boroughs["gra_officer"])
    response = client.get("/search", query_string={"q": two_boroughs["dar_case"].reference})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'href="/cases/{two_boroughs["dar_case"].reference}"' not in page
    assert "No cases found" in page


def test_a_partnership_manager_sees_both_boroughs(two_boroughs, app):
    t = two_boroughs
    client = client_for(app, t["partnership"])
    both = {t["dar_case"].reference, t["gra_case"].reference}
    for url in ("/cases", "/search?q=Lane"):
        assert both <= refs(client.get(url).get_data(as_text=True)), url
    assert csv_refs(client.get("/cases/export.csv")) == both
    page = client.get("/cases").get_data(as_text=True)
    assert '<select class="govuk-select govuk-!-width-full" id="borough" name="borough"' in page
    assert client.get(f"/people/{t['gra_person'].id}").status_code == 200


def test_a_borough_manager_sees_only_their_borough(two_boroughs, app):
    manager = manager_in(dartford())
    client = client_for(app, manager)
    page = client.get("/cases").get_data(as_text=True)
    assert two_boroughs["dar_case"].reference in page
    assert two_boroughs["gra_case"].reference not in page
    assert 'id="borough"' not in page  # nothing to choose between


@pytest.mark.parametrize("role", [Role.PARTNER, Role.ADMIN])
def test_partners_and_admins_are_refused_the_case_lists(two_boroughs, app, role):
    client = client_for(app, make_user(role))
    for url in (*CASE_PAGES, f"/people/{two_boroughs['gra_person'].id}"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert two_boroughs["dar_case"].reference not in response.get_data(as_text=True), url
    token = csrf_token(client, "/home")
    data = {"csrf_token": token, "case_ids": [str(two_boroughs["dar_case"].id)], "officer": "1"}
    assert client.post("/cases/assign", data=data).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(app):
    client = app.test_client()
    for url in CASE_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), url
