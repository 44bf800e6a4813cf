"""Repeat reports: which open cases a new report may belong to."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casework.cases import services
from casework.cases.location import Point, resolve_point
from casework.cases.nearby import repeat_candidates
from casework.db_types import utcnow
from casework.extensions import db
from tests.cases.builders import (
    case_type,
    dartford,
    gravesham,
    incident_input,
    make_case,
    manager_in,
    officer_in,
)
from tests.cases.log_helpers import DARTFORD_E, DARTFORD_N


def _at(east: int = 0, north: int = 0) -> Point:
    """A point the given number of metres east and north of the Dartford point."""
    return resolve_point(None, None, DARTFORD_E + east, DARTFORD_N + north)


def _case_at(east: int = 0, north: int = 0, postcode: str | None = "DA1 1DR", **overrides):
    """A case whose incident is at an offset from the Dartford point (lat/lng left out: the grid matters)."""
    values = {
        "easting": DARTFORD_E + east,
        "northing": DARTFORD_N + north,
        "latitude": None,
        "longitude": None,
    }
    values.update(overrides)
    return make_case(postcode=postcode, **values)


@pytest.fixture
def officer(app):
    return officer_in(dartford())


def _refs(user, point=None, postcode=None, code="flytipping", now=None) -> list[str]:
    found = repeat_candidates(user, case_type(code).id, point, postcode, now or utcnow())
    return [c.reference for c in found]


def test_an_open_case_within_100_metres_is_found(officer):
    case = _case_at(60, 0, postcode=None)
    found = repeat_candidates(officer, case_type().id, _at(), None, utcnow())
    assert [c.reference for c in found] == [case.reference]
    assert found[0].distance_m == pytest.approx(60)
    assert found[0].state_label and not found[0].same_postcode


def test_a_case_150_metres_away_is_not(officer):
    _case_at(150, 0, postcode=None)
    assert _refs(officer, _at()) == []


def test_the_corner_of_the_search_box_is_outside_the_circle(officer):
    _case_at(80, 80, postcode=None)  # inside the 200 m square, 113 m away
    assert _refs(officer, _at()) == []


def test_the_same_postcode_counts_whatever_the_distance(officer):
    case = _case_at(5000, 0, postcode="DA1 1DR")
    found = repeat_candidates(officer, case_type().id, _at(), "DA1 1DR", utcnow())
    assert [c.reference for c in found] == [case.reference]
    assert found[0].same_postcode and found[0].distance_m == pytest.approx(5000)


def test_postcode_alone_is_enough(officer):
    case = _case_at(0, 0, postcode="DA1 1DR")
    found = repeat_candidates(officer, case_type().id, None, "DA1 1DR", utcnow())
    assert [c.reference for c in found] == [case.reference] and found[0].distance_m is None


def test_nothing_to_compare_finds_nothing(officer):
    _case_at()
    assert _refs(officer) == []


def test_reports_older_than_30_days_are_not_shown(officer):
    _case_at(10, 0, reported_at=utcnow() - timedelta(days=31))
    recent = _case_at(20, 0, reported_at=utcnow() - timedelta(days=29))
    assert _refs(officer, _at(), "DA1 1DR") == [recent.reference]


def test_closed_cases_are_not_shown(officer):
    case = _case_at(10, 0)
    case.state = "closed"
    db.session.commit()
    assert _refs(officer, _at(), "DA1 1DR") == []


def test_other_types_are_not_shown(officer):
    _case_at(10, 0, code="graffiti")
    assert _refs(officer, _at(), "DA1 1DR") == []


def test_another_borough_s_cases_are_not_shown_to_a_borough_officer(officer):
    other = _case_at(10, 0, borough=gravesham())
    assert _refs(officer, _at(), "DA1 1DR") == []
    assert _refs(manager_in(None), _at(), "DA1 1DR") == [other.reference]


def test_nearest_first_and_each_case_once(officer):
    far = _case_at(90, 0)
    near = _case_at(30, 0)
    # a second, nearer report on the far case makes it the nearest
    services.add_incident(
        far.created_by, far, incident_input(dartford(), easting=DARTFORD_E + 5, northing=DARTFORD_N)
    )
    found = repeat_candidates(officer, case_type().id, _at(), None, utcnow())
    assert [c.reference for c in found] == [far.reference, near.reference]
    assert found[0].distance_m == pytest.approx(5)
    assert found[0].last_reported_at == max(i.reported_at for i in far.incidents)
