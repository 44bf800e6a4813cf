"""Sign-in journeys in a real browser: every demo user, the wrong password, and the page's own assets."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from casework.auth.roles import Role
from tests.browser.helpers import DEMO_USERS, DESKTOP, HOME_HEADINGS, PHONE, sign_in

PHONE_USER = "officer.dartford@demo.test"
SIGN_IN_URL = re.compile(r"/sign-in(\?.*)?$")
HOME_URL = re.compile(r"/home$")
# {text: computed font-family} of every element on screen with text of its own (not visually hidden).
TEXT_FONTS = """() => Object.fromEntries(
  [...document.querySelectorAll("body *")]
    .filter((el) => [...el.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim()))
    .filter((el) => el.getClientRects().length > 0 && !el.closest(".govuk-visually-hidden"))
    .map((el) => [el.textContent.trim().slice(0, 60), getComputedStyle(el).fontFamily.toLowerCase()])
)"""


def assert_text_in_arial(page) -> None:
    """Every piece of text on screen is in Arial. GOV.UK Frontend sets fonts by class, not on <body>
    (whose computed font stays the browser's default serif), so each text element is checked."""
    fonts = page.evaluate(TEXT_FONTS)
    assert fonts, "no visible text found"
    not_arial = {text: font for text, font in fonts.items() if "arial" not in font or "gds" in font}
    assert not not_arial, f"text not in Arial on {page.url}: {not_arial}"


@pytest.mark.parametrize(("email", "name", "role"), DEMO_USERS, ids=[user[0] for user in DEMO_USERS])
def test_demo_user_signs_in_reaches_their_home_and_signs_out(
    open_page, live_server, screenshot, email, name, role
):
    on_phone = email == PHONE_USER
    tab = open_page(viewport=PHONE if on_phone else DESKTOP)
    page = tab.page

    page.goto("/")
    expect(page).to_have_url(SIGN_IN_URL)
    sign_in(page, email, live_server.demo_password)

    expect(page).to_have_url(HOME_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADINGS[role])
    expect(page.locator("header .app-header__user")).to_contain_text(name)
    assert_text_in_arial(page)
    sign_out = page.locator("header").get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    if on_phone:
        expect(sign_out).to_be_in_viewport()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the home page scrolls sideways by {overflow}px on a 375px-wide phone"
        screenshot(page, "officer-home-phone")
    if role == Role.ADMIN:
        screenshot(page, "admin-home-desktop")

    sign_out.click()
    expect(page).to_have_url(SIGN_IN_URL)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have been signed out")
    expect(page.locator("header .app-header__user")).to_have_count(0)
    page.goto("/home")  # the session really ended: the home page asks for sign-in again
    expect(page).to_have_url(SIGN_IN_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    tab.problems.assert_none(page)


def test_wrong_password_shows_the_error_summary_and_moves_focus_to_it(open_page, live_server, screenshot):
    tab = open_page(viewport=DESKTOP)
    page = tab.page
    with page.expect_response(lambda r: r.request.method == "POST" and "/sign-in" in r.url) as posted:
        sign_in(page, "officer.dartford@demo.test", "not the right password")
    assert posted.value.status == 200

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    # GOV.UK Frontend's ErrorSummary focuses itself when initialised: the ES module ran under our CSP.
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.locator("header .app-header__user")).to_have_count(0)
    screenshot(page, "sign-in-errors-desktop")

    # The summary's first link takes focus to the field it is about (also done by Frontend's JS).
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Email address")).to_be_focused()
    tab.problems.assert_none(page)


def test_sign_in_page_loads_its_stylesheet_and_scripts_without_csp_errors(open_page, screenshot):
    tab = open_page(viewport=DESKTOP)
    page = tab.page
    response = page.goto("/sign-in")
    assert response is not None and response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp

    # The template's inline script (it carries the nonce) ran...
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    # ...and so did the module that imports govuk-frontend.min.js and calls initAll().
    expect(page.locator("[data-module='govuk-header']")).to_have_attribute("data-govuk-header-init", "")
    expect(page.locator("[data-module='govuk-password-input']")).to_have_attribute(
        "data-govuk-password-input-init", ""
    )
    screenshot(page, "sign-in-desktop")
    show = page.get_by_role("button", name="Show password")
    expect(show).to_be_visible()
    show.click()
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("type", "text")

    # application.css applied: Arial everywhere, never GDS Transport (GOV.UK's own typeface).
    assert_text_in_arial(page)
    heading_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert heading_size >= 27, f"h1 is {heading_size}px: govuk-heading-l did not apply"
    loaded_faces = page.evaluate("document.fonts.ready.then((set) => [...set].map((face) => face.family))")
    assert not [face for face in loaded_faces if "gds" in face.lower()], loaded_faces
    tab.problems.assert_none(page)
