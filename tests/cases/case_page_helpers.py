"""Helpers for the case page tests: signed-in staff, form posts with a CSRF token, test files."""

from __future__ import annotations

import io

from PIL import Image

from casework.cases.models import Case
from casework.extensions import db
from tests.conftest import csrf_token, sign_in


def case_url(case: Case, suffix: str = "") -> str:
    return f"/cases/{case.reference}{suffix}"


def as_user(client, user):
    """Sign `user` in on `client` (signing out whoever was there)."""
    client.delete_cookie("session")
    response = sign_in(client, user.email)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


ACCOUNT_PAGE = "/account"  # any signed-in page: the layout's sign-out form carries the CSRF token


def post(client, path: str, data: dict | None = None, token_from: str = ACCOUNT_PAGE, **kwargs):
    """POST as a browser would, with a CSRF token taken from a page."""
    payload = {"csrf_token": csrf_token(client, token_from), **(data or {})}
    return client.post(path, data=payload, **kwargs)


def reload(case: Case) -> Case:
    """The case as the database has it now (after requests made through the client)."""
    db.session.expire_all()
    return db.session.get(Case, case.id)


def image_bytes(kind: str = "PNG", gps: tuple[float, float] | None = None) -> bytes:
    """A small real image; with `gps`, a JPEG carrying that position in its EXIF."""
    picture = Image.new("RGB", (8, 8), (200, 30, 30))
    buffer = io.BytesIO()
    if gps is None:
        picture.save(buffer, kind)
        return buffer.getvalue()
    exif = Image.Exif()
    lat, lng = gps
    exif.get_ifd(0x8825).update(
        {1: "N" if lat >= 0 else "S", 2: _dms(lat), 3: "E" if lng >= 0 else "W", 4: _dms(lng)}
    )
    picture.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
