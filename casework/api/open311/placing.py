"""Placing a public report in a ward of the partnership.

The app holds no ward boundaries, only wards as names. What it does hold is where every located
incident lay and the ward an officer recorded for it. So a report is placed in the ward of the nearest
located incident within OPEN311_PLACE_RADIUS_M metres (by lat/long), or, when only an address is
given, in the ward most often recorded for its postcode, then for its postcode sector. A point with
no recorded incident near it is, as far as the app can tell, outside the partnership's area: the
client gets a precise 400 rather than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, func, select

from casework.api.open311.formats import Open311Error
from casework.cases.incident_models import Incident
from casework.cases.location import LocationError, Point, distance_m, normalise_postcode, resolve_point
from casework.extensions import db
from casework.places.models import Ward

POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b")
NEAREST_ROWS = 200  # incidents read around a point: plenty to find the nearest


@dataclass
class Placed:
    """Where a report is: its ward, and what is known of the point and the postcode."""

    ward: Ward
    point: Point | None
    postcode: str | None


def parse_coordinates(raw_lat: str | None, raw_long: str | None) -> Point | None:
    """The point given as lat and long (both or neither), checked to be in Great Britain."""
    if not raw_lat and not raw_long:
        return None
    if not raw_lat or not raw_long:
        raise Open311Error(400, "lat and long must be given together")
    try:
        latitude, longitude = float(raw_lat), float(raw_long)
    except ValueError:
        raise Open311Error(
            400, "lat and long must be decimal degrees (WGS84), like 51.4463 and 0.2176"
        ) from None
    try:
        return resolve_point(latitude, longitude, None, None)
    except LocationError as error:
        raise Open311Error(400, f"{error.message} (lat and long are WGS84 decimal degrees)") from None


def postcode_in(text: str) -> str | None:
    """The first real UK postcode found in an address, normalised ('DA1 1DR'), or None."""
    for match in POSTCODE_IN_TEXT.finditer(text.upper()):
        try:
            return normalise_postcode(match.group(1) + match.group(2))
        except LocationError:
            continue
    return None


def place(point: Point | None, address: str) -> Placed:
    """The ward of a report, from its point, else from the postcode in its address."""
    postcode = postcode_in(address) if address else None
    if point is not None:
        ward = _nearest_ward(point)
        if ward is None:
            radius = current_app.config["OPEN311_PLACE_RADIUS_M"]
            raise Open311Error(
                400,
                f"The location (lat, long) is outside the area this partnership serves: no recorded "
                f"incident lies within {radius} metres of it",
            )
        return Placed(ward, point, postcode)
    if not address:
        raise Open311Error(400, "A location is required: give lat and long, or address_string")
    if postcode is None:
        raise Open311Error(
            400, "The address_string could not be placed: give lat and long, or include the full postcode"
        )
    ward = _ward_for_postcode(postcode)
    if ward is None:
        raise Open311Error(
            400, f"The postcode {postcode} could not be placed in the partnership's area: give lat and long"
        )
    return Placed(ward, None, postcode)


def _nearest_ward(point: Point) -> Ward | None:
    radius = int(current_app.config["OPEN311_PLACE_RADIUS_M"])
    rows = db.session.execute(
        select(Incident.easting, Incident.northing, Incident.ward_id)
        .where(
            Incident.ward_id.is_not(None),
            Incident.easting.between(point.easting - radius, point.easting + radius),
            Incident.northing.between(point.northing - radius, point.northing + radius),
        )
        .limit(NEAREST_ROWS)
    ).all()
    here = (point.easting, point.northing)
    near = [(distance_m(here, (row.easting, row.northing)), row.ward_id) for row in rows]
    near = [pair for pair in near if pair[0] <= radius]
    if not near:
        return None
    return db.session.get(Ward, min(near)[1])


def _ward_for_postcode(postcode: str) -> Ward | None:
    sector = postcode[:-2]  # 'DA1 1DR' -> 'DA1 1'
    for clause in (Incident.postcode == postcode, Incident.postcode.like(f"{sector}__")):
        counts = db.session.execute(
            select(Incident.ward_id, func.count())
            .where(and_(clause, Incident.ward_id.is_not(None)))
            .group_by(Incident.ward_id)
        ).all()
        if counts:
            ward_id, _ = max(counts, key=lambda row: row[1])
            return db.session.get(Ward, ward_id)
    return None
