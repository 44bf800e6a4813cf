"""GeoReport v2 answers in XML or JSON, its errors, and its dates (W3C / ISO 8601 with a zone)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from flask import Response

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
LONDON = ZoneInfo("Europe/London")
# The element each list's items take in XML (FixMyStreet reads these as lists).
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
}
# Characters XML 1.0 cannot carry at all (C0 controls other than tab, newline and carriage return).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


class Open311Error(Exception):
    """An answer in the specification's error format: a status and one or more descriptions."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = descriptions or ("Error",)


def clean_text(value: str) -> str:
    """Text without the characters XML cannot carry."""
    return NOT_XML.sub("", value)


def w3c(moment: datetime | None) -> str:
    """A W3C datetime in London time with its offset, like 2026-07-01T09:30:00+01:00 ('' for none)."""
    if moment is None:
        return ""
    return moment.astimezone(LONDON).replace(microsecond=0).isoformat()


def parse_datetime(raw: str, name: str) -> datetime:
    """An ISO 8601 datetime with a zone (Z or +01:00), as aware UTC; Open311Error 400 otherwise."""
    text = raw.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise Open311Error(400, f"{name} must be a date and time like 2026-07-01T09:30:00Z") from None
    if value.tzinfo is None:
        raise Open311Error(400, f"{name} must include a time zone, like 2026-07-01T09:30:00+01:00")
    return value.astimezone(UTC)


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return clean_text(str(value))


def _fill(element: ET.Element, value: Any, tag: str) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child, key)
    elif isinstance(value, list):
        item_tag = ITEM_TAGS[tag]
        for item in value:
            _fill(ET.SubElement(element, item_tag), item, item_tag)
    else:
        element.text = _scalar(value)


def to_xml(root: str, body: Any) -> str:
    """The body as an XML document whose root element is `root`."""
    element = ET.Element(root)
    _fill(element, body, root)
    return DECLARATION + ET.tostring(element, encoding="unicode")


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _json_ready(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_json_ready(child) for child in value]
    if isinstance(value, str):
        return clean_text(value)
    return value


def respond(fmt: str, root: str, body: Any, status: int = 200) -> Response:
    """An answer in the requested format (XML when the format is not one we speak)."""
    if fmt == "json":
        text = json.dumps(_json_ready(body), ensure_ascii=False)
    else:
        fmt, text = "xml", to_xml(root, body)
    return Response(text, status=status, content_type=FORMATS[fmt])


def error_response(fmt: str, error: Open311Error) -> Response:
    """The specification's error list: code and description of each problem."""
    body = [{"code": error.status, "description": description} for description in error.descriptions]
    return respond(fmt, "errors", body, error.status)
