"""Evidence files: checked by content, EXIF positions read, stored under generated names."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from casework.cases.evidence_files import (
    EvidenceError,
    check_upload,
    clean_label,
    discard,
    path_of,
    storage_dir,
    store,
)
from tests.cases.log_helpers import DARTFORD_LAT, DARTFORD_LNG, jpeg, png

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _check(data: bytes, name: str = "file"):
    return check_upload(io.BytesIO(data), name)


def test_a_jpeg_is_accepted_by_its_content(app):
    checked = _check(jpeg(), "IMG_0001.JPG")
    assert (checked.content_type, checked.extension, checked.original_name) == (
        "image/jpeg",
        ".jpg",
        "IMG_0001.JPG",
    )
    assert checked.latitude is None and checked.longitude is None


def test_a_png_and_a_pdf_are_accepted_whatever_they_are_called(app):
    assert _check(png(), "picture.jpg").content_type == "image/png"
    assert _check(PDF, "letter").content_type == "application/pdf"


def test_a_photo_s_gps_position_is_read(app):
    checked = _check(jpeg(gps=(DARTFORD_LAT, DARTFORD_LNG)))
    assert checked.latitude == pytest.approx(DARTFORD_LAT, abs=0.00001)
    assert checked.longitude == pytest.approx(DARTFORD_LNG, abs=0.00001)


def test_south_and_west_are_negative(app):
    checked = _check(jpeg(gps=(-33.8568, -151.2153)))
    assert checked.latitude == pytest.approx(-33.8568, abs=0.00001)
    assert checked.longitude == pytest.approx(-151.2153, abs=0.00001)


@pytest.mark.parametrize(
    "data",
    [
        b"just text with a .jpg name",
        b"GIF89a\x01\x00\x01\x00",
        b"\xff\xd8\xff\xe0 truncated jpeg",
        b"MZ\x90\x00 exe",
    ],
)
def test_anything_else_is_refused(app, data):
    with pytest.raises(EvidenceError, match="must be a photo"):
        _check(data, "photo.jpg")


def test_an_empty_file_is_refused(app):
    with pytest.raises(EvidenceError, match="empty"):
        _check(b"", "photo.jpg")


def test_a_file_over_the_limit_is_refused(app):
    app.config["EVIDENCE_MAX_BYTES"] = 3 * 1024 * 1024
    with pytest.raises(EvidenceError, match="smaller than 3 MB"):
        _check(PDF + b"0" * (3 * 1024 * 1024))
    assert _check(PDF + b"0" * 1000).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/absolute/path/photo.jpg", "photo.jpg"),
        ("photo\x00.jpg", "photo.jpg"),
        ("line\nbreak.jpg", "linebreak.jpg"),
        ("", "unnamed file"),
        (None, "unnamed file"),
        ("../", "unnamed file"),
        ("a" * 400 + ".jpg", "a" * 255),
        ("<script>.jpg", "<script>.jpg"),  # kept as text; the page escapes it
    ],
)
def test_given_names_become_labels_only(name, label):
    assert clean_label(name) == label


def test_stored_files_get_generated_names_inside_the_evidence_folder(app):
    checked = _check(jpeg(), "../../etc/passwd")
    stored_name, digest = store(checked)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", stored_name) and len(digest) == 64
    path = path_of(stored_name)
    assert path.parent == storage_dir() and path.read_bytes() == checked.data
    assert storage_dir() == Path(app.instance_path) / "evidence"
    discard(stored_name)
    assert not path.exists()


def test_path_of_never_leaves_the_evidence_folder(app):
    assert path_of("../../etc/passwd").parent == storage_dir()
