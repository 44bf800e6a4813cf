"""What the browser tests share: page sizes, the problems watched on a page, signing in, axe-core."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Page

from casework.auth.roles import Role
from casework.demo import USERS

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 667}

HOME_HEADINGS = {
    Role.OFFICER: "Your work",
    Role.MANAGER: "Case management",
    Role.PARTNER: "Referrals to Kent Police",
    Role.ADMIN: "Administration",
}

# (email, name, role) of each demo user, from casework.demo.
DEMO_USERS = [(email, name, role) for email, name, role, _borough, _agency in USERS]

# WCAG 2.0, 2.1 and 2.2 levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


@dataclass
class PageProblems:
    """What went wrong in a page that a user would not see on the screen."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    font_requests: list[str] = field(default_factory=list)

    def csp_violations(self, page: Page) -> list[str]:
        return page.evaluate("window.__cspViolations || []")

    def assert_none(self, page: Page) -> None:
        found = {
            "console errors": self.console_errors,
            "uncaught page errors": self.page_errors,
            "server errors (5xx)": self.server_errors,
            "requests to other hosts": self.outside_requests,
            "font downloads": self.font_requests,
            "CSP violations": self.csp_violations(page),
        }
        assert not any(found.values()), {name: items for name, items in found.items() if items}


@dataclass
class BrowserTab:
    page: Page
    problems: PageProblems


def sign_in(page: Page, email: str, password: str) -> None:
    """Fill in and send the real sign-in form, as a person would."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def run_axe(page: Page) -> dict:
    """axe-core's WCAG 2.x A/AA results on the page as it is now (axe must be injected already).

    Returns {"violations": [...], "incomplete": [...], "passes": [rule ids]}; violations and incomplete
    (what axe could not decide and a person should check) list rule id, impact, help and elements.
    """
    return page.evaluate(
        """async (tags) => {
          const results = await axe.run(document, { runOnly: { type: "tag", values: tags } });
          const brief = (rules) => rules.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
          }));
          return {
            violations: brief(results.violations),
            incomplete: brief(results.incomplete),
            passes: results.passes.map((v) => v.id),
          };
        }""",
        WCAG_TAGS,
    )


def describe(violations: list[dict]) -> str:
    """One line per element: impact, rule, selector and axe's message."""
    return "\n".join(
        f"[{v['impact']}] {v['id']} ({v['help']}): {node['target']}: {node['summary']}"
        for v in violations
        for node in v["nodes"]
    )
