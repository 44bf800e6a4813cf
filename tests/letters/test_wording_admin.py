"""Administrators edit the council's wording at /admin/settings/letters: checked, previewed, versioned."""

from __future__ import annotations

import pytest

from casework.auth.roles import Role
from casework.extensions import db
from casework.letters.models import LetterTemplate, LetterTemplateVersion
from tests.builders import make_user
from tests.cases.builders import dartford, manager_in, officer_in
from tests.conftest import CSRF_RE

EDIT = "/admin/settings/letters/cpw"


@pytest.fixture
def admin(app):
    return make_user(Role.ADMIN, email="admin@example.test")


def _post(client, data: dict):
    token = CSRF_RE.search(client.get(EDIT).get_data(as_text=True)).group(1)
    return client.post(EDIT, data={"csrf_token": token, **data})


def _cpw() -> LetterTemplate:
    return db.session.query(LetterTemplate).filter_by(code="cpw").one()


def test_the_settings_page_links_to_the_letters(login, admin):
    client = login(admin)
    assert "/admin/settings/letters" in client.get("/admin/settings").get_data(as_text=True)
    page = client.get("/admin/settings/letters").get_data(as_text=True)
    for title in (
        "Warning letter",
        "Community Protection Warning",
        "Community Protection Notice",
        "Fixed Penalty Notice",
        "Notice to produce waste transfer documents",
    ):
        assert title in page


def test_saving_makes_a_new_version_and_keeps_the_old(login, admin):
    client = login(admin)
    original = client.get(EDIT).get_data(as_text=True)
    assert "{{ recipient_name }}" in original and "Version 1" in original
    response = _post(
        client,
        {
            "title": "Community Protection Warning",
            "body": "Dear {{ recipient_name }}\n\nStop by {{ compliance_date }}.",
            "version": "1",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    template = _cpw()
    assert template.version == 2 and template.updated_by == admin
    assert "Stop by" in template.body
    versions = db.session.query(LetterTemplateVersion).filter_by(template_id=template.id).count()
    assert versions == 2
    old = client.get(f"{EDIT}/versions/1").get_data(as_text=True)
    assert "section 43" in old
    listing = client.get("/admin/settings/letters").get_data(as_text=True)
    assert admin.name in listing


def test_an_unknown_placeholder_is_a_clear_error_and_nothing_is_saved(login, admin):
    client = login(admin)
    body = "Dear {{ recipient_name }}, pay {{ fine_total }}."
    response = _post(client, {"title": "CPW", "body": body, "version": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page and "{{ fine_total }} is not a placeholder" in page
    assert "pay {{ fine_total }}" in page  # what was typed is kept on the page
    db.session.expire_all()
    assert _cpw().version == 1


def test_an_empty_wording_is_refused(login, admin):
    client = login(admin)
    response = _post(client, {"title": "CPW", "body": "   ", "version": "1"})
    assert response.status_code == 200 and "Enter the wording of the letter" in response.get_data(
        as_text=True
    )


def test_preview_fills_in_made_up_details_without_saving(login, admin):
    client = login(admin)
    response = _post(
        client,
        {
            "title": "CPW",
            "body": "Dear {{ recipient_name }}\n\n## Heading\n- a point",
            "version": "1",
            "preview": "Preview",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Dear Alex Example" in page and "<li>a point</li>" in page
    db.session.expire_all()
    assert _cpw().version == 1


def test_someone_elses_save_is_not_overwritten(login, admin):
    client = login(admin)
    _post(client, {"title": "CPW", "body": "First change {{ recipient_name }}", "version": "1"})
    response = _post(client, {"title": "CPW", "body": "Second change", "version": "1"})
    assert response.status_code == 200
    assert "Someone else saved this letter" in response.get_data(as_text=True)
    db.session.expire_all()
    assert "First change" in _cpw().body


def test_markup_in_wording_is_shown_as_text(login, admin):
    client = login(admin)
    response = _post(
        client, {"title": "CPW", "body": "<script>alert(1)</script>", "version": "1", "preview": "Preview"}
    )
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_only_administrators_edit_wording(login, client, role):
    user = officer_in(dartford()) if role == "officer" else manager_in(None)
    login(user)
    assert client.get("/admin/settings/letters").status_code == 403
    assert client.get(EDIT).status_code == 403


def test_an_unknown_letter_is_404(login, admin):
    client = login(admin)
    assert client.get("/admin/settings/letters/parking_ticket").status_code == 404
