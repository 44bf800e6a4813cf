"""The partner journey in a real browser: a manager refers a case to the multi-agency panel; the Kent
Police user signs in, finds it under Referrals, accepts it, posts an update and completes the action."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from casework.cases.models import Case
from casework.db_types import utcnow
from casework.deadlines.calendar import current_calendar
from casework.extensions import db
from casework.formatting import LONDON
from casework.partners.models import Referral
from tests.browser.helpers import DESKTOP, sign_in

PARTNER = "police@demo.test"
MANAGER = "manager@demo.test"


def _case_to_refer(app) -> tuple[str, object]:
    """An open demo case under investigation with no referral yet, and a due date 5 working days on."""
    with app.app_context():
        referred = select(Referral.case_id)
        reference = db.session.scalar(
            select(Case.reference)
            .where(Case.state == "under_investigation", Case.id.not_in(referred))
            .order_by(Case.id)
            .limit(1)
        )
        due = current_calendar().add_working_days(utcnow().astimezone(LONDON).date(), 5)
        db.session.remove()
    assert reference, "the demo data has no case under investigation to refer"
    return reference, due


def test_manager_refers_to_the_panel_and_the_police_user_accepts_updates_and_completes(
    open_page, live_server, screenshot
):
    reference, due = _case_to_refer(live_server.app)

    # The manager refers the case to the Community Safety Multi-Agency Panel, with an action for the police.
    manager = open_page(viewport=DESKTOP)
    page = manager.page
    sign_in(page, MANAGER, live_server.demo_password)
    expect(page).to_have_url(re.compile(r"/home$"))
    page.goto(f"/cases/{reference}/refer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer the case to a panel or agency")
    page.get_by_label("Refer to").select_option(label="Panel: Community Safety Multi-Agency Panel")
    page.get_by_label("Why are you referring the case?").fill(
        "Repeat victim; the behaviour continued after a warning."
    )
    page.get_by_label("What is asked of the panel or agency?").fill("Agree a joint plan at the next meeting.")
    action = page.locator("#action-1")
    action.get_by_label("Agency", exact=True).select_option(label="Kent Police")
    action.get_by_label("What is asked of the agency").fill("Add the street to evening patrols for two weeks")
    action.get_by_label("Day").fill(str(due.day))
    action.get_by_label("Month").fill(str(due.month))
    action.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Refer the case").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Case {reference} referred to Community Safety Multi-Agency Panel"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    expect(page.locator("#referral-status")).to_contain_text("Waiting for a reply")
    referral_url = page.url
    screenshot(page, "referral-made-by-manager")
    manager.problems.assert_none(page)

    # The police user finds it under Referrals and opens it.
    partner = open_page(viewport=DESKTOP)
    page = partner.page
    sign_in(page, PARTNER, live_server.demo_password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals to Kent Police")
    page.get_by_role("navigation", name=re.compile("Menu|Navigation|Service", re.I)).get_by_role(
        "link", name="Referrals"
    ).click()
    expect(page).to_have_url(re.compile(r"/referrals$"))
    page.locator("#referrals-table").get_by_role("link", name=reference).click()
    expect(page).to_have_url(referral_url)

    # Accepts it.
    page.get_by_role("button", name="Accept the referral").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"You accepted the referral of case {reference}"
    )
    expect(page.locator("#referral-status")).to_contain_text("Accepted")

    # Posts an update.
    page.get_by_label("Post an update").fill("Patrols added for Friday and Saturday evenings.")
    page.get_by_role("button", name="Post the update").click()
    expect(page.locator("#update-list")).to_contain_text("Patrols added for Friday and Saturday evenings.")

    # Completes the action.
    card = page.locator(".govuk-summary-card", has_text="Add the street to evening patrols")
    card.get_by_label("What was done (optional)").fill("Six patrols done; nothing seen.")
    card.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Action marked as done")
    card = page.locator(".govuk-summary-card", has_text="Add the street to evening patrols")
    expect(card.locator(".govuk-tag")).to_have_text("Done")
    expect(card).to_contain_text("Six patrols done; nothing seen.")
    screenshot(page, "referral-answered-by-partner")

    # The shared case opens, without the council-only parts.
    page.get_by_role("link", name=f"See the shared parts of case {reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    expect(page.locator("#case-details")).to_contain_text(reference)
    partner.problems.assert_none(page)

    # Back with the manager: every step is in the case history.
    page = manager.page
    page.goto(f"/cases/{reference}")
    history = page.locator("body")
    for text in (
        "Referred to Community Safety Multi-Agency Panel",
        "accepted by PC Sam Taylor (Kent Police)",
        "Update on the referral",
        "Action done by PC Sam Taylor (Kent Police)",
        "Viewed by PC Sam Taylor (Kent Police)",
    ):
        expect(history).to_contain_text(text)
    manager.problems.assert_none(page)


def test_partner_and_panel_pages_have_no_serious_accessibility_problems(open_page, live_server, axe_source):
    from tests.browser.test_accessibility import assert_no_blocking_violations

    with live_server.app.app_context():
        referral = db.session.scalar(select(Referral).order_by(Referral.id))
        reference, referral_id = referral.case.reference, referral.id
        meeting_url = None
        from casework.partners.models import PanelMeeting

        meeting = db.session.scalar(select(PanelMeeting).order_by(PanelMeeting.id))
        meeting_url = f"/panels/{meeting.panel_id}/meetings/{meeting.id}"
        db.session.remove()

    pages = {
        PARTNER: [
            "/referrals",
            f"/referrals/{referral_id}",
            f"/shared/cases/{reference}",
            "/panels",
            meeting_url,
        ],
        MANAGER: [f"/cases/{reference}/refer", meeting_url, f"{meeting_url}/agenda", "/panels", "/agencies"],
    }
    for email, urls in pages.items():
        tab = open_page(viewport=DESKTOP)
        tab.page.add_init_script(script=axe_source)
        sign_in(tab.page, email, live_server.demo_password)
        expect(tab.page).to_have_url(re.compile(r"/home$"))
        for url in urls:
            tab.page.goto(url)
            expect(tab.page.locator("h1")).to_be_visible()
            assert_no_blocking_violations(tab.page, f"{url} as {email}")
        tab.problems.assert_none(tab.page)
