"""What the public may read over Open311: requests received this way and their public updates.

Only requests that came in over Open311 are listed (cases logged by officers never are), and of each
only the report as the reporter wrote it, its place and its public status: no names, e-mail addresses
or phone numbers, no notes, no evidence, no officer's words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from casework.api.open311 import statuses
from casework.api.open311.formats import Open311Error, w3c
from casework.api.open311.models import Open311Client, Open311Request
from casework.cases.models import Case, CaseEvent
from casework.extensions import db

MAX_REQUESTS = 1000  # the specification's cap on one answer
MAX_UPDATES = 1000
DEFAULT_DAYS = 90
MAX_IDS = 100
PUBLIC_KINDS = or_(
    CaseEvent.kind == "clearance_recorded",
    (CaseEvent.kind.like("transition:%")) & (CaseEvent.kind != "transition:request_closure"),
)


@dataclass
class RequestFilter:
    """GET requests' filters, already checked."""

    ids: list[str]
    service_code: str | None
    start: datetime
    end: datetime
    statuses: frozenset[str]


def _window(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """The dates asked for, with the specification's default of the last 90 days."""
    end = end or now
    start = start or end - timedelta(days=DEFAULT_DAYS)
    if start > end:
        raise Open311Error(400, "start_date must be before end_date")
    return start, end


def build_filter(
    ids: str, service_code: str, start: datetime | None, end: datetime | None, status: str, now: datetime
) -> RequestFilter:
    """The filters with the specification's defaults: the last 90 days, any status."""
    wanted = [part.strip() for part in ids.split(",") if part.strip()] if ids else []
    if len(wanted) > MAX_IDS:
        raise Open311Error(400, f"service_request_id takes at most {MAX_IDS} ids")
    start, end = _window(start, end, now)
    if end - start > timedelta(days=DEFAULT_DAYS):
        raise Open311Error(400, f"start_date and end_date may not span more than {DEFAULT_DAYS} days")
    chosen = (
        frozenset(part.strip().lower() for part in status.split(",") if part.strip())
        if status
        else frozenset()
    )
    if chosen - {"open", "closed"}:
        raise Open311Error(400, "status must be open, closed or both (comma-separated)")
    return RequestFilter(wanted, service_code or None, start, end, chosen)


def find_requests(f: RequestFilter) -> list[Open311Request]:
    """Requests matching the filters, newest first; ids given override the other filters."""
    query = select(Open311Request).join(Case, Case.id == Open311Request.case_id)
    if f.ids:
        query = query.where(Open311Request.service_request_id.in_(f.ids))
    else:
        query = query.where(Open311Request.requested_at.between(f.start, f.end))
        if f.service_code:
            query = query.where(Open311Request.service_code == f.service_code)
        if f.statuses == {"open"}:
            query = query.where(Case.state != "closed")
        elif f.statuses == {"closed"}:
            query = query.where(Case.state == "closed")
    query = query.options(
        joinedload(Open311Request.case).joinedload(Case.case_type),
        joinedload(Open311Request.case).joinedload(Case.borough),
        joinedload(Open311Request.incident),
    )
    return list(db.session.scalars(query.order_by(Open311Request.requested_at.desc()).limit(MAX_REQUESTS)))


def request_by_id(service_request_id: str) -> Open311Request | None:
    return db.session.scalar(
        select(Open311Request).where(Open311Request.service_request_id == service_request_id[:40])
    )


def _latest_public(requests: list[Open311Request]) -> dict[int, tuple[CaseEvent, statuses.PublicStatus]]:
    """The latest public event of each request's case since the request came in."""
    by_case: dict[int, list[Open311Request]] = defaultdict(list)
    for request in requests:
        by_case[request.case_id].append(request)
    latest: dict[int, tuple[CaseEvent, statuses.PublicStatus]] = {}
    if not by_case:
        return latest
    events = db.session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id.in_(list(by_case)), PUBLIC_KINDS)
        .order_by(CaseEvent.at, CaseEvent.id)
    )
    for event in events:
        shown = statuses.public_status(event)
        if shown is None:
            continue
        for request in by_case[event.case_id]:
            if event.at >= request.requested_at:
                latest[request.id] = (event, shown)
    return latest


def request_entries(requests: list[Open311Request]) -> list[dict]:
    """Each request as GeoReport v2 shows it (public fields only)."""
    latest = _latest_public(requests)
    return [_entry(request, latest.get(request.id)) for request in requests]


def _entry(request: Open311Request, latest: tuple[CaseEvent, statuses.PublicStatus] | None) -> dict:
    case, incident = request.case, request.incident
    if latest is not None:
        updated, notes = latest[0].at, latest[1].description
    else:
        updated, notes = request.requested_at, statuses.BY_STATE["new"].description
    if not case.is_open and latest is None:
        notes = statuses.CLOSED.description
    return {
        "service_request_id": request.service_request_id,
        "status": "open" if case.is_open else "closed",
        "status_notes": notes,
        "service_name": case.case_type.name,
        "service_code": request.service_code,
        "description": request.description,
        "agency_responsible": case.borough.name,
        "service_notice": "",
        "address_id": "",
        "requested_datetime": w3c(request.requested_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": "",
        "address": request.address_string or incident.address,
        "zipcode": incident.postcode or "",
        "lat": incident.latitude if incident.latitude is not None else "",
        "long": incident.longitude if incident.longitude is not None else "",
        "media_url": request.media_url,
    }


def update_entries(
    client: Open311Client, start: datetime | None, end: datetime | None, now: datetime
) -> list[dict]:
    """The public updates on this client's requests between start and end, oldest first."""
    start, end = _window(start, end, now)
    rows = db.session.execute(
        select(CaseEvent, Open311Request)
        .join(Open311Request, Open311Request.case_id == CaseEvent.case_id)
        .where(
            Open311Request.client_id == client.id,
            CaseEvent.at >= Open311Request.requested_at,
            CaseEvent.at.between(start, end),
            PUBLIC_KINDS,
        )
        .order_by(CaseEvent.at, CaseEvent.id, Open311Request.id)
        .limit(MAX_UPDATES)
    ).all()
    entries = []
    for event, request in rows:
        shown = statuses.public_status(event)
        if shown is None:
            continue
        entries.append(
            {
                "update_id": f"{event.id}-{request.id}",
                "service_request_id": request.service_request_id,
                "status": shown.status,
                "updated_datetime": w3c(event.at),
                "description": shown.description,
                "media_url": "",
                "external_status_code": statuses.external_status_code(event),
            }
        )
    return entries
