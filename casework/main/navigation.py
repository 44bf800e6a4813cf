"""The service navigation, by role."""

from __future__ import annotations

from flask import request, url_for
from flask_login import current_user

from casework.auth.roles import Role

# (label, endpoint, roles that see it)
NAVIGATION: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("Home", "main.index", frozenset(Role)),
    ("Users", "admin.users", frozenset({Role.ADMIN})),
    ("Your account", "main.account", frozenset(Role)),
)


def navigation_items() -> list[dict]:
    """Items for govukServiceNavigation, for the signed-in user's role."""
    if not current_user.is_authenticated:
        return []
    role = current_user.role_enum
    return [
        {"href": url_for(endpoint), "text": label, "active": request.endpoint == endpoint}
        for label, endpoint, roles in NAVIGATION
        if role in roles
    ]
