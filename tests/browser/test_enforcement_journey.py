"""The enforcement journey in a real browser (issue 5): an officer assesses the victim's risk on an ASB
case, records a Community Protection Warning and produces its letter; the compliance date passes and
the deadline sweep's reminder reaches the officer; the officer records the breach, escalates to a
Community Protection Notice with its letter, then issues a fixed penalty notice whose PDF opens.

The case is set up through the real services (logging a case in the browser is the case journey's
part); every step after that is done on the screen, as the officer would.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from casework.auth.models import User
from casework.cases import services as case_services
from casework.cases.models import Case, CaseType
from casework.db_types import utcnow
from casework.enforcement.models import EnforcementAction
from casework.enforcement.services import open_clock
from casework.extensions import db
from casework.formatting import LONDON, date_uk
from casework.letters.models import Letter
from casework.notifications.models import OutboxMessage
from casework.places.models import Borough
from tests.browser.helpers import BLOCKING_IMPACTS, DESKTOP, PHONE, describe, run_axe, sign_in

OFFICER = "officer.dartford@demo.test"
VICTIM = ("Amira", "Hassan")
SUBJECT = ("Jordan", "Fletcher")
SUBJECT_ADDRESS = "5 Priory Hill, Dartford"
SUBJECT_POSTCODE = "DA1 2EN"
MUSIC = "Stop playing amplified music that can be heard outside 5 Priory Hill between 11pm and 7am."


def _today() -> date:
    return datetime.now(LONDON).date()


def _asb_case(app) -> str:
    """An ASB nuisance case in Dartford, assigned to the demo officer, with a victim and a subject."""
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == OFFICER))
        kind = db.session.scalar(select(CaseType).where(CaseType.code == "asb_nuisance"))
        borough = db.session.scalar(select(Borough).where(Borough.code == "DAR"))
        case = case_services.log_incident(
            officer,
            kind.id,
            case_services.IncidentInput(
                channel="phone",
                ward_id=borough.wards[0].id,
                address="Priory Hill, Dartford",
                postcode=SUBJECT_POSTCODE,
                description="Loud music from 5 Priory Hill most nights until 3am",
            ),
        )
        case_services.add_party(
            officer,
            case,
            "complainant",
            new=case_services.PersonInput(first_name=VICTIM[0], last_name=VICTIM[1]),
        )
        case_services.add_party(
            officer,
            case,
            "subject",
            new=case_services.PersonInput(
                first_name=SUBJECT[0],
                last_name=SUBJECT[1],
                address=SUBJECT_ADDRESS,
                postcode=SUBJECT_POSTCODE,
            ),
        )
        case_services.assign(officer, case, officer, case.version)
        reference = case.reference
        db.session.remove()
    return reference


def _fill_date(page: Page, name: str, value: date) -> None:
    page.locator(f"#{name}-day").fill(str(value.day))
    page.locator(f"#{name}-month").fill(str(value.month))
    page.locator(f"#{name}-year").fill(str(value.year))


def _banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def _assess_risk(page: Page, reference: str) -> None:
    """Answer the victim questionnaire with the first answer of each question and keep the scored level."""
    page.goto(f"/cases/{reference}/risk/new")
    expect(page.get_by_role("heading", level=1)).to_contain_text("risk")
    for group in page.locator("form .govuk-radios").all():
        group.locator("input[type=radio]").first.check()
    page.get_by_label("Your professional judgement").fill(
        "Disturbed sleep most nights; no other harm reported."
    )
    page.get_by_role("button", name="Save the assessment").click()
    expect(_banner(page)).to_contain_text("Risk assessed")


def _record_action(page: Page, reference: str, label: str, fill) -> int:
    """Add an enforcement action from the case page; returns its id (from the card it lands on)."""
    page.goto(f"/cases/{reference}")
    page.locator("#add-enforcement-action").click()
    page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Continue").click()
    fill(page)
    page.get_by_role("button", name="Record action").click()
    expect(_banner(page)).to_contain_text(f"{label} recorded")
    return int(re.search(r"#action-(\d+)$", page.url).group(1))


def _produce(page: Page, action_id: int, button: str, title: str) -> int:
    """Press the action card's letter button; check the printable letter; returns the letter's id."""
    card = page.locator(f"#action-{action_id}")
    card.get_by_role("button", name=button).click()
    expect(_banner(page)).to_contain_text(f"{title} produced and saved to the case's evidence")
    letter = page.locator(".app-letter")
    expect(letter.locator(".app-letter__title")).to_have_text(title)
    expect(letter).to_contain_text(f"{SUBJECT[0]} {SUBJECT[1]}")
    expect(letter).to_contain_text(SUBJECT_POSTCODE)
    expect(page.get_by_role("button", name="Print this letter")).to_be_visible()
    return int(re.search(r"/letters/(\d+)$", page.url).group(1))


def _assert_accessible(page: Page, label: str) -> None:
    """No serious or critical WCAG 2.2 A/AA violation found by axe-core (injected into every page)."""
    results = run_axe(page)
    assert results["passes"], f"axe checked nothing on {label}"
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe on {label}:\n{describe(blocking)}"


def _sweep(app, now: datetime) -> None:
    from casework.deadlines.sweep import sweep

    with app.app_context():
        sweep(now)
        db.session.remove()


def _clock_of(app, action_id: int) -> tuple[datetime, datetime]:
    with app.app_context():
        clock = open_clock(db.session.get(EnforcementAction, action_id))
        times = (clock.remind_at, clock.due_at)
        db.session.remove()
    return times


def _mail_to_officer(app, reference: str) -> list[tuple[str, str]]:
    with app.app_context():
        case_id = db.session.scalar(select(Case.id).where(Case.reference == reference))
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.case_id == case_id, OutboxMessage.to_address == OFFICER)
            .order_by(OutboxMessage.id)
        )
        found = [(message.template, message.subject) for message in db.session.scalars(query)]
        db.session.remove()
    return found


def test_an_officer_takes_an_asb_case_from_risk_through_a_cpw_to_an_fpn(
    open_page, live_server, screenshot, axe_source
):
    app = live_server.app
    reference = _asb_case(app)
    today = _today()
    comply_by = today + timedelta(days=14)
    tab = open_page(viewport=DESKTOP)
    page = tab.page
    page.add_init_script(script=axe_source)
    sign_in(page, OFFICER, live_server.demo_password)
    expect(page).to_have_url(re.compile(r"/home$"))

    _assess_risk(page, reference)

    def cpw_form(form: Page) -> None:
        _fill_date(form, "issued_on", today)
        form.get_by_label("Who is it against?").select_option(label=f"{SUBJECT[0]} {SUBJECT[1]}")
        form.get_by_label("What must they do or stop doing?").fill(MUSIC)
        _fill_date(form, "compliance_date", comply_by)

    cpw = _record_action(page, reference, "Community Protection Warning", cpw_form)
    cpw_letter = _produce(page, cpw, "Produce CPW letter", "Community Protection Warning")
    expect(page.locator(".app-letter")).to_contain_text(date_uk(comply_by))
    expect(page.locator(".app-letter")).to_contain_text(MUSIC)
    screenshot(page, "letters-cpw")
    _assert_accessible(page, "the CPW letter")
    page.emulate_media(media="print")  # printed, the letter stands alone
    expect(page.locator(".app-letter")).to_be_visible()
    for chrome in (".govuk-header", ".govuk-service-navigation", ".app-no-print", ".govuk-footer"):
        expect(page.locator(chrome).first).to_be_hidden()
    page.emulate_media(media="screen")

    # The compliance date passes: the deadline sweep (Celery beat's task, run here with `now` in the
    # weeks ahead) first reminds the officer, then tells them the date has come.
    remind_at, due_at = _clock_of(app, cpw)
    _sweep(app, remind_at + timedelta(minutes=1))
    [(template, subject)] = _mail_to_officer(app, reference)
    assert template == "deadline_reminder" and reference in subject
    _sweep(app, due_at + timedelta(minutes=1))
    assert [template for template, _ in _mail_to_officer(app, reference)] == [
        "deadline_reminder",
        "deadline_escalation",
    ]

    # The officer checks, finds the music goes on, and escalates to a CPN. (The pages take today's date
    # for the check: the server's clock does not move with the sweep's `now`.)
    page.goto(f"/cases/{reference}")
    page.locator(f"#action-{cpw}-link").click()
    page.locator("#record-compliance").click()
    page.get_by_label("No, they breached it").check()
    _fill_date(page, "checked_on", today)
    page.get_by_role("button", name="Record the check").click()
    expect(page.locator("body")).to_contain_text("Breached")

    def cpn_form(form: Page) -> None:
        _fill_date(form, "issued_on", today)
        form.get_by_label("Who is it against?").select_option(label=f"{SUBJECT[0]} {SUBJECT[1]}")
        form.get_by_label("What must they do or stop doing?").fill(MUSIC)
        _fill_date(form, "compliance_date", today + timedelta(days=14))

    cpn = _record_action(page, reference, "Community Protection Notice", cpn_form)
    _produce(page, cpn, "Produce CPN letter", "Community Protection Notice")
    expect(page.locator(".app-letter")).to_contain_text("magistrates' court within 21 days")

    # The CPN is breached too: a fixed penalty notice, on a phone in the street.
    page.goto(f"/cases/{reference}")
    page.locator(f"#action-{cpn}-link").click()
    page.locator("#record-compliance").click()
    page.get_by_label("No, they breached it").check()
    _fill_date(page, "checked_on", today)
    page.get_by_role("button", name="Record the check").click()
    expect(page.locator("body")).to_contain_text("Breached")
    tab.problems.assert_none(page)

    phone_tab = open_page(viewport=PHONE)
    phone = phone_tab.page
    sign_in(phone, OFFICER, live_server.demo_password)
    phone.goto(f"/cases/{reference}")
    phone.locator(f"#action-{cpn}-link").click()
    phone.locator("#next-step-fpn").click()
    _fill_date(phone, "issued_on", today)
    phone.get_by_label("Amount", exact=True).fill("100")
    phone.get_by_label("Early payment amount").fill("75")
    phone.get_by_role("button", name="Record action").click()
    expect(_banner(phone)).to_contain_text("Fixed penalty notice recorded")
    fpn = int(re.search(r"#action-(\d+)$", phone.url).group(1))
    fpn_letter = _produce(phone, fpn, "Produce FPN letter", "Fixed Penalty Notice")
    expect(phone.locator(".app-letter")).to_contain_text("£100.00")
    expect(phone.locator(".app-letter")).to_contain_text("£75.00")

    pdf = phone.request.get(f"/cases/{reference}/letters/{fpn_letter}/pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    phone_tab.problems.assert_none(phone)

    # Every letter is on the case, as evidence and in its history, with who produced it.
    page.goto(f"/cases/{reference}")
    expect(page.locator(f"#action-{cpw}")).to_contain_text("Letters produced")
    page.locator(f"#action-{cpw}").scroll_into_view_if_needed()
    screenshot(page, "letters-on-the-case")
    expect(page.locator("#evidence").locator("xpath=..")).to_contain_text("Fixed Penalty Notice")
    with app.app_context():
        letters = db.session.scalars(select(Letter).order_by(Letter.id)).all()
        ours = [letter for letter in letters if letter.id >= cpw_letter]
        assert [letter.code for letter in ours] == ["cpw", "cpn", "fpn"]
        assert all(letter.generated_by.email == OFFICER for letter in ours)
        assert all(letter.generated_at <= utcnow() for letter in ours)
        db.session.remove()


def test_an_administrator_rewords_a_letter_with_a_preview(open_page, live_server, axe_source, screenshot):
    tab = open_page(viewport=DESKTOP)
    page = tab.page
    page.add_init_script(script=axe_source)
    sign_in(page, "admin@demo.test", live_server.demo_password)
    page.goto("/admin/settings")
    page.get_by_role("link", name="Letters and notices").click()
    _assert_accessible(page, "the list of letters")
    page.get_by_role("link", name="Warning letter").click()
    wording = page.get_by_label("Wording")
    wording.fill("Dear {{ recipient_name }}\n\nPlease pay {{ fine_total }} now.")
    page.get_by_role("button", name="Save wording").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("{{ fine_total }} is not a placeholder")
    _assert_accessible(page, "the wording form with an error")
    expect(wording).to_have_value("Dear {{ recipient_name }}\n\nPlease pay {{ fine_total }} now.")

    wording.fill(
        "Dear {{ recipient_name }}\n\n## Please stop\n- the noise\n- the rubbish\n\n{{ officer_name }}"
    )
    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".app-letter")
    expect(preview).to_contain_text("Dear Alex Example")
    expect(preview.get_by_role("heading", name="Please stop")).to_be_visible()
    _assert_accessible(page, "the wording preview")
    screenshot(page, "letters-wording-preview")
    page.get_by_role("button", name="Save wording").click()
    expect(_banner(page)).to_contain_text("wording saved as version 2")
    page.get_by_role("link", name="Warning letter").click()
    page.get_by_role("link", name="Version 1").click()
    expect(page.locator(".app-letter-source")).to_contain_text("This letter is a warning")
    tab.problems.assert_none(page)
