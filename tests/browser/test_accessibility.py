"""axe-core in Chromium: no serious or critical WCAG 2.x A/AA violations on the pages people meet first."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    BLOCKING_IMPACTS,
    DEMO_USERS,
    DESKTOP,
    HOME_HEADINGS,
    PHONE,
    BrowserTab,
    describe,
    run_axe,
    sign_in,
)

HOME_USERS = {
    "admin@demo.test": DESKTOP,
    "manager.dartford@demo.test": DESKTOP,
    "officer.dartford@demo.test": PHONE,
    "police@demo.test": DESKTOP,
}


@pytest.fixture
def axe_page(open_page, axe_source):
    """open_page, with axe-core injected by the browser into every document (not via the page's CSP)."""

    def open_(viewport: dict) -> BrowserTab:
        tab = open_page(viewport=viewport)
        tab.page.add_init_script(script=axe_source)
        return tab

    return open_


def assert_no_blocking_violations(page, label: str) -> None:
    results = run_axe(page)
    violations = results["violations"]
    print(
        f"\naxe {label}: {len(results['passes'])} rules passed, {len(violations)} violated, "
        f"{len(results['incomplete'])} to check by hand"
    )
    for kind in ("violations", "incomplete"):
        if results[kind]:
            print(f"  {kind}:\n{describe(results[kind])}")
    assert results["passes"], f"axe checked nothing on {label}"
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe on {label}:\n{describe(blocking)}"


def test_sign_in_page(axe_page):
    tab = axe_page(DESKTOP)
    tab.page.goto("/sign-in")
    expect(tab.page.locator("[data-module='govuk-header']")).to_have_attribute("data-govuk-header-init", "")
    assert_no_blocking_violations(tab.page, "sign-in")
    tab.problems.assert_none(tab.page)


def test_sign_in_page_with_errors(axe_page):
    tab = axe_page(DESKTOP)
    sign_in(tab.page, "officer.dartford@demo.test", "not the right password")
    expect(tab.page.locator(".govuk-error-summary")).to_be_focused()
    assert_no_blocking_violations(tab.page, "sign-in with errors")
    tab.problems.assert_none(tab.page)


@pytest.mark.parametrize("email", list(HOME_USERS))
def test_signed_in_home_page(axe_page, live_server, email):
    role = next(role for address, _name, role in DEMO_USERS if address == email)
    tab = axe_page(HOME_USERS[email])
    sign_in(tab.page, email, live_server.demo_password)
    expect(tab.page).to_have_url(re.compile(r"/home$"))
    expect(tab.page.get_by_role("heading", level=1)).to_have_text(HOME_HEADINGS[role])
    assert_no_blocking_violations(tab.page, f"home of {email}")
    tab.problems.assert_none(tab.page)


# The pages of the ASB and enforcement tools, the reports and Open311 (issues 5 and 6), as their users
# meet them on the demo data: (who, viewport, address). None signs nobody in.
TOOL_PAGES = [
    (None, DESKTOP, "/prosecutions"),
    ("manager.dartford@demo.test", DESKTOP, "/dashboard"),
    ("manager.dartford@demo.test", DESKTOP, "/reports/flycapture"),
    ("manager.dartford@demo.test", DESKTOP, "/reports/performance"),
    ("manager.dartford@demo.test", DESKTOP, "/case-reviews/publication"),
    ("officer.dartford@demo.test", PHONE, "/case-reviews"),
    ("admin@demo.test", DESKTOP, "/admin/open311"),
    ("admin@demo.test", DESKTOP, "/admin/open311/guide"),
    ("admin@demo.test", DESKTOP, "/admin/settings/letters"),
]


@pytest.mark.parametrize(("email", "viewport", "path"), TOOL_PAGES, ids=[page[2] for page in TOOL_PAGES])
def test_pages_of_the_enforcement_tools_reports_and_open311(axe_page, live_server, email, viewport, path):
    tab = axe_page(viewport)
    if email:
        sign_in(tab.page, email, live_server.demo_password)
        expect(tab.page).to_have_url(re.compile(r"/home$"))
    response = tab.page.goto(path)
    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    assert_no_blocking_violations(tab.page, path)
    tab.problems.assert_none(tab.page)


def test_an_asb_case_page_with_its_risk_enforcement_and_case_review_sections(axe_page, live_server):
    tab = axe_page(DESKTOP)
    sign_in(tab.page, "officer.dartford@demo.test", live_server.demo_password)
    tab.page.goto("/cases?type=asb_personal&status=all")
    tab.page.locator("#main-content table a[href^='/cases/']").first.click()
    expect(tab.page.locator("#risk-heading")).to_be_visible()
    expect(tab.page.locator("#enforcement-heading")).to_be_visible()
    assert_no_blocking_violations(tab.page, f"case page {tab.page.url}")
    tab.problems.assert_none(tab.page)
