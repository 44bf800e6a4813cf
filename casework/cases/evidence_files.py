"""Evidence files: checked by content (not by name), stored under instance/ with generated names.

A file's given name is kept only as a label; it never reaches the file system or a URL.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from PIL import Image, UnidentifiedImageError

MAX_BYTES_DEFAULT = 20 * 1024 * 1024
IMAGE_TYPES = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
DOCUMENT_SIGNATURES = {b"%PDF-": ("application/pdf", ".pdf")}
ALLOWED_DESCRIPTION = "a photo (JPEG, PNG or WebP) or a PDF document"
Image.MAX_IMAGE_PIXELS = 60_000_000  # refuse decompression bombs; phone photos are well below


class EvidenceError(ValueError):
    """An upload that cannot be accepted, with a message for the page."""


@dataclass
class CheckedFile:
    """An upload that passed the checks, with what was read from it."""

    data: bytes
    content_type: str
    extension: str
    original_name: str
    latitude: float | None = None
    longitude: float | None = None
    taken_at: datetime | None = None


def storage_dir() -> Path:
    """Where evidence files live (instance/evidence), created on first use."""
    folder = Path(current_app.instance_path) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def clean_label(name: str | None) -> str:
    """A display label from a given file name: no path, no control characters, at most 255 long."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:255] or "unnamed file"


def check_upload(stream: BinaryIO, original_name: str | None) -> CheckedFile:
    """Read and check an upload: size, then type by its content. Raises EvidenceError."""
    limit = current_app.config.get("EVIDENCE_MAX_BYTES", MAX_BYTES_DEFAULT)
    data = stream.read(limit + 1)
    if not data:
        raise EvidenceError("The selected file is empty")
    if len(data) > limit:
        raise EvidenceError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB")
    label = clean_label(original_name)
    for signature, (content_type, extension) in DOCUMENT_SIGNATURES.items():
        if data.startswith(signature):
            return CheckedFile(data, content_type, extension, label)
    return _check_image(data, label)


def _check_image(data: bytes, label: str) -> CheckedFile:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            exif = image.getexif()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise EvidenceError(f"The selected file must be {ALLOWED_DESCRIPTION}") from None
    if kind not in IMAGE_TYPES:
        raise EvidenceError(f"The selected file must be {ALLOWED_DESCRIPTION}")
    content_type, extension = IMAGE_TYPES[kind]
    latitude, longitude = _exif_position(exif)
    return CheckedFile(data, content_type, extension, label, latitude, longitude, _exif_time(exif))


def _rational(value) -> float:
    return float(value[0]) / float(value[1]) if isinstance(value, tuple) else float(value)


def _exif_position(exif) -> tuple[float | None, float | None]:
    """Latitude and longitude from a photo's GPS EXIF block, when present and sane."""
    try:
        gps = exif.get_ifd(0x8825)
        lat_ref, lat, lng_ref, lng = gps.get(1), gps.get(2), gps.get(3), gps.get(4)
        if not (lat and lng and lat_ref and lng_ref):
            return None, None
        latitude = sum(_rational(part) / 60**i for i, part in enumerate(lat))
        longitude = sum(_rational(part) / 60**i for i, part in enumerate(lng))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError):
        return None, None
    latitude = -latitude if str(lat_ref).upper().startswith("S") else latitude
    longitude = -longitude if str(lng_ref).upper().startswith("W") else longitude
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return round(latitude, 6), round(longitude, 6)


def _exif_time(exif) -> datetime | None:
    """When the photo was taken (EXIF DateTimeOriginal, read as UTC), when present."""
    try:
        raw = exif.get_ifd(0x8769).get(36867) or exif.get(306)
        return datetime.strptime(str(raw), "%Y:%m:%d %H:%M:%S").replace(tzinfo=UTC) if raw else None
    except (ValueError, TypeError, AttributeError):
        return None


def store(checked: CheckedFile) -> tuple[str, str]:
    """Write the file under a generated name; returns (stored name, sha256)."""
    stored_name = secrets.token_hex(16) + checked.extension
    path = storage_dir() / stored_name
    with open(path, "xb") as handle:
        handle.write(checked.data)
    return stored_name, hashlib.sha256(checked.data).hexdigest()


def path_of(stored_name: str) -> Path:
    """The file system path of a stored file (stored names are generated, never user input)."""
    return storage_dir() / Path(stored_name).name


def discard(stored_name: str) -> None:
    """Remove a stored file whose database row was not saved."""
    path_of(stored_name).unlink(missing_ok=True)
