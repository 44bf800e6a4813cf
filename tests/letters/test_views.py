"""Letters on the case: produced with a button (CSRF), shown ready to print, the PDF opens; scoped."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from casework.auth.roles import Role
from casework.extensions import db
from casework.letters.models import Letter
from tests.builders import make_user
from tests.cases.builders import dartford, gravesham, manager_in, officer_in
from tests.conftest import CSRF_RE
from tests.letters.builders import action, asb_case, subject
from tests.letters.pdf_text import pdf_text


@pytest.fixture
def officer(app):
    return officer_in(dartford(), email="olu@example.test")


@pytest.fixture
def cpw(officer):
    case = asb_case(officer)
    return action(case, "cpw", subject(officer, case), officer)


def _token(client, path: str) -> str:
    match = CSRF_RE.search(client.get(path).get_data(as_text=True))
    assert match
    return match.group(1)


def _produce(client, cpw, code: str = "cpw", token: str | None = None):
    reference = cpw.case.reference
    token = token or _token(client, f"/cases/{reference}")
    return client.post(f"/cases/{reference}/actions/{cpw.id}/letters/{code}", data={"csrf_token": token})


def test_an_officer_produces_a_cpw_letter_and_sees_it_ready_to_print(login, officer, cpw):
    client = login(officer)
    response = _produce(client, cpw)
    assert response.status_code == 302
    letter = db.session.query(Letter).one()
    assert response.headers["Location"].endswith(f"/cases/{cpw.case.reference}/letters/{letter.id}")

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Community Protection Warning produced and saved to the case" in page
    assert "Jordan Smith" in page and "16 November 2026" in page and "Print this letter" in page
    assert "letter.css" in page
    assert f"by {officer.name}" in page

    pdf = client.get(f"/cases/{cpw.case.reference}/letters/{letter.id}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Jordan Smith" in pdf_text(pdf.get_data())
    download = client.get(f"/cases/{cpw.case.reference}/letters/{letter.id}/pdf?download=1")
    assert "attachment" in download.headers["Content-Disposition"]

    case_page = client.get(f"/cases/{cpw.case.reference}").get_data(as_text=True)
    assert "Community Protection Warning" in case_page  # in the evidence list


def test_the_letter_stylesheet_prints_the_letter_alone(client):
    response = client.get("/letters/letter.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert "@media print" in response.get_data(as_text=True)


def test_missing_data_is_explained_on_the_case_page(login, officer, cpw):
    cpw.compliance_date = None
    db.session.commit()
    client = login(officer)
    response = _produce(client, cpw)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "record the compliance date on the action" in page
    assert db.session.query(Letter).count() == 0


def test_without_csrf_nothing_is_produced(login, officer, cpw):
    client = login(officer)
    response = _produce(client, cpw, token="forged")
    assert response.status_code == 400
    assert db.session.query(Letter).count() == 0


def test_a_letter_the_action_cannot_produce_is_refused_clearly(login, officer, cpw):
    client = login(officer)
    response = _produce(client, cpw, code="fpn")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot produce that letter" in page


def test_another_borough_gets_404_for_letters_and_pdfs(login, client, officer, cpw):
    login(officer)
    _produce(client, cpw)
    letter = db.session.query(Letter).one()
    reference = cpw.case.reference
    client.post("/sign-out", data={"csrf_token": _token(client, "/home")})
    other = officer_in(gravesham(), email="gra@example.test")
    login(other)
    assert client.get(f"/cases/{reference}/letters/{letter.id}").status_code == 404
    assert client.get(f"/cases/{reference}/letters/{letter.id}/pdf").status_code == 404
    token = _token(client, "/home")
    assert _produce(client, cpw, token=token).status_code == 404


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PARTNER])
def test_admins_and_partners_cannot_see_letters(login, client, officer, cpw, role):
    login(officer)
    _produce(client, cpw)
    letter = db.session.query(Letter).one()
    client.post("/sign-out", data={"csrf_token": _token(client, "/home")})
    login(make_user(role))
    assert client.get(f"/cases/{cpw.case.reference}/letters/{letter.id}").status_code == 403


def test_a_letter_of_another_case_is_404(login, officer, cpw):
    client = login(officer)
    _produce(client, cpw)
    letter = db.session.query(Letter).one()
    other_case = asb_case(officer)
    assert client.get(f"/cases/{other_case.reference}/letters/{letter.id}").status_code == 404


def _partial(case, action_row) -> str:
    return render_template_string(
        '{% include "letters/_action_letters.html" ignore missing %}', case=case, action=action_row
    )


def test_the_action_partial_offers_the_letter_and_lists_those_produced(app, login, client, officer, cpw):
    login(officer)
    with app.test_request_context():
        from flask_login import login_user

        login_user(officer)
        html = _partial(cpw.case, cpw)
        assert "Produce CPW letter" in html and 'name="csrf_token"' in html
        assert "Letters produced" not in html
    _produce(client, cpw)
    with app.test_request_context():
        from flask_login import login_user

        login_user(officer)
        html = _partial(cpw.case, cpw)
        assert "Letters produced" in html and "Produce CPW letter again" in html
        assert re.search(r"/letters/\d+/pdf", html)


def test_the_action_partial_shows_nothing_to_other_boroughs(app, cpw):
    with app.test_request_context():
        from flask_login import login_user

        login_user(manager_in(gravesham()))
        assert _partial(cpw.case, cpw).strip() == ""
