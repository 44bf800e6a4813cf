"""The casework journey in a real browser (issue 3): an officer logs a flytip with a photo on a phone; a
manager filters the queue to unassigned flytipping in one ward and assigns three cases at once; the
officer finds the case under "My cases", triages it, starts the investigation and records the clearance;
the manager closes it as resolved. Every step is checked on the screen and in the case's history."""

from __future__ import annotations

import re
from datetime import datetime

from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from casework.auth.models import User
from casework.cases import workflow
from casework.cases.models import Case, CaseType
from casework.extensions import db
from casework.formatting import LONDON
from casework.places.models import Borough, Ward
from tests.browser.helpers import DESKTOP, PHONE, BrowserTab, sign_in

OFFICER = "officer.dartford@demo.test"
OFFICER_NAME = "Olu Okafor"
MANAGER = "manager.dartford@demo.test"
ADDRESS = "Service road behind 14 Lowfield Street, Dartford"
POSTCODE = "DA1 1DR"
PHOTO_NAME = "flytip.jpg"
REFERENCE = re.compile(r"DAR-\d{4}-\d{5}")
HOME_URL = re.compile(r"/home$")
BULK_ASSIGN = "/cases/assign"
TABLET_WIDTH = 641  # GOV.UK Frontend's tablet breakpoint, 40.0625em
ALSO_ASSIGNED = 2  # besides the new case, when the ward has that many unassigned flytips


def _busiest_ward(app) -> tuple[int, str, int]:
    """The Dartford ward with the most open, unassigned flytipping cases in the demo data: its id, its
    name and how many such cases it has."""
    with app.app_context():
        waiting = func.count(Case.id)
        row = db.session.execute(
            select(Ward.id, Ward.name, waiting)
            .join(Borough, Ward.borough_id == Borough.id)
            .outerjoin(
                Case,
                (Case.ward_id == Ward.id)
                & Case.assigned_to_id.is_(None)
                & Case.state.in_(workflow.OPEN_STATES)
                & Case.case_type_id.in_(select(CaseType.id).where(CaseType.code == "flytipping")),
            )
            .where(Borough.code == "DAR")
            .group_by(Ward.id, Ward.name)
            .order_by(waiting.desc(), Ward.name)
            .limit(1)
        ).one()
        db.session.remove()
    return row.id, row.name, row[2]


def _photo(folder) -> str:
    """A small real JPEG, as a phone camera would send (without a GPS position)."""
    path = folder / PHOTO_NAME
    Image.new("RGB", (320, 240), (96, 112, 80)).save(path, "JPEG", quality=80)
    return str(path)


def _banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def _case_details(page: Page):
    return page.locator("#case-details")


def _timeline(page: Page):
    return page.locator(".app-timeline")


def _go_to(page: Page, section: str) -> None:
    """Follow a link of the service navigation, opening its "Menu" first on a small screen."""
    nav = page.locator(".govuk-service-navigation")
    toggle = nav.get_by_role("button", name="Menu")
    # Below the tablet breakpoint GOV.UK Frontend's script hides the links behind "Menu"; wait for
    # the script rather than asking once, or the links can vanish between the check and the click.
    if page.viewport_size["width"] < TABLET_WIDTH:
        expect(toggle).to_be_visible()
        if toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
    nav.get_by_role("link", name=section, exact=True).click()


def _signed_in(tab: BrowserTab, email: str, password: str) -> None:
    sign_in(tab.page, email, password)
    expect(tab.page).to_have_url(HOME_URL)


