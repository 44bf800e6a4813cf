"""The service navigation, by role."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import current_user

from casework.auth.roles import Role

STAFF = frozenset({Role.OFFICER, Role.MANAGER})

# (label, endpoint, roles that see it, endpoints that mark it as the current section)
NAVIGATION: tuple[tuple[str, str, frozenset[Role], frozenset[str]], ...] = (
    ("Home", "main.home", frozenset(Role), frozenset()),
    ("Log an incident", "cases.new_case", STAFF, frozenset()),
    ("My cases", "cases.mine", STAFF, frozenset()),
    ("Case queue", "cases.queue", STAFF, frozenset({"cases.view"})),
    ("Search", "cases.search", STAFF, frozenset({"cases.person"})),
    (
        "Referrals",
        "partners.referrals",
        frozenset({Role.PARTNER, Role.MANAGER}),
        frozenset({"partners.referral", "partners.decline", "partners.close", "partners.shared_case"}),
    ),
    (
        "Panels",
        "partners.panels",
        frozenset({Role.MANAGER, Role.PARTNER}),
        frozenset({"partners.panel", "partners.edit_panel", "partners.new_meeting", "partners.meeting"}),
    ),
    (
        "Case reviews",
        "reviews.index",
        STAFF,
        frozenset({"reviews.new", "reviews.application", "reviews.publication"}),
    ),
    (
        "Dashboard",
        "reports.dashboard",
        frozenset({Role.MANAGER}),
        frozenset({"reports.flycapture", "reports.performance"}),
    ),
    ("Users", "admin.users", frozenset({Role.ADMIN}), frozenset({"admin.edit_user", "admin.new_user"})),
    ("Messages", "notifications.messages", frozenset({Role.ADMIN}), frozenset({"notifications.message"})),
    (
        "Open311",
        "open311.clients",
        frozenset({Role.ADMIN}),
        frozenset({"open311.guide", "open311.new_client", "open311.issue_key"}),
    ),
    (
        "Settings",
        "cases.settings",
        frozenset({Role.ADMIN}),
        frozenset({"letters.templates", "letters.edit_template", "letters.template_version"}),
    ),
    ("Your account", "main.account", frozenset(Role), frozenset({"auth.change_password"})),
)


def navigation_items() -> list[dict]:
    """Items for govukServiceNavigation, for the signed-in user's role."""
    if not current_user.is_authenticated:
        return []
    role = current_user.role_enum
    return [
        {
            "href": url_for(endpoint),
            "text": label,
            "active": request.endpoint == endpoint or request.endpoint in also,
        }
        for label, endpoint, roles, also in NAVIGATION
        if role in roles and endpoint in current_app.view_functions
    ]
