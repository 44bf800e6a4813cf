"""Repeat reports: open cases of the same type close to (or at the same postcode as) a new report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from casework.auth.models import User
from casework.cases import workflow
from casework.cases.incident_models import Incident
from casework.cases.location import Point, distance_m
from casework.cases.models import Case
from casework.cases.scope import case_scope
from casework.extensions import db

RADIUS_M = 100
WINDOW_DAYS = 30
MAX_CANDIDATES = 10


@dataclass
class Candidate:
    """An open case the new report may belong to."""

    case_id: int
    reference: str
    summary: str
    state: str
    distance_m: float | None
    last_reported_at: datetime
    same_postcode: bool

    @property
    def state_label(self) -> str:
        return workflow.state_label(self.state)


def repeat_candidates(
    user: User,
    case_type_id: int,
    point: Point | None,
    postcode: str | None,
    now: datetime,
    radius_m: int = RADIUS_M,
    window_days: int = WINDOW_DAYS,
) -> list[Candidate]:
    """Open cases `user` may see, of this type, with a recent incident near `point` or at `postcode`.

    Nearest first (cases matched only by postcode after those with a distance), then most recent.
    """
    near = _near_clause(point, radius_m)
    same_postcode = Incident.postcode == postcode if postcode else None
    where = [clause for clause in (near, same_postcode) if clause is not None]
    if not where:
        return []
    rows = db.session.execute(
        select(
            Case.id,
            Case.reference,
            Case.summary,
            Case.state,
            Incident.easting,
            Incident.northing,
            Incident.postcode,
            Incident.reported_at,
        )
        .join(Incident, Incident.case_id == Case.id)
        .where(
            Case.case_type_id == case_type_id,
            Case.state != "closed",
            case_scope(user),
            Incident.reported_at >= now - timedelta(days=window_days),
            or_(*where),
        )
    )
    found: dict[int, Candidate] = {}
    for row in rows:
        distance = _distance(point, row.easting, row.northing)
        postcode_match = bool(postcode) and row.postcode == postcode
        if not postcode_match and (distance is None or distance > radius_m):
            continue  # inside the bounding box's corner, but further than the radius
        _merge(found, row, distance, postcode_match)
    ordered = sorted(found.values(), key=_order)
    return ordered[:MAX_CANDIDATES]


def _near_clause(point: Point | None, radius_m: int):
    """A bounding box around the point, so the grid index does the work before the exact distance."""
    if point is None:
        return None
    return and_(
        Incident.easting.between(point.easting - radius_m, point.easting + radius_m),
        Incident.northing.between(point.northing - radius_m, point.northing + radius_m),
    )


def _distance(point: Point | None, easting: int | None, northing: int | None) -> float | None:
    if point is None or easting is None or northing is None:
        return None
    return distance_m((point.easting, point.northing), (easting, northing))


def _merge(found: dict[int, Candidate], row, distance: float | None, postcode_match: bool) -> None:
    current = found.get(row.id)
    if current is None:
        found[row.id] = Candidate(
            row.id, row.reference, row.summary, row.state, distance, row.reported_at, postcode_match
        )
        return
    if distance is not None and (current.distance_m is None or distance < current.distance_m):
        current.distance_m = distance
    current.last_reported_at = max(current.last_reported_at, row.reported_at)
    current.same_postcode = current.same_postcode or postcode_match


def _order(candidate: Candidate) -> tuple:
    no_distance = candidate.distance_m is None
    return (no_distance, candidate.distance_m or 0.0, -candidate.last_reported_at.timestamp())
