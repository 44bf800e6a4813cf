"""Admin pages: clients, keys issued once and revoked at once, the guide; only for admins, with CSRF."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from casework.api.open311.models import Open311Client, Open311Key
from casework.api.open311.services import key_hash
from casework.auth.roles import Role
from casework.extensions import db
from tests.builders import make_user
from tests.cases.builders import dartford, make_case_types
from tests.conftest import csrf_token
from tests.open311.builders import make_world, post_form
from tests.open311.fms import fms_report

KEY_RE = re.compile(r'<code class="app-link-box" id="api-key">([^<]+)</code>')


@pytest.fixture
def admin(app):
    return make_user(Role.ADMIN)


def test_admin_adds_a_client_issues_a_key_and_the_key_works(app, client, login, admin):
    world = make_world()
    login(admin)
    assert 'href="/admin/open311"' in client.get("/home").get_data(as_text=True)  # the navigation item
    token = csrf_token(client, "/admin/open311/new")
    response = client.post(
        "/admin/open311/new",
        data={
            "csrf_token": token,
            "name": "Dartford website",
            "channel": "web_form",
            "boroughs": [world.dartford.id],
        },
    )
    assert response.status_code == 302
    council = db.session.scalar(select(Open311Client).where(Open311Client.name == "Dartford website"))
    assert [b.name for b in council.boroughs] == ["Dartford"] and council.keys == []

    token = csrf_token(client, "/admin/open311")
    page = client.post(f"/admin/open311/{council.id}/keys", data={"csrf_token": token})
    raw = KEY_RE.search(page.get_data(as_text=True)).group(1)
    assert len(raw) >= 40 and "not shown again" in page.get_data(as_text=True)
    stored = db.session.scalar(select(Open311Key).where(Open311Key.client_id == council.id))
    assert stored.key_hash == key_hash(raw) and raw not in (stored.key_hash, stored.hint)
    listing = client.get("/admin/open311").get_data(as_text=True)
    assert raw not in listing and stored.hint in listing and "Never" in listing

    anonymous = app.test_client()
    assert post_form(anonymous, "/open311/v2/requests.xml", fms_report(raw)).status_code == 200

    token = csrf_token(client, "/admin/open311")
    assert (
        client.post(f"/admin/open311/keys/{stored.id}/revoke", data={"csrf_token": token}).status_code == 302
    )
    assert post_form(anonymous, "/open311/v2/requests.xml", fms_report(raw)).status_code == 403
    listing = client.get("/admin/open311").get_data(as_text=True)
    assert "Revoked" in listing


def test_client_form_errors_are_shown(app, client, login, admin):
    make_case_types()
    dartford()
    login(admin)
    token = csrf_token(client, "/admin/open311/new")
    page = client.post("/admin/open311/new", data={"csrf_token": token, "name": "", "channel": ""})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "There is a problem" in text
    assert "Enter the client&#39;s name" in text or "Enter the client's name" in text


def test_admin_pages_still_need_a_csrf_token(app, client, login, admin):
    world = make_world()
    login(admin)
    response = client.post(f"/admin/open311/{world.client.id}/keys", data={})
    assert response.status_code == 400
    assert len(world.client.keys) == 1


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.PARTNER])
def test_only_admins_see_the_pages(app, client, login, role):
    world = make_world()
    login(make_user(role, borough=world.dartford if role != Role.PARTNER else None))
    for path in ("/admin/open311", "/admin/open311/new", "/admin/open311/guide"):
        assert client.get(path).status_code == 403, path


def test_the_guide_documents_keys_and_statuses(app, client, login, admin):
    login(admin)
    text = client.get("/admin/open311/guide").get_data(as_text=True)
    assert "http://127.0.0.1:5000/open311/v2/" in text
    for status in (
        "ACTION_SCHEDULED",
        "INVESTIGATING",
        "FIXED",
        "NO_FURTHER_ACTION",
        "NOT_COUNCILS_RESPONSIBILITY",
        "DUPLICATE",
        "CLOSED",
        "INTERNAL_REFERRAL",
        "REOPEN",
    ):
        assert status in text
    assert "api_key" in text and "/open311/v2/openapi.json" in text
