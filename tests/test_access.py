"""Every route declares who may use it, and the declaration is what the app enforces."""

from __future__ import annotations

import uuid

import pytest
from flask import Blueprint, Flask
from flask.views import MethodView
from werkzeug.routing import FloatConverter, IntegerConverter, Rule, UUIDConverter

from casework import create_app
from casework.access import allow, public, rule_for
from casework.auth.roles import Role
from tests.builders import make_borough, make_user
from tests.conftest import csrf_token, make_config, sign_in

NON_ADMINS = (Role.OFFICER, Role.MANAGER, Role.PARTNER)


@pytest.fixture(scope="module")
def url_map_app(database_url, tmp_path_factory) -> Flask:
    """An app only for reading the URL map (no requests, no database work)."""
    return create_app(make_config(database_url, tmp_path_factory.mktemp("instance")))


def _rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)


def _plausible(rule: Rule, **known) -> dict:
    """Values for a rule's URL parameters: ints -> 1, tokens -> "x" (unless given)."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if name in known:
            values[name] = known[name]
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, FloatConverter):
            values[name] = 1.0
        elif isinstance(converter, UUIDConverter):
            values[name] = uuid.UUID(int=1)
        else:
            values[name] = "x"
    return values


def _url(app: Flask, rule: Rule, method: str = "GET", **known) -> str:
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, _plausible(rule, **known), method=method)


def _user(role: Role):
    return make_user(role, borough=make_borough() if role in (Role.OFFICER, Role.MANAGER) else None)


def test_every_endpoint_declares_who_may_use_it(url_map_app):
    undeclared = sorted(
        {r.endpoint for r in _rules(url_map_app) if rule_for(url_map_app, r.endpoint) is None}
    )
    assert undeclared == [], f"endpoints without @public or @allow(...): {undeclared}"


def test_admin_endpoints_are_for_admins_only(url_map_app):
    admin_rules = [r for r in _rules(url_map_app) if r.endpoint.startswith("admin.")]
    assert admin_rules
    for rule in admin_rules:
        assert rule_for(url_map_app, rule.endpoint).roles == {Role.ADMIN}, rule.endpoint


def test_anonymous_get_to_every_non_public_page_goes_to_sign_in(app, client):
    checked = 0
    for rule in _rules(app):
        if "GET" not in rule.methods or rule_for(app, rule.endpoint).public:
            continue
        url = _url(app, rule)
        response = client.get(url)
        assert response.status_code == 302, f"{url} gave {response.status_code}"
        assert response.headers["Location"].startswith("/sign-in?next="), url
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("role", list(Role))
def test_admin_pages_refuse_non_admins_and_serve_admins(app, client, role):
    user = _user(role)
    sign_in(client, user.email)
    for rule in _rules(app):
        if not rule.endpoint.startswith("admin.") or "GET" not in rule.methods:
            continue
        url = _url(app, rule, user_id=user.id)
        expected = 200 if role == Role.ADMIN else 403
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("role", NON_ADMINS)
def test_admin_forms_refuse_non_admins_even_with_a_valid_token(app, client, role):
    user, other = _user(role), make_user(Role.OFFICER)
    sign_in(client, user.email)
    token = csrf_token(client, "/account/password")
    for rule in _rules(app):
        if rule.endpoint.startswith("admin.") and "POST" in rule.methods:
            url = _url(app, rule, method="POST", user_id=other.id)
            data = {"csrf_token": token, "active": "0", "role": "admin", "email": "x@example.test"}
            assert client.post(url, data=data).status_code == 403, url
    assert other.active and other.role == Role.OFFICER


@pytest.mark.parametrize("role", list(Role))
def test_every_role_is_refused_wherever_its_role_is_not_declared(app, client, role):
    """The refusal happens before the view runs, so this is safe for every area's routes."""
    user = _user(role)
    sign_in(client, user.email)
    token = csrf_token(client, "/account/password")
    for rule in _rules(app):
        declared = rule_for(app, rule.endpoint)
        if declared.public or role in declared.roles:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        url = _url(app, rule, method=method)
        response = client.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 403, f"{role} {method} {url} gave {response.status_code}"


def _undeclared_view() -> str:
    return "should never be seen"


@public
def _public_view() -> str:
    return "anyone"


@allow(Role.ADMIN)
class _AdminOnly(MethodView):
    def get(self) -> str:
        return "admins only"


def test_a_view_that_declares_nothing_is_refused_even_for_admins(app, client):
    bp = Blueprint("throwaway", __name__, url_prefix="/throwaway")
    bp.add_url_rule("/undeclared", view_func=_undeclared_view)
    bp.add_url_rule("/public", view_func=_public_view)
    bp.add_url_rule("/class", view_func=_AdminOnly.as_view("admin_only"))
    app.register_blueprint(bp)

    assert rule_for(app, "throwaway._undeclared_view") is None
    assert client.get("/throwaway/undeclared").status_code == 403
    assert client.get("/throwaway/public").status_code == 200
    assert client.get("/throwaway/class").status_code == 302

    sign_in(client, make_user(Role.ADMIN).email)
    response = client.get("/throwaway/undeclared")
    assert response.status_code == 403
    assert "should never be seen" not in response.get_data(as_text=True)
    assert client.get("/throwaway/class").get_data(as_text=True) == "admins only"


def test_declarations_describe_themselves():
    assert public(lambda: "").access_rule.describe() == "public"
    assert allow()(lambda: "").access_rule.describe() == "signed in: admin, manager, officer, partner"
    assert allow(Role.ADMIN)(lambda: "").access_rule.describe() == "signed in: admin"
