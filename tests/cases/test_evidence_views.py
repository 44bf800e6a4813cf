"""Uploading and downloading evidence through the case page: checks, storage, headers and scope."""

from __future__ import annotations

import io
import re

import pytest

from casework.cases import evidence_files, services
from casework.cases.record_models import Evidence
from casework.extensions import db
from tests.cases.builders import dartford, gravesham, make_case, manager_in, officer_in
from tests.cases.case_page_helpers import PDF_BYTES, as_user, case_url, image_bytes, post, reload


def _upload(client, case, content: bytes, name: str, **fields):
    data = {"file": (io.BytesIO(content), name), **fields}
    return post(client, case_url(case, "/evidence"), data, case_url(case), content_type="multipart/form-data")


def _stored_files() -> list[str]:
    return sorted(path.name for path in evidence_files.storage_dir().iterdir())


@pytest.fixture
def officer_and_case(app, client):
    officer = officer_in(dartford())
    case = make_case(officer)
    as_user(client, officer)
    return officer, case


def test_upload_form_is_a_gov_uk_file_input(app, client, officer_and_case):
    _, case = officer_and_case
    page = client.get(case_url(case, "/evidence")).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'class="govuk-file-upload' in page
    assert 'name="internal"' in page and 'name="description"' in page


def test_photo_upload_is_stored_under_a_generated_name_and_shown(app, client, officer_and_case):
    officer, case = officer_and_case
    content = image_bytes("JPEG", gps=(51.4463, 0.2176))
    response = _upload(client, case, content, "IMG_0001.jpg", description="The pile", internal="y")
    assert response.status_code == 302 and response.headers["Location"].endswith("#evidence")
    item = reload(case).evidence[0]
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", item.stored_name)
    assert item.original_name == "IMG_0001.jpg" and item.content_type == "image/jpeg"
    assert item.internal and item.description == "The pile" and item.uploaded_by_id == officer.id
    assert evidence_files.path_of(item.stored_name).read_bytes() == content
    assert (item.latitude, item.longitude) == pytest.approx((51.4463, 0.2176), abs=1e-4)
    text = client.get(case_url(case)).get_data(as_text=True)
    assert "IMG_0001.jpg uploaded" in text and "Internal only" in text and "51.446300, 0.217600" in text
    assert reload(case).events[0].kind == "evidence_added"


def test_photo_is_served_inline_with_its_type(app, client, officer_and_case):
    _, case = officer_and_case
    content = image_bytes("PNG")
    _upload(client, case, content, "front.png")
    item = reload(case).evidence[0]
    response = client.get(case_url(case, f"/evidence/{item.id}"))
    assert response.status_code == 200 and response.data == content
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


def test_document_is_served_as_an_attachment_under_a_sanitised_name(app, client, officer_and_case):
    _, case = officer_and_case
    _upload(client, case, PDF_BYTES, '..\\..\\Witness "statement"; rm -rf.exe')
    item = reload(case).evidence[0]
    assert item.content_type == "application/pdf" and item.stored_name.endswith(".pdf")
    response = client.get(case_url(case, f"/evidence/{item.id}"))
    assert response.status_code == 200 and response.data == PDF_BYTES
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    name = re.search(r'filename="?([^";]+)', disposition).group(1)
    assert re.fullmatch(r"[A-Za-z0-9_.-]+\.pdf", name) and ".." not in name and "/" not in name
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "hostile",
    [
        "../../../etc/passwd.png",
        "/var/www/x.png",
        "C:\\Windows\\evil.png",
        "<script>alert(1)</script>.png",
        "tab\tand\x07bell.png",
    ],
)
def test_hostile_names_never_reach_the_disk_or_the_page(app, client, officer_and_case, hostile):
    _, case = officer_and_case
    assert _upload(client, case, image_bytes(), hostile).status_code == 302
    item = reload(case).evidence[0]
    assert re.fullmatch(r"[0-9a-f]{32}\.png", item.stored_name)
    assert "/" not in item.original_name and "\\" not in item.original_name
    assert all(character.isprintable() for character in item.original_name)
    assert _stored_files() == [item.stored_name]
    page = client.get(case_url(case)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    disposition = client.get(case_url(case, f"/evidence/{item.id}")).headers["Content-Disposition"]
    assert "/" not in disposition and "\\" not in disposition and "<" not in disposition


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.jpg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "drawing.svg"),
        (b"MZ\x90\x00" + b"\x00" * 100, "invoice.pdf"),
        (b"GIF89a" + b"\x00" * 50, "anim.gif"),
        (image_bytes("PNG")[:40], "truncated.png"),
    ],
)
def test_wrong_types_are_refused_and_nothing_is_saved(app, client, officer_and_case, content, name):
    _, case = officer_and_case
    response = _upload(client, case, content, name)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "The selected file must be a photo (JPEG, PNG or WebP) or a PDF document" in html
    assert db.session.query(Evidence).count() == 0 and _stored_files() == []