def _log_flytip_on_phone(tab: BrowserTab, ward: str, photo: str, screenshot) -> str:
    """The officer logs the flytip on a phone and lands on the new case; returns its reference."""
    page = tab.page
    _go_to(page, "Log an incident")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log an incident")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"'Log an incident' scrolls sideways by {overflow}px on a 375px-wide phone"

    page.get_by_label("Type of problem").select_option(label="Flytipping")
    what = page.locator("#what")
    what.get_by_role("group", name="How was it reported?").get_by_label("Observed by an officer").check()
    # The date it happened defaults to today (Europe/London); check it is there rather than retype it.
    today = datetime.now(LONDON).date()
    expect(what.get_by_label("Day")).to_have_value(re.compile(rf"^0?{today.day}$"))
    page.get_by_label("Describe the problem (optional)").fill("Mattresses and tyres dumped across the road.")

    page.get_by_label("Ward", exact=True).select_option(label=ward)
    page.get_by_label("Address or place").fill(ADDRESS)
    page.get_by_label("Postcode (optional)").fill(POSTCODE)

    flytip = page.locator("#flytip")
    flytip.get_by_label("Small van load").check()
    flytip.get_by_label("Land type").select_option(label="Highway")
    flytip.get_by_label("Tyres").check()
    flytip.get_by_role("group", name="Was any evidence found?").get_by_label("No", exact=True).check()

    page.get_by_label("Photos or documents (optional)").set_input_files(photo)
    screenshot(page, "case-journey-log-incident-phone")
    # Wait for the answer page: before it arrives the old heading also reads "Log an incident".
    with page.expect_navigation():
        page.locator("form button", has_text="Save report").last.click()

    # A repeat-report question may come first if an open flytip shares the postcode: this one is new.
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^(Case DAR-|Log an incident)"))
    if heading.inner_text().startswith("Log an incident"):
        expect(page.locator("#repeat-reports")).to_be_visible()
        expect(page.locator("#repeat-reports")).to_contain_text(PHOTO_NAME)  # the photo was kept
        page.locator("#repeat-reports").get_by_label("This is a new problem").check()
        page.locator("#submit-repeat").click()

    expect(heading).to_have_text(REFERENCE)
    reference = REFERENCE.search(heading.inner_text()).group(0)
    expect(_banner(page)).to_contain_text(f"Case {reference} logged")
    details = _case_details(page)
    expect(details).to_contain_text("Flytipping")
    expect(details).to_contain_text(ward)
    expect(details).to_contain_text("Not assigned")
    timeline = _timeline(page)
    expect(timeline).to_contain_text("Case opened: Flytipping")
    expect(timeline).to_contain_text(f"{ADDRESS}, {POSTCODE}")
    expect(timeline).to_contain_text("Small van load")
    # The photo is on the case, and really served to the officer.
    photo_img = page.locator("#evidence ~ .govuk-summary-card", has_text=PHOTO_NAME).locator("img")
    expect(photo_img).to_have_count(1)
    photo_img.scroll_into_view_if_needed()
    expect(photo_img).to_have_js_property("complete", True)
    assert photo_img.evaluate("img => img.naturalWidth") == 320, "the uploaded photo did not load"
    tab.problems.assert_none(page)
    return reference


def _assign_three_from_the_queue(
    tab: BrowserTab, reference: str, in_ward: tuple[int, str] | None
) -> list[str]:
    """The manager filters the queue to unassigned flytipping (in one ward, when given as (id, name)) and
    assigns the new case and two more to the officer at once; returns the references assigned."""
    page = tab.page
    _go_to(page, "Case queue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case queue")
    filters = page.locator("form.app-queue-filters")
    filters.get_by_role("group", name="Type of case").get_by_label("Flytipping", exact=True).check()
    if in_ward:
        filters.get_by_label("Ward", exact=True).select_option(label=in_ward[1])
    filters.get_by_label("Only cases nobody is assigned to").check()
    filters.get_by_role("button", name="Apply filters").click()
    # The filtered queue is a bookmarkable address.
    expect(page).to_have_url(re.compile(r"/cases\?"))
    for part in ("type=flytipping", "unassigned=1", *([f"ward={in_ward[0]}"] if in_ward else [])):
        assert part in page.url, f"{part} missing from the filtered queue's address {page.url}"

    table = page.locator("table.app-case-table")
    rows = table.locator("tbody tr")
    expect(rows.first).to_be_visible()
    listed = [REFERENCE.search(text).group(0) for text in rows.locator("th").all_inner_texts()]
    assert reference in listed, f"{reference} not in the unassigned flytipping queue: {listed}"
    for row_text in rows.all_inner_texts():
        assert "Flytipping" in row_text and "Nobody" in row_text, row_text
        assert in_ward is None or in_ward[1] in row_text, row_text
    chosen = [reference, *[ref for ref in listed if ref != reference][:ALSO_ASSIGNED]]
    for ref in chosen:
        page.get_by_label(f"Select {ref}", exact=True).check()
    # Found through its form, not its label: the label's `for="officer"` points at the filter form's
    # "Assigned to" select, which has the same id (reported as a page problem).
    bulk = page.locator(f"form[action$='{BULK_ASSIGN}']")
    bulk.locator("select[name=officer]").select_option(label=OFFICER_NAME)
    page.get_by_role("button", name="Assign selected cases").click()

    noun = "case" if len(chosen) == 1 else "cases"
    expect(_banner(page)).to_contain_text(f"{len(chosen)} {noun} assigned to {OFFICER_NAME}")
    # Back on the same filtered queue, the assigned cases have left it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Case queue")
    for ref in chosen:
        expect(page.get_by_label(f"Select {ref}", exact=True)).to_have_count(0)
    tab.problems.assert_none(page)
    return chosen


