"""Helpers for the "Log an incident" tests: real image files and a valid form as a browser posts it."""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational
from sqlalchemy import func, select

from casework.cases.models import Case
from casework.extensions import db
from casework.formatting import LONDON
from casework.places.models import Borough
from tests.cases.builders import case_type
from tests.conftest import csrf_token

# A point in Dartford: 51.4463 N, 0.2176 E is about E 554203, N 174256 on the National Grid.
DARTFORD_LAT, DARTFORD_LNG = 51.4463, 0.2176
DARTFORD_E, DARTFORD_N = 554203, 174256


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 10_000)
    return IFDRational(degrees), IFDRational(minutes), IFDRational(seconds, 10_000)


def jpeg(
    gps: tuple[float, float] | None = None, size: tuple[int, int] = (16, 16), noise: bool = False
) -> bytes:
    """A real JPEG made with Pillow, with an EXIF GPS position when `gps` is (latitude, longitude)."""
    image = Image.new("RGB", size, "green")
    if noise:  # noise does not compress, so the file is as large as its pixels
        rng = random.Random(1)
        image.putdata(
            [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])]
        )
    exif = Image.Exif()
    if gps is not None:
        latitude, longitude = gps
        exif[ExifTags.IFD.GPSInfo] = {
            1: "N" if latitude >= 0 else "S",
            2: _dms(abs(latitude)),
            3: "E" if longitude >= 0 else "W",
            4: _dms(abs(longitude)),
        }
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    """One file for the test client's `data`, as a browser sends it."""
    return (io.BytesIO(data), name, content_type)


def date_parts(days_ago: int = 0) -> list[str]:
    """Day, month and year boxes for a London date `days_ago` days before today."""
    day = (datetime.now(LONDON) - timedelta(days=days_ago)).date()
    return [str(day.day), str(day.month), str(day.year)]


def form_data(client, borough: Borough, code: str = "flytipping", **overrides) -> dict:
    """A valid "Log an incident" form for a type, with a fresh CSRF token; overrides replace fields.

    A value of None removes the field, as a browser would not send it.
    """
    kind = case_type(code)
    data = {
        "csrf_token": csrf_token(client, "/cases/new"),
        "case_type_id": str(kind.id),
        "channel": "officer_observed",
        "occurred_on": date_parts(days_ago=1),
        "occurred_time": "",
        "description": "Bags of household waste by the kerb",
        "ward_id": str(borough.wards[0].id),
        "address": "1 High Street",
        "postcode": "da1 1dr",
        "uprn": "",
        "latitude": "",
        "longitude": "",
        "easting": "",
        "northing": "",
        "first_name": "",
        "last_name": "",
        "phone": "",
        "email": "",
    }
    if kind.is_flytipping:
        data.update(
            {
                "size": "small_van",
                "land_type": "highway",
                "waste_types": ["other_household"],
                "evidence_found": "no",
            }
        )
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def post(client, data: dict):
    return client.post("/cases/new", data=data, content_type="multipart/form-data")


def case_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def evidence_files() -> list[Path]:
    folder = Path(current_app.instance_path) / "evidence"
    return sorted(folder.iterdir()) if folder.exists() else []


def pending_folders() -> list[Path]:
    folder = Path(current_app.instance_path) / "pending"
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.exists() else []
