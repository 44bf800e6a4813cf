"""UK postcodes and the two coordinate systems: WGS84 latitude/longitude and British National Grid."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from pyproj import Transformer

# The Royal Mail formats (A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA) and GIR 0AA.
OUTWARD = r"[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
POSTCODE_RE = re.compile(rf"^(GIR ?0AA|{OUTWARD} ?[0-9][ABD-HJLNP-UW-Z]{{2}})$")

# Great Britain's extent on the National Grid, and in degrees, with a margin.
EASTING_RANGE = (0, 700_000)
NORTHING_RANGE = (0, 1_300_000)
LATITUDE_RANGE = (49.8, 60.9)
LONGITUDE_RANGE = (-8.7, 1.8)


class LocationError(ValueError):
    """A location that cannot be right, with a message for the page."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def normalise_postcode(raw: str | None) -> str | None:
    """'da11aa ' -> 'DA1 1AA'; None for blank; LocationError for something that is not a postcode."""
    if raw is None or not raw.strip():
        return None
    compact = re.sub(r"\s+", "", raw).upper()
    if len(compact) < 5 or len(compact) > 7 or not POSTCODE_RE.match(compact):
        raise LocationError("Enter a real postcode, like DA1 1DR", "postcode")
    return f"{compact[:-3]} {compact[-3:]}"


@lru_cache(maxsize=2)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def to_grid(latitude: float, longitude: float) -> tuple[int, int]:
    """British National Grid (EPSG:27700) easting and northing, to the metre, of a WGS84 point."""
    easting, northing = _transformer("EPSG:4326", "EPSG:27700").transform(longitude, latitude)
    return round(easting), round(northing)


def to_latlng(easting: float, northing: float) -> tuple[float, float]:
    """WGS84 latitude and longitude of a National Grid point, to about 10 cm."""
    longitude, latitude = _transformer("EPSG:27700", "EPSG:4326").transform(easting, northing)
    return round(latitude, 6), round(longitude, 6)


@dataclass
class Point:
    """A located point in both systems."""

    latitude: float
    longitude: float
    easting: int
    northing: int


def _check_range(value: float, bounds: tuple[float, float], message: str, field: str) -> None:
    if not (math.isfinite(value) and bounds[0] <= value <= bounds[1]):
        raise LocationError(message, field)


def resolve_point(
    latitude: float | None, longitude: float | None, easting: float | None, northing: float | None
) -> Point | None:
    """Complete a point from whichever pair was given (latitude/longitude wins); None when neither.

    Raises LocationError for half a pair or a point outside Great Britain.
    """
    if (latitude is None) != (longitude is None):
        raise LocationError("Enter both latitude and longitude, or neither", "latitude")
    if (easting is None) != (northing is None):
        raise LocationError("Enter both easting and northing, or neither", "easting")
    if latitude is not None and longitude is not None:
        _check_range(
            latitude, LATITUDE_RANGE, "Latitude must be in Great Britain, between 49.8 and 60.9", "latitude"
        )
        _check_range(
            longitude,
            LONGITUDE_RANGE,
            "Longitude must be in Great Britain, between -8.7 and 1.8",
            "longitude",
        )
        east, north = to_grid(latitude, longitude)
        return Point(round(latitude, 6), round(longitude, 6), east, north)
    if easting is not None and northing is not None:
        _check_range(easting, EASTING_RANGE, "Easting must be between 0 and 700000", "easting")
        _check_range(northing, NORTHING_RANGE, "Northing must be between 0 and 1300000", "northing")
        lat, lng = to_latlng(easting, northing)
        return Point(lat, lng, round(easting), round(northing))
    return None


def distance_m(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Distance in metres between two National Grid points (the grid is in metres)."""
    return math.hypot(a[0] - b[0], a[1] - b[1])