def _work_the_case(tab: BrowserTab, reference: str) -> None:
    """The officer finds the case under "My cases", triages it, investigates and records the clearance."""
    page = tab.page
    _go_to(page, "My cases")
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    expect(_case_details(page)).to_contain_text(OFFICER_NAME)
    expect(_timeline(page)).to_contain_text(f"Assigned to {OFFICER_NAME}")
    actions = page.locator("#actions ~ .govuk-button-group").first

    # The workflow lets an officer triage a new case, then investigate it once it has an assignee.
    for button, state in (("Triage", "Triaged"), ("Start investigation", "Under investigation")):
        actions.get_by_role("button", name=button, exact=True).click()
        expect(_banner(page)).to_contain_text(f"case {reference} is now {state.lower()}")
        expect(_case_details(page).locator(".govuk-tag")).to_have_text(state)

    record = page.get_by_role("link", name=re.compile(r"^Record clearance"))
    incident_id = re.search(r"/incidents/(\d+)/clearance$", record.get_attribute("href")).group(1)
    record.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the clearance of the flytip")
    today = datetime.now(LONDON).date()
    when = page.get_by_role("group", name="When was it cleared?")
    when.get_by_label("Day").fill(str(today.day))
    when.get_by_label("Month").fill(str(today.month))
    when.get_by_label("Year").fill(str(today.year))
    page.get_by_role("group", name="Who cleared it?").get_by_label("Contractor").check()
    expect(page.get_by_label("Clearance cost in pounds")).not_to_have_value("")  # the per-size default
    page.get_by_role("button", name="Save clearance").click()

    expect(_banner(page)).to_contain_text("Clearance recorded.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    expect(_timeline(page)).to_contain_text(f"Flytip cleared on {today.day} {today:%B %Y} by the contractor")
    expect(page.locator(f"#incident-{incident_id}")).to_contain_text(
        f"{today.day} {today:%B %Y} by the contractor"
    )
    tab.problems.assert_none(page)


def _close_as_resolved(tab: BrowserTab, reference: str, screenshot) -> None:
    page = tab.page
    page.goto(f"/cases/{reference}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    page.get_by_role("button", name="Close case", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close case")
    page.get_by_role("group", name="What is the outcome?").get_by_label("Resolved", exact=True).check()
    page.get_by_role("button", name="Confirm: close case").click()

    expect(_banner(page)).to_contain_text(f"case {reference} is now closed")
    details = _case_details(page)
    expect(details.locator(".govuk-tag")).to_have_text("Closed")
    expect(details.locator(".govuk-summary-list__row", has_text="Outcome")).to_contain_text("Resolved")
    expect(details.locator(".govuk-summary-list__key", has_text=re.compile(r"^\s*Closed\s*$"))).to_have_count(
        1
    )
    expect(_timeline(page).locator(".app-timeline__title").first).to_contain_text("Close case")
    expect(_timeline(page)).to_contain_text("to Closed")
    expect(
        page.locator("#actions ~ .govuk-button-group").get_by_role("button", name="Reopen case")
    ).to_be_visible()
    screenshot(page, "case-journey-closed-case")
    tab.problems.assert_none(page)


def test_officer_logs_a_flytip_on_a_phone_manager_assigns_officer_clears_and_manager_closes(
    open_page, live_server, screenshot, tmp_path
):
    password = live_server.demo_password
    ward_id, ward, waiting = _busiest_ward(live_server.app)
    photo = _photo(tmp_path)

    officer = open_page(viewport=PHONE)
    _signed_in(officer, OFFICER, password)
    reference = _log_flytip_on_phone(officer, ward, photo, screenshot)

    manager = open_page(viewport=DESKTOP)
    _signed_in(manager, MANAGER, password)
    # "Unassigned flytipping in one ward" when a ward has enough of them to assign three at once;
    # otherwise unassigned flytipping across the manager's borough.
    in_ward = (ward_id, ward) if waiting >= ALSO_ASSIGNED else None
    assigned = _assign_three_from_the_queue(manager, reference, in_ward)
    assert len(assigned) == 1 + ALSO_ASSIGNED, f"the demo data has too few unassigned flytips: {assigned}"

    _work_the_case(officer, reference)
    _close_as_resolved(manager, reference, screenshot)

    with live_server.app.app_context():
        cases = db.session.scalars(select(Case).where(Case.reference.in_(assigned))).all()
        officer_id = db.session.scalar(select(User.id).where(User.email == OFFICER))
        assert {case.reference: case.assigned_to_id for case in cases} == dict.fromkeys(assigned, officer_id)
        closed = next(case for case in cases if case.reference == reference)
        assert (closed.state, closed.outcome) == ("closed", "resolved")
        db.session.remove()
