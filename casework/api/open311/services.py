"""The only code that changes Open311 records: clients, keys, received requests and citizen updates.

Reports become cases through casework.cases.services (log_incident / add_incident / add_note), written
by the client's service account, so a case opened over Open311 has the same history, deadlines and
checks as one logged by an officer.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casework.api.open311.catalogue import LAND_TYPE_UNKNOWN, attributes_for, service_by_code
from casework.api.open311.formats import Open311Error
from casework.api.open311.models import Open311CitizenUpdate, Open311Client, Open311Key, Open311Request
from casework.api.open311.parsing import ReportInput, check_attributes
from casework.api.open311.placing import Placed, place
from casework.auth import services as accounts
from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import services as cases
from casework.cases.categories import REPORT_CHANNELS
from casework.cases.models import Case, CaseType
from casework.cases.nearby import repeat_candidates
from casework.db_types import utcnow
from casework.extensions import db
from casework.places.models import Borough

KEY_BYTES = 32  # 256 bits: a key no one guesses, so a plain SHA-256 of it is a safe thing to store


class ClientError(ValueError):
    """A change to clients or keys that cannot be made, with a message for the page."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def key_hash(raw: str) -> str:
    """The stored form of an API key."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _require_admin(actor: User) -> None:
    if actor.role_enum != Role.ADMIN:
        raise ClientError("Only an administrator can manage Open311 clients")


# ---- clients and keys (admins) -------------------------------------------------------------------


def create_client(actor: User | None, name: str, channel: str, borough_ids: list[int]) -> Open311Client:
    """Register a client with its own service account (actor None: the demo seeding)."""
    if actor is not None:
        _require_admin(actor)
    name = name.strip()
    if not name:
        raise ClientError("Enter the client's name", "name")
    if db.session.scalar(select(Open311Client.id).where(Open311Client.name == name)):
        raise ClientError("A client with this name already exists", "name")
    if channel not in dict(REPORT_CHANNELS):
        raise ClientError("Select the channel the client's reports come through", "channel")
    boroughs = list(db.session.scalars(select(Borough).where(Borough.id.in_(borough_ids))))
    if len(boroughs) != len(set(borough_ids)):
        raise ClientError("Select boroughs of the partnership", "boroughs")
    # Partnership-wide, deactivated, no password: it writes the client's cases, and nothing else.
    details = accounts.AccountDetails(
        email=f"open311-{secrets.token_hex(8)}@open311.invalid",
        name=f"Open311: {name}"[:200],
        role=Role.OFFICER,
        active=False,
    )
    service_user = accounts.create_user(details)
    client = Open311Client(
        name=name, channel=channel, service_user=service_user, boroughs=boroughs, created_by=actor
    )
    db.session.add(client)
    db.session.commit()
    return client


def issue_key(actor: User | None, client: Open311Client, raw: str | None = None) -> str:
    """Issue a new key for the client and return it (shown once; only its hash is kept)."""
    if actor is not None:
        _require_admin(actor)
    raw = raw or secrets.token_urlsafe(KEY_BYTES)
    db.session.add(Open311Key(client=client, key_hash=key_hash(raw), hint=raw[:6], issued_by=actor))
    db.session.commit()
    return raw


def revoke_key(actor: User, key: Open311Key) -> None:
    """Stop a key working, at once; the record stays for the audit trail."""
    _require_admin(actor)
    if key.revoked_at is not None:
        raise ClientError("This key was already revoked")
    key.revoked_at, key.revoked_by = utcnow(), actor
    db.session.commit()


def client_for_key(raw: str | None, now: datetime) -> Open311Client:
    """The client whose live key this is (its last use noted); Open311Error 403 otherwise."""
    if not raw:
        raise Open311Error(403, "api_key is required")
    if len(raw) > 200:
        raise Open311Error(403, "api_key is not valid")
    key = db.session.scalar(
        select(Open311Key).where(Open311Key.key_hash == key_hash(raw), Open311Key.revoked_at.is_(None))
    )
    if key is None:
        raise Open311Error(403, "api_key is not valid or has been revoked")
    key.last_used_at = now
    db.session.commit()
    return key.client


# ---- reports -------------------------------------------------------------------------------------


@dataclass
class Received:
    """What became of a report: its request record and whether it joined an existing case."""

    request: Open311Request
    joined_existing: bool


def submit_request(client: Open311Client, report: ReportInput, now: datetime) -> Received:
    """Turn a report into a case in the 'new' state (the triage queue), or a new incident on a
    matching open case of the same type nearby; the reporter becomes the complainant and the
    photos evidence."""
    case_type = service_by_code(report.service_code)
    if case_type is None:
        raise Open311Error(404, f"service_code {report.service_code[:40]!r} is not a service we offer")
    answers = check_attributes(attributes_for(case_type), report.attributes)
    placed = place(report.point, report.address)
    _check_client_area(client, placed)
    data = _incident_input(client, case_type, report, answers, placed, now)
    actor = client.service_user
    try:
        case, incident_id, joined = _record(actor, case_type, placed, data, now)
    except cases.CaseError as error:
        raise Open311Error(400, error.message) from None
    request = Open311Request(
        service_request_id=case.reference if not joined else f"{case.reference}-R{incident_id}",
        client=client,
        case=case,
        incident_id=incident_id,
        service_code=case_type.code,
        requested_at=now,
        description=report.description,
        address_string=report.address,
        media_url=report.media_url,
        opened_case=not joined,
    )
    db.session.add(request)
    db.session.commit()
    return Received(request, joined)


def _check_client_area(client: Open311Client, placed: Placed) -> None:
    if client.boroughs and placed.ward.borough_id not in {b.id for b in client.boroughs}:
        raise Open311Error(
            400, f"The location is in {placed.ward.borough.name}, which this client does not report for"
        )


def _incident_input(
    client: Open311Client,
    case_type: CaseType,
    report: ReportInput,
    answers: dict[str, list[str]],
    placed: Placed,
    now: datetime,
) -> cases.IncidentInput:
    point = placed.point
    address = report.address or (
        f"Map location {point.latitude:.5f}, {point.longitude:.5f}" if point else placed.postcode or ""
    )
    description = report.description
    if report.media_url:  # kept as a link for officers; never fetched by the server
        description = f"{description}\n\nPhoto link (not checked by the council): {report.media_url}".strip()
    flytip = None
    if case_type.is_flytipping:
        flytip = cases.FlytipInput(
            size=answers["size"][0],
            land_type=answers.get("land_type", [LAND_TYPE_UNKNOWN])[0],
            waste_types=answers["waste"],
        )
    reporter = cases.PersonInput(
        first_name=report.first_name, last_name=report.last_name, phone=report.phone, email=report.email
    )
    return cases.IncidentInput(
        channel=client.channel,
        ward_id=placed.ward.id,
        description=description,
        address=address[:300],
        postcode=placed.postcode,
        latitude=point.latitude if point else None,
        longitude=point.longitude if point else None,
        easting=point.easting if point else None,
        northing=point.northing if point else None,
        reported_at=now,
        flytip=flytip,
        reporter=reporter,
        photos=report.photos,
    )


def _record(
    actor: User, case_type: CaseType, placed: Placed, data: cases.IncidentInput, now: datetime
) -> tuple[Case, int, bool]:
    """Add to the nearest matching open case in the same borough, else open a new case."""
    for candidate in repeat_candidates(actor, case_type.id, placed.point, placed.postcode, now):
        case = db.session.get(Case, candidate.case_id)
        if case is None or case.borough_id != placed.ward.borough_id:
            continue
        try:
            incident = cases.add_incident(actor, case, data)
        except cases.StaleCase:
            break  # the case changed under us: a case of its own is the safe answer
        return case, incident.id, True
    case = cases.log_incident(actor, case_type.id, data)
    return case, case.incidents[-1].id, False


# ---- citizen updates -----------------------------------------------------------------------------


@dataclass
class CitizenUpdateInput:
    """An update posted by a client (mySociety's POST servicerequestupdates)."""

    service_request_id: str
    update_id: str
    description: str
    status: str = ""
    first_name: str = ""
    last_name: str = ""
    media_url: str = ""


def add_citizen_update(client: Open311Client, data: CitizenUpdateInput) -> Open311CitizenUpdate:
    """Keep a citizen's update as a note on the case; posting the same update_id again changes nothing."""
    request = db.session.scalar(
        select(Open311Request).where(
            Open311Request.service_request_id == data.service_request_id,
            Open311Request.client_id == client.id,
        )
    )
    if request is None:
        raise Open311Error(404, f"service_request_id {data.service_request_id[:40]!r} was not found")
    existing = _update_with_id(client, data.update_id)
    if existing is not None:
        return existing
    update = Open311CitizenUpdate(client=client, update_id=data.update_id, request=request)
    db.session.add(update)
    try:
        # add_note commits the note, its history entry and this record together.
        note = cases.add_note(client.service_user, request.case, _note_body(client, data))
    except IntegrityError:  # the same update posted twice at once: the other one won
        db.session.rollback()
        return _update_with_id(client, data.update_id)  # type: ignore[return-value]
    except cases.CaseError as error:
        db.session.rollback()
        raise Open311Error(400, error.message) from None
    update.note = note
    db.session.commit()
    return update


def _update_with_id(client: Open311Client, update_id: str) -> Open311CitizenUpdate | None:
    return db.session.scalar(
        select(Open311CitizenUpdate).where(
            Open311CitizenUpdate.client_id == client.id, Open311CitizenUpdate.update_id == update_id
        )
    )


def _note_body(client: Open311Client, data: CitizenUpdateInput) -> str:
    name = " ".join(part for part in (data.first_name, data.last_name) if part and part != "-")
    lines = [f"Update from the reporter{f' ({name})' if name else ''} via {client.name}:", data.description]
    if data.status.upper() in {"CLOSED", "FIXED"}:
        lines.append(f"The reporter marked the problem as {data.status.lower()} on {client.name}.")
    if data.media_url:
        lines.append(f"Photo link (not checked by the council): {data.media_url}")
    return "\n".join(lines)
