"""Who may use each route: one declaration per view, enforced in one place.

Every view is decorated with `@public` or `@allow(...)`. A before-request hook reads the
declaration; an endpoint that declares nothing is refused (and a test walks the URL map to find
it). Scope inside a role (borough, agency) is enforced by the queries each area runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, abort, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from casework.auth.roles import Role
from casework.extensions import login_manager

F = TypeVar("F", bound=Callable)


@dataclass(frozen=True)
class AccessRule:
    """A route's declaration: public, or the roles that may use it (all roles when empty)."""

    public: bool = False
    roles: frozenset[Role] = frozenset()

    def describe(self) -> str:
        """A short description for people: "public" or "signed in: <roles>"."""
        if self.public:
            return "public"
        return "signed in: " + (", ".join(sorted(self.roles)) if self.roles else "any role")


ALL_ROLES = frozenset(Role)
# Endpoints registered by Flask itself or by extensions rather than by our views.
BUILT_IN_RULES = {"static": AccessRule(public=True)}


def public(view: F) -> F:
    """Declare a view usable by anyone, signed in or not."""
    view.access_rule = AccessRule(public=True)  # type: ignore[attr-defined]
    return view


def allow(*roles: Role) -> Callable[[F], F]:
    """Declare the roles that may use a view; `allow()` with no roles means any signed-in user."""

    def decorate(view: F) -> F:
        view.access_rule = AccessRule(roles=frozenset(roles) or ALL_ROLES)  # type: ignore[attr-defined]
        return view

    return decorate


def rule_for(app: Flask, endpoint: str) -> AccessRule | None:
    """The declaration of an endpoint, or None when it declares nothing."""
    view = app.view_functions.get(endpoint)
    rule = getattr(view, "access_rule", None)
    if rule is None and view is not None and hasattr(view, "view_class"):
        rule = getattr(view.view_class, "access_rule", None)
    return rule or BUILT_IN_RULES.get(endpoint)


def enforce_access() -> ResponseReturnValue | None:
    """Before each request: let it through, send it to sign-in, or refuse it."""
    if request.endpoint is None:
        return None  # no route matched: the 404/405 handler answers
    rule = rule_for(current_app, request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s declares no access rule", request.endpoint)
        abort(403)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role_enum not in rule.roles:
        abort(403)
    return None
