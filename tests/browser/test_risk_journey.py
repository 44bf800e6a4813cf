"""In a real browser (the demo on a live server): an officer takes an ASB case from a victim risk
assessment to enforcement. The questionnaire, its error summary and the explanation pass axe-core."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from casework.auth.models import User
from casework.cases import services as case_services
from casework.cases.models import CaseType
from casework.deadlines.policies import seed_default_policies
from casework.extensions import db
from casework.places.models import Ward
from casework.risk import questionnaire as matrix
from tests.browser.helpers import BLOCKING_IMPACTS, DESKTOP, describe, run_axe, sign_in
from tests.partners.builders import VICTIM
from tests.risk.builders import HIGH

OFFICER = "officer.dartford@demo.test"


def _asb_case_under_investigation(app) -> str:
    """A new Dartford ASB case, with its victim, taken to investigation by the demo officer."""
    with app.app_context():
        seed_default_policies()  # the migration's service levels (the test database starts empty)
        officer = db.session.scalar(select(User).where(User.email == OFFICER))
        asb = db.session.scalar(select(CaseType).where(CaseType.code == "asb_personal"))
        ward = db.session.scalar(select(Ward).where(Ward.borough_id == officer.borough_id).order_by(Ward.id))
        case = case_services.log_incident(
            officer,
            asb.id,
            case_services.IncidentInput(
                channel="phone", ward_id=ward.id, address="4 Orchard Way", description="Threats and abuse"
            ),
        )
        case_services.fire(officer, case, "triage", case.version)
        case_services.assign(officer, case, officer, case.version)
        case_services.fire(officer, case, "investigate", case.version)
        case_services.add_party(officer, case, "complainant", new=VICTIM)
        reference = case.reference
        db.session.remove()
    return reference


def _no_blocking_violations(page) -> None:
    violations = [v for v in run_axe(page)["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not violations, describe(violations)


def test_an_officer_assesses_a_victim_then_takes_enforcement_action(
    live_server,
    open_page,
    axe_source,
    screenshot,
):
    reference = _asb_case_under_investigation(live_server.app)
    tab = open_page(viewport=DESKTOP)
    page = tab.page
    page.add_init_script(script=axe_source)
    sign_in(page, OFFICER, live_server.demo_password)
    page.goto(f"/cases/{reference}")
    section = page.locator("section#risk")
    expect(section.get_by_role("heading", name="Victim risk")).to_be_visible()
    expect(section).to_contain_text("Not assessed")
    section.get_by_role("link", name=re.compile("^Assess risk")).click()

    expect(page.get_by_role("heading", name="Assess the victim's risk")).to_be_visible()
    questions = {q.code: q for q in matrix.current().questions}
    # Leave one question out: the error summary names it, and what was answered is kept.
    for code, answer in HIGH.items():
        if code == "m_fear":
            continue
        group = page.get_by_role("group", name=questions[code].text)
        group.get_by_label(questions[code].option(answer).label, exact=True).check()
    page.get_by_label("Your professional judgement").fill("Threats through the letterbox most nights.")
    page.get_by_role("button", name="Save the assessment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Answer the question: Does the victim fear for their safety at home?")
    _no_blocking_violations(page)
    expect(
        page.get_by_role("group", name=questions["s_near"].text).get_by_label("Yes", exact=True)
    ).to_be_checked()

    page.get_by_role("group", name=questions["m_fear"].text).get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save the assessment").click()
    expect(page.get_by_role("heading", name="Victim risk assessment")).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Risk assessed: high")
    expect(page.get_by_text("Total 38 is in this band")).to_be_visible()
    _no_blocking_violations(page)
    screenshot(page, "risk-explanation")

    page.get_by_role("link", name=f"Back to case {reference}").click()
    section = page.locator("section#risk")
    expect(section).to_contain_text("High risk")
    expect(section.get_by_role("button", name=re.compile("Record first contact"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("Referred to Community Safety Multi-Agency Panel")
    _no_blocking_violations(page)
    screenshot(page, "risk-case-page")

    page.get_by_role("button", name="Take enforcement action").click()
    expect(page.locator("main")).to_contain_text(
        "Take enforcement action: Under investigation to Enforcement action"
    )
    # The refused form answers 400 on purpose (the browser logs that); nothing else may go wrong.
    expected = f"status of 400 (BAD REQUEST) ({live_server.url}/cases/{reference}/risk/new)"
    tab.problems.console_errors = [e for e in tab.problems.console_errors if expected not in e]
    tab.problems.assert_none(page)
