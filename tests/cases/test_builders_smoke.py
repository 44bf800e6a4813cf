"""The case builders produce real cases through the services."""

from tests.cases.builders import dartford, gravesham, make_case


def test_make_case_gives_a_borough_reference_and_history(app):
    first = make_case()
    second = make_case()
    other = make_case(borough=gravesham(), postcode="DA11 0AA")
    assert first.reference.startswith("DAR-") and first.reference.endswith("00001")
    assert second.reference.endswith("00002")
    assert other.reference.startswith("GRA-") and other.reference.endswith("00001")
    assert first.borough == dartford()
    kinds = [e.kind for e in reversed(first.events) if not e.kind.startswith("deadline")]
    assert kinds[:2] == ["created", "incident_added"]
