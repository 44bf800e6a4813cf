"""Builders for the Open311 tests: a client with a key, and a partnership with located history."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from casework.api.open311 import services
from casework.api.open311.models import Open311Client
from casework.auth.models import User
from casework.cases.location import to_grid
from casework.cases.models import Case
from casework.places.models import Borough
from tests.cases.builders import dartford, gravesham, make_case, make_case_types, officer_in

# A verge in Dartford town centre, and a point 5 km away in Gravesham.
DARTFORD_LAT, DARTFORD_LONG = 51.4463, 0.2176
GRAVESHAM_LAT, GRAVESHAM_LONG = 51.4435, 0.3705
FORM = "application/x-www-form-urlencoded"


@dataclass
class World:
    """Two boroughs, an officer in Dartford, a located case in each borough, and a client with a key."""

    dartford: Borough
    gravesham: Borough
    officer: User
    history: Case  # an older located case of another type, which places reports near it
    client: Open311Client
    key: str


def located_case(borough: Borough, latitude: float, longitude: float, code: str = "graffiti", **kw) -> Case:
    easting, northing = to_grid(latitude, longitude)
    return make_case(
        code=code,
        borough=borough,
        latitude=latitude,
        longitude=longitude,
        easting=easting,
        northing=northing,
        **kw,
    )


def make_client(
    name: str = "FixMyStreet", channel: str = "fixmystreet", boroughs=()
) -> tuple[Open311Client, str]:
    client = services.create_client(None, name, channel, [b.id for b in boroughs])
    return client, services.issue_key(None, client)


def make_world() -> World:
    make_case_types()
    borough, other = dartford(), gravesham()
    officer = officer_in(borough)
    history = located_case(borough, DARTFORD_LAT + 0.001, DARTFORD_LONG, postcode="DA1 1DR")
    located_case(other, GRAVESHAM_LAT, GRAVESHAM_LONG, postcode="DA12 2AA")
    client, key = make_client()
    return World(borough, other, officer, history, client, key)


def post_form(http, path: str, fields: list[tuple[str, str]]):
    """POST fields form-encoded, keeping repeated keys, as LWP's POST does."""
    return http.post(path, data=urlencode(fields), content_type=FORM)
