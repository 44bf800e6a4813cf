"""Reading our answers the way FixMyStreet does (Perl's XML::Simple with ForceArray), and its requests.

XML::Simple turns an element with only text into a string, an empty element into an empty hash, and
an element with children into a hash; the elements FixMyStreet names in ForceArray are always lists.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

FORCE_ARRAY = frozenset({"service", "attribute", "value", "request", "error", "request_update"})
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'


def _simple(element: ET.Element):
    children = list(element)
    if not children:
        return element.text if element.text else {}
    result: dict = {}
    for child in children:
        value = _simple(child)
        if child.tag in FORCE_ARRAY:
            result.setdefault(child.tag, []).append(value)
        elif child.tag in result:  # XML::Simple folds repeats into a list
            current = result[child.tag]
            result[child.tag] = (current if isinstance(current, list) else [current]) + [value]
        else:
            result[child.tag] = value
    return result


def xml_in(text: str) -> dict:
    """The document as XML::Simple->XMLin(ForceArray => [...]) gives it (the root element dropped)."""
    assert text.startswith(DECLARATION), text[:80]
    root = ET.fromstring(text.encode("utf-8"))  # noqa: S314 - our own answers, in a test
    parsed = _simple(root)
    return parsed if isinstance(parsed, dict) else {}


def fms_report(api_key: str, /, **overrides) -> list[tuple[str, str]]:
    """The form FixMyStreet posts for a flytipping report (Open311.pm, _populate_service_request_params)."""
    fields = [
        ("jurisdiction_id", "dartford"),
        ("api_key", api_key),
        ("service_code", "flytipping"),
        (
            "description",
            "title: Mattress and bags dumped\n\ndetail: A mattress and six black bags by the kerb.\n\n"
            "url: https://www.fixmystreet.com/report/123456\n\nSubmitted via FixMyStreet\n",
        ),
        ("first_name", "Jo"),
        ("last_name", "Bloggs"),
        ("email", "jo.bloggs@example.org"),
        ("phone", "07700 900123"),
        ("lat", "51.44630"),
        ("long", "0.21760"),
        ("attribute[size]", "small_van"),
        ("attribute[waste]", "bags_household"),
        ("attribute[waste]", "other_household"),
    ]
    replaced = {key for key in overrides}
    fields = [(key, value) for key, value in fields if key not in replaced]
    for key, value in overrides.items():
        if value is None:
            continue
        if isinstance(value, list):
            fields += [(key, item) for item in value]
        else:
            fields.append((key, value))
    return fields