def test_too_large_is_refused_and_nothing_is_saved(app, client, officer_and_case):
    _, case = officer_and_case
    app.config["EVIDENCE_MAX_BYTES"] = 1024 * 1024
    response = _upload(client, case, PDF_BYTES + b"0" * (1024 * 1024), "big.pdf")
    assert response.status_code == 200
    assert "The selected file must be smaller than 1 MB" in response.get_data(as_text=True)
    assert db.session.query(Evidence).count() == 0 and _stored_files() == []


def test_missing_or_empty_file_is_named(app, client, officer_and_case):
    _, case = officer_and_case
    response = post(client, case_url(case, "/evidence"), {"description": "x"}, case_url(case))
    assert "Select a file to upload" in response.get_data(as_text=True)
    response = _upload(client, case, b"", "empty.png")
    assert "The selected file is empty" in response.get_data(as_text=True)
    assert db.session.query(Evidence).count() == 0


def test_long_description_is_refused_but_the_file_is_not_half_saved(app, client, officer_and_case):
    _, case = officer_and_case
    response = _upload(client, case, image_bytes(), "ok.png", description="x" * 501)
    assert "The description must be 500 characters or fewer" in response.get_data(as_text=True)
    assert db.session.query(Evidence).count() == 0 and _stored_files() == []


# ---- scope --------------------------------------------------------------------------------------


def test_evidence_of_another_case_is_404_through_this_case(app, client, officer_and_case):
    officer, case = officer_and_case
    other = make_case(officer)
    checked = evidence_files.check_upload(io.BytesIO(image_bytes()), "other.png")
    services.add_evidence(officer, other, checked)
    item = reload(other).evidence[0]
    assert client.get(case_url(case, f"/evidence/{item.id}")).status_code == 404
    assert client.get(case_url(other, f"/evidence/{item.id}")).status_code == 200
    assert client.get(case_url(case, "/evidence/999999")).status_code == 404


def test_evidence_file_is_404_to_another_borough_and_403_to_partners(app, client):
    borough = dartford()
    officer = officer_in(borough)
    case = make_case(officer)
    checked = evidence_files.check_upload(io.BytesIO(PDF_BYTES), "statement.pdf")
    services.add_evidence(officer, case, checked)
    url = case_url(case, f"/evidence/{reload(case).evidence[0].id}")
    assert as_user(client, officer_in(gravesham())).get(url).status_code == 404
    assert as_user(client, manager_in(gravesham())).get(url).status_code == 404
    assert as_user(client, manager_in(None)).get(url).status_code == 200


def test_missing_file_on_disk_is_404_not_500(app, client, officer_and_case):
    officer, case = officer_and_case
    checked = evidence_files.check_upload(io.BytesIO(image_bytes()), "gone.png")
    services.add_evidence(officer, case, checked)
    item = reload(case).evidence[0]
    evidence_files.discard(item.stored_name)
    assert client.get(case_url(case, f"/evidence/{item.id}")).status_code == 404
