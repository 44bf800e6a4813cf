"""The pages: the case page section, the questionnaire, the explanation; scope and bad input."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from casework.auth.roles import Role
from casework.extensions import db
from casework.risk.models import RiskAssessment
from tests.builders import make_user
from tests.cases.builders import dartford, gravesham, make_case, manager_in, officer_in
from tests.conftest import csrf_token, sign_in
from tests.risk.builders import HIGH, LOW, asb_case, assess


def form_data(client, case, answers, **extra) -> dict[str, str]:
    victim = case.parties[0].person
    return {
        "csrf_token": csrf_token(client, f"/cases/{case.reference}/risk/new"),
        "person_id": str(victim.id),
        "judgement": "Victim spoke to me at home; she is frightened to go out.",
        "level": "scored",
        **answers,
        **extra,
    }


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_case_page_shows_the_risk_section_on_asb_cases_only(app, client, login):
    case, officer, _ = asb_case()
    login(officer)
    page = text(client.get(f"/cases/{case.reference}"))
    assert 'id="risk-heading">Victim risk</h2>' in page and "Not assessed" in page
    assert f'href="/cases/{case.reference}/risk/new"' in page and "Assess risk" in page
    flytip = make_case(officer, code="flytipping", borough=officer.borough)
    assert 'id="risk-heading"' not in text(client.get(f"/cases/{flytip.reference}"))


def test_an_officer_assesses_and_reads_how_the_level_was_reached(app, client, login):
    case, officer, _ = asb_case()
    login(officer)
    form = text(client.get(f"/cases/{case.reference}/risk/new"))
    assert (
        "Personal vulnerability" in form and "Repeat victimisation" in form and "Impact on the victim" in form
    )
    assert "Does the victim live alone?" in form
    answers = {**HIGH, "p_age": "not_known"}  # scores 0, like "No"
    response = client.post(f"/cases/{case.reference}/risk/new", data=form_data(client, case, answers))
    assert response.status_code == 302
    assessment = db.session.scalar(select(RiskAssessment))
    assert response.location.endswith(f"/cases/{case.reference}/risk/{assessment.id}")
    page = text(client.get(response.location))
    assert "High risk" in page and "38 of 67" in page
    assert "Total 38 is in this band" in page and "30 or more" in page and "15 to 29" in page
    assert "Personal vulnerability: 7 points" in page and "Impact on the victim: 13 points" in page
    assert "frightened to go out" in page and "1 answer was not known and scored nothing" in page
    assert "What the assessment set off" in page and "Clock started: First contact with the victim" in page
    case_page = text(client.get(f"/cases/{case.reference}"))
    assert "High risk</strong>" in case_page and "Reassess risk" in case_page
    assert "Record first contact" in case_page and "Reassess by" in case_page


def test_missing_answers_show_an_error_summary_and_keep_what_was_given(app, client, login):
    case, officer, _ = asb_case()
    login(officer)
    answers = {k: v for k, v in LOW.items() if k not in ("m_fear", "p_age")}
    answers["s_alone"] = "yes"
    response = client.post(f"/cases/{case.reference}/risk/new", data=form_data(client, case, answers))
    assert response.status_code == 400
    page = text(response)
    assert "govuk-error-summary" in page
    assert "Answer the question: Does the victim fear for their safety at home?" in page
    assert "Answer the question: Is the victim under 18 or aged 65 or over?" in page
    assert re.search(r'name="s_alone" type="radio" value="yes" checked', page) or re.search(
        r'value="yes"[^>]*checked[^>]*name="s_alone"|name="s_alone"[^>]*value="yes"[^>]*checked', page
    )
    assert "frightened to go out" in page
    assert db.session.scalar(select(func.count()).select_from(RiskAssessment)) == 0


def test_a_different_level_without_a_reason_is_refused_on_the_page(app, client, login):
    case, officer, _ = asb_case()
    login(officer)
    data = form_data(client, case, LOW, level="high")
    response = client.post(f"/cases/{case.reference}/risk/new", data=data)
    assert response.status_code == 400
    assert "Enter the reason for raising the level from standard" in text(response)
    data = form_data(client, case, LOW, level="nonsense", person_id="abc", i_violence="lots")
    page = text(client.post(f"/cases/{case.reference}/risk/new", data=data))
    assert "Select the risk level" in page and "Does the victim" in page
    assert db.session.scalar(select(func.count()).select_from(RiskAssessment)) == 0


def test_scope_out_of_borough_is_404_partners_and_admins_403(app, client):
    case, officer, _ = asb_case()
    assessment = assess(officer, case, LOW)
    paths = [f"/cases/{case.reference}/risk/new", f"/cases/{case.reference}/risk/{assessment.id}"]
    assert client.get(paths[0]).status_code == 302  # signed out: to sign in

    def codes(user) -> list[int]:
        browser = app.test_client()
        assert sign_in(browser, user.email).status_code == 302
        return [browser.get(path).status_code for path in paths]

    assert codes(officer_in(gravesham())) == [404, 404]
    assert codes(make_user(Role.PARTNER)) == [403, 403]
    assert codes(make_user(Role.ADMIN)) == [403, 403]
    assert codes(manager_in(None)) == [200, 200]  # a partnership manager sees every borough


def test_another_cases_assessment_and_non_asb_cases_are_404(app, client, login):
    case, officer, _ = asb_case()
    other, _, _ = asb_case()
    assessment = assess(officer, other, LOW)
    login(officer)
    assert client.get(f"/cases/{case.reference}/risk/{assessment.id}").status_code == 404
    flytip = make_case(officer, code="flytipping", borough=dartford())
    assert client.get(f"/cases/{flytip.reference}/risk/new").status_code == 404


def test_a_case_without_a_victim_asks_for_one(app, client, login):
    case, officer, _ = asb_case(victim=False)
    login(officer)
    page = text(client.get(f"/cases/{case.reference}/risk/new"))
    assert "Add the victim to the case first" in page and 'name="judgement"' not in page


def test_first_contact_is_recorded_from_the_case_page(app, client, login):
    case, officer, _ = asb_case()
    assess(officer, case, HIGH)
    login(officer)
    token = csrf_token(client, f"/cases/{case.reference}")
    response = client.post(f"/cases/{case.reference}/risk/first-contact", data={"csrf_token": token})
    assert response.status_code == 302
    page = text(client.get(f"/cases/{case.reference}"))
    assert "First contact with the victim recorded." in page and "Record first contact" not in page
