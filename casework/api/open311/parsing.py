"""Reading a POST body as GeoReport v2 (and FixMyStreet) send it: checked, or an Open311Error."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Request
from werkzeug.datastructures import FileStorage, MultiDict

from casework.api.open311.catalogue import Attribute
from casework.api.open311.formats import Open311Error, clean_text
from casework.api.open311.placing import parse_coordinates
from casework.cases.evidence_files import CheckedFile, EvidenceError, check_upload
from casework.cases.location import Point

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]{1,100})\](\[\])?$")
PHOTO_FIELDS = ("media", "photo", *(f"photo{n}" for n in range(1, 11)))
MAX_PHOTOS = 5
DESCRIPTION_MAX = 4000
# (field, limit): what the case file can hold of each reporter detail.
LIMITS = {
    "first_name": 100,
    "last_name": 100,
    "phone": 40,
    "email": 254,
    "address_string": 300,
    "media_url": 1000,
    "update_id": 64,
    "service_request_id": 40,
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


@dataclass
class ReportInput:
    """A service request as posted, checked field by field (attributes against the service later)."""

    service_code: str
    point: Point | None
    address: str
    description: str
    media_url: str
    first_name: str
    last_name: str
    phone: str
    email: str
    attributes: dict[str, list[str]] = field(default_factory=dict)
    photos: list[CheckedFile] = field(default_factory=list)


def check_form_body(request: Request) -> MultiDict:
    """The form of a POST, refusing other content types and multipart bodies that cannot be read."""
    if request.mimetype not in FORM_TYPES:
        raise Open311Error(
            400,
            "The body must be application/x-www-form-urlencoded or multipart/form-data, "
            f"not {request.mimetype or 'none'}",
        )
    if request.mimetype == "multipart/form-data":
        if not request.mimetype_params.get("boundary"):
            raise Open311Error(400, "The multipart body has no boundary in its Content-Type")
        if not request.form and not request.files and request.content_length:
            raise Open311Error(400, "The multipart body is malformed and could not be read")
    return request.form


def text_field(form: MultiDict, name: str, limit: int | None = None) -> str:
    """One text field, trimmed and cleaned; 400 when given twice or too long."""
    values = form.getlist(name)
    if len(values) > 1:
        raise Open311Error(400, f"{name} must be given once")
    value = clean_text(values[0]).strip() if values else ""
    limit = limit or LIMITS.get(name)
    if limit is not None and len(value) > limit:
        raise Open311Error(400, f"{name} must be {limit:,} characters or fewer")
    return value


def email_field(form: MultiDict) -> str:
    value = text_field(form, "email")
    if value and not EMAIL.match(value):
        raise Open311Error(400, "email must be an email address, like name@example.org")
    return value


def media_url_field(form: MultiDict) -> str:
    value = text_field(form, "media_url")
    if value and not URL.match(value):
        raise Open311Error(400, "media_url must be an http or https address")
    return value


def parse_report(form: MultiDict, files: MultiDict) -> ReportInput:
    """The fields of POST requests, each checked; photos checked by content."""
    service_code = text_field(form, "service_code", 100)
    if not service_code:
        raise Open311Error(400, "service_code is required")
    return ReportInput(
        service_code=service_code,
        point=parse_coordinates(text_field(form, "lat", 50), text_field(form, "long", 50)),
        address=text_field(form, "address_string"),
        description=text_field(form, "description", DESCRIPTION_MAX),
        media_url=media_url_field(form),
        first_name=text_field(form, "first_name"),
        last_name=text_field(form, "last_name"),
        phone=text_field(form, "phone"),
        email=email_field(form),
        attributes=_attributes(form),
        photos=_photos(files),
    )


def _attributes(form: MultiDict) -> dict[str, list[str]]:
    """attribute[code] and attribute[code][] (repeated keys too, as FixMyStreet sends) -> values."""
    found: dict[str, list[str]] = {}
    for key in form:
        match = ATTRIBUTE_KEY.match(key)
        if match:
            values = [clean_text(v).strip() for v in form.getlist(key)]
            found.setdefault(match.group(1), []).extend(v for v in values if v)
    return found


def check_attributes(attributes: tuple[Attribute, ...], given: dict[str, list[str]]) -> dict[str, list[str]]:
    """The answers to the service's attributes, each checked against its list (unknown codes ignored)."""
    answers: dict[str, list[str]] = {}
    for attribute in attributes:
        values = list(dict.fromkeys(given.get(attribute.code, [])))
        if not values:
            if attribute.required:
                raise Open311Error(400, f"attribute[{attribute.code}] is required: {attribute.description}")
            continue
        if len(values) > 1 and not attribute.multiple:
            raise Open311Error(400, f"attribute[{attribute.code}] takes one value, not {len(values)}")
        unknown = [v for v in values if v not in attribute.keys]
        if unknown:
            allowed = ", ".join(sorted(attribute.keys))
            raise Open311Error(
                400, f"attribute[{attribute.code}]: '{unknown[0][:50]}' is not one of the values: {allowed}"
            )
        answers[attribute.code] = values
    return answers


def _photos(files: MultiDict) -> list[CheckedFile]:
    uploads: list[tuple[str, FileStorage]] = []
    for name in PHOTO_FIELDS:
        uploads += [
            (name, upload) for upload in files.getlist(name) if upload.filename or upload.content_length
        ]
    if len(uploads) > MAX_PHOTOS:
        raise Open311Error(400, f"At most {MAX_PHOTOS} photos can be sent with a report")
    checked = []
    for name, upload in uploads:
        try:
            checked.append(check_upload(upload.stream, upload.filename))
        except EvidenceError as error:
            raise Open311Error(400, f"{name}: {error}") from None
    return checked
