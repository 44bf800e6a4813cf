"""Postcodes and the two coordinate systems (WGS84 and British National Grid)."""

from __future__ import annotations

import math

import pytest

from casework.cases.location import (
    LocationError,
    distance_m,
    normalise_postcode,
    resolve_point,
    to_grid,
    to_latlng,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("da11dr", "DA1 1DR"),
        ("  DA1 1DR ", "DA1 1DR"),
        ("da11  0aa", "DA11 0AA"),
        ("sw1a2aa", "SW1A 2AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("M1 1AE", "M1 1AE"),
        ("gir0aa", "GIR 0AA"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_postcodes_are_normalised(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["DA1", "12345", "QA1 1AA", "DA1 1CA", "DA1 1DRX", "not a postcode", "DA1-1DR", "<script>", "DA1 1D\x00"],
)
def test_things_that_are_not_postcodes_are_refused(raw):
    with pytest.raises(LocationError) as error:
        normalise_postcode(raw)
    assert error.value.field == "postcode"
    assert "real postcode" in error.value.message


def test_a_known_point_in_dartford_converts_to_the_national_grid():
    east, north = to_grid(51.4463, 0.2176)
    assert math.hypot(east - 554203, north - 174256) <= 5


def test_latitude_and_longitude_give_the_grid_and_back():
    point = resolve_point(51.4463, 0.2176, None, None)
    assert math.hypot(point.easting - 554203, point.northing - 174256) <= 5
    latitude, longitude = to_latlng(point.easting, point.northing)
    assert distance_m(to_grid(latitude, longitude), (point.easting, point.northing)) <= 1


def test_easting_and_northing_give_latitude_and_longitude():
    point = resolve_point(None, None, 554203, 174256)
    assert point.latitude == pytest.approx(51.4463, abs=0.0001)
    assert point.longitude == pytest.approx(0.2176, abs=0.0001)
    assert (point.easting, point.northing) == (554203, 174256)


def test_nothing_given_is_no_point():
    assert resolve_point(None, None, None, None) is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ((51.4, None, None, None), "latitude"),
        ((None, 0.2, None, None), "latitude"),
        ((None, None, 554203, None), "easting"),
        ((None, None, None, 174256), "easting"),
    ],
)
def test_half_a_pair_is_refused(values, field):
    with pytest.raises(LocationError) as error:
        resolve_point(*values)
    assert error.value.field == field and "both" in error.value.message


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ((40.0, 0.2, None, None), "latitude"),
        ((61.5, 0.2, None, None), "latitude"),
        ((51.4, 5.0, None, None), "longitude"),
        ((51.4, -9.0, None, None), "longitude"),
        ((math.nan, 0.2, None, None), "latitude"),
        ((51.4, math.inf, None, None), "longitude"),
        ((None, None, 800_000, 174_256), "easting"),
        ((None, None, -1, 174_256), "easting"),
        ((None, None, 554_203, 1_400_000), "northing"),
        ((None, None, 554_203, math.nan), "northing"),
    ],
)
def test_points_outside_great_britain_are_refused(values, field):
    with pytest.raises(LocationError) as error:
        resolve_point(*values)
    assert error.value.field == field


def test_distance_on_the_grid_is_in_metres():
    assert distance_m((0, 0), (30, 40)) == 50
