"""The demo cases that `make run` seeds: made once, through the real services, covering every page."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casework import create_app
from casework.auth.models import User
from casework.cases.categories import FLYTIP_SIZES, LAND_TYPES, WASTE_TYPES
from casework.cases.evidence_files import path_of
from casework.cases.incident_models import ClearanceCost, FlytipDetails, Incident
from casework.cases.location import POSTCODE_RE, to_grid
from casework.cases.models import Case, CaseEvent, CaseType, Priority
from casework.cases.party_models import CaseParty, Person
from casework.cases.record_models import Evidence, Note
from casework.cases.workflow import OUTCOMES, OUTCOMES_WITHOUT_CLEARANCE, STATES
from casework.demo import DemoRefused, seed_demo
from casework.demo_cases import (
    CASE_TYPES,
    EXTRA_OFFICERS,
    FLYTIP_SIZE_SHARES,
    LAND_TYPE_SHARES,
    MAIN_WASTE_SHARES,
    seed_demo_cases,
)
from casework.extensions import db
from casework.places.models import Borough
from config import ProductionConfig
from tests.cases.builders import make_case
from tests.conftest import make_config, sign_in

DEMO_POSTCODE_AREAS = {"DA1", "DA2", "DA9", "DA10", "DA11", "DA12", "DA13"}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _counts() -> dict[str, int]:
    models = (User, Case, Incident, FlytipDetails, CaseEvent, Note, Evidence, Person, CaseParty, Priority)
    return {model.__name__: _count(model) for model in models}


def test_seeding_twice_adds_no_second_set_of_cases_and_keeps_the_first(app):
    first = seed_demo()
    case = db.session.scalar(select(Case).order_by(Case.id))
    case.summary = "Changed by a user after seeding"
    db.session.commit()
    before = _counts()

    again = seed_demo()

    assert 40 <= first["cases"] <= 60
    assert first["users"] == 7 + len(EXTRA_OFFICERS)
    assert first["priorities"] == 4 and first["clearance costs"] == len(FLYTIP_SIZES)
    assert all(count == 0 for count in again.values()), again
    assert _counts() == before
    assert db.session.get(Case, case.id).summary == "Changed by a user after seeding"


def test_no_demo_cases_are_added_once_any_case_exists(app):
    make_case()

    added = seed_demo()

    assert added["cases"] == 0
    assert _count(Case) == 1


def test_demo_cases_cover_every_state_outcome_type_borough_and_officer(app):
    seed_demo()
    cases = list(db.session.scalars(select(Case)))

    assert {case.state for case in cases} == {state.code for state in STATES}
    closed = [case for case in cases if case.state == "closed"]
    assert {case.outcome for case in closed} == {code for code, _label in OUTCOMES}
    assert {case.case_type.code for case in cases} == {code for code, _name, _group in CASE_TYPES}
    assert _count(CaseType) == len(CASE_TYPES)
    assert {case.borough.code for case in cases} == {"DAR", "GRA"}
    assert len({case.ward_id for case in cases}) >= 15
    unassigned = [case for case in cases if case.assigned_to_id is None]
    assert unassigned and all(case.state in {"new", "triaged", "closed"} for case in unassigned)
    officers = {case.assigned_to.email for case in cases if case.assigned_to is not None}
    assert {email for email, _name, _code in EXTRA_OFFICERS} <= officers
    assert all(case.assigned_to.borough_id == case.borough_id for case in cases if case.assigned_to)
    for case in closed:
        if case.outcome == "duplicate":
            assert case.duplicate_of is not None and case.duplicate_of.borough_id == case.borough_id
    assert any(case.priority is not None for case in cases)


def test_demo_incidents_are_located_in_dartford_and_gravesham_with_flytip_details(app):
    seed_demo()
    incidents = list(db.session.scalars(select(Incident)))

    for incident in incidents:
        assert POSTCODE_RE.match(incident.postcode.replace(" ", "")), incident.postcode
        assert incident.postcode.split()[0] in DEMO_POSTCODE_AREAS
        assert 51.37 < incident.latitude < 51.47 and 0.16 < incident.longitude < 0.44
        assert (incident.easting, incident.northing) == to_grid(incident.latitude, incident.longitude)
        assert incident.ward.borough_id == incident.case.borough_id
        assert incident.address and incident.description
        assert incident.case.created_at <= incident.reported_at
    flytips = [incident for incident in incidents if incident.case.case_type.is_flytipping]
    assert all(incident.flytip is not None for incident in flytips)
    assert any(len(case.incidents) > 1 for case in db.session.scalars(select(Case)))
    for case in db.session.scalars(select(Case).where(Case.state == "closed")):
        if case.case_type.is_flytipping and case.outcome not in OUTCOMES_WITHOUT_CLEARANCE:
            assert all(incident.flytip.is_cleared for incident in case.incidents), case.reference
    cleared = [i.flytip for i in flytips if i.flytip.is_cleared]
    assert cleared and all(details.clearance_cost is not None for details in cleared)
    assert _count(ClearanceCost) == len(FLYTIP_SIZES)


def test_demo_cases_have_parties_notes_and_photos_stored_as_evidence(app):
    seed_demo()

    roles = Counter(db.session.scalars(select(CaseParty.role)))
    assert set(roles) == {"complainant", "witness", "subject", "waste_carrier", "landowner"}
    linked = db.session.scalars(
        select(CaseParty.person_id)
        .group_by(CaseParty.person_id)
        .having(func.count(CaseParty.case_id.distinct()) > 1)
    ).all()
    assert linked, "one person should appear on two cases"
    assert any(person.vulnerabilities for person in db.session.scalars(select(Person)))
    notes = list(db.session.scalars(select(Note)))
    assert any(note.restricted for note in notes) and any(not note.restricted for note in notes)

    evidence = list(db.session.scalars(select(Evidence)))
    photos = [item for item in evidence if item.is_image]
    assert len(photos) >= 10
    assert any(item.content_type == "application/pdf" for item in evidence)
    for item in evidence:
        stored = path_of(item.stored_name)
        assert stored.is_file() and stored.parent == Path(app.instance_path) / "evidence"
        data = stored.read_bytes()
        assert len(data) == item.size_bytes and hashlib.sha256(data).hexdigest() == item.sha256
    assert any(item.latitude is not None and item.taken_at is not None for item in photos)


def test_demo_history_is_written_by_the_services_and_spread_over_the_last_year(app):
    seed_demo()
    now = datetime.now(UTC)
    cases = list(db.session.scalars(select(Case)))

    months = {(case.created_at.year, case.created_at.month) for case in cases}
    assert len(months) >= 10
    assert min(case.created_at for case in cases) >= now - timedelta(days=366)
    for case in cases:
        assert case.reference.startswith(f"{case.borough.code}-{case.created_at.year}-")
        kinds = [event.kind for event in sorted(case.events, key=lambda e: (e.at, e.id))]
        assert kinds[0] == "created"
        assert all(case.created_at <= event.at <= now for event in case.events)
        if case.state != "new" and case.outcome != "duplicate":
            assert "transition:triage" in kinds, case.reference
        if case.state == "closed":
            assert case.closed_at is not None and case.closed_at <= now
        assert case.updated_at <= now
    closures = {(case.closed_at.year, case.closed_at.month) for case in cases if case.closed_at}
    assert len(closures) >= 6


def _fingerprint() -> list[tuple]:
    """What the demo cases say, leaving out dates, references and generated file names."""
    return [
        (
            case.case_type.code,
            case.borough.code,
            case.ward.name,
            case.state,
            case.outcome,
            case.assigned_to.email if case.assigned_to else None,
            case.summary,
            tuple((i.address, i.postcode, i.latitude, i.description) for i in case.incidents),
            tuple(sorted((p.role, p.person.full_name) for p in case.parties)),
            tuple(sorted((n.body, n.restricted) for n in case.notes)),
            tuple(sorted((e.original_name[:4], e.content_type) for e in case.evidence)),
            tuple(event.kind for event in sorted(case.events, key=lambda e: (e.at, e.id))),
        )
        for case in db.session.scalars(select(Case).order_by(Case.id))
    ]


KEEP_TABLES = {"users", "password_tokens", "boroughs", "wards", "agencies", "case_types", "priorities"}
KEEP_TABLES |= {"clearance_costs", "service_level_policies", "closure_days"}


def _remove_cases() -> None:
    """Every case and what hangs off it, keeping the accounts, places and settings."""
    db.session.execute(Case.__table__.update().values(duplicate_of_id=None))
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in KEEP_TABLES:
            db.session.execute(table.delete())
    db.session.commit()


def test_the_same_demo_cases_come_out_whatever_the_time_of_seeding(app):
    app.config["DEMO_CASES"] = False
    seed_demo()
    boroughs = {b.code: b for b in db.session.scalars(select(Borough))}
    app.config["DEMO_CASES"] = True

    seed_demo_cases(boroughs, {}, now=datetime(2026, 3, 1, 23, 40, tzinfo=UTC))  # a Sunday night
    first = _fingerprint()
    _remove_cases()
    seed_demo_cases(boroughs, {}, now=datetime(2026, 11, 26, 9, 5, tzinfo=UTC))  # a Thursday morning

    assert first and _fingerprint() == first
    latest = db.session.scalar(select(func.max(CaseEvent.at)))
    assert latest <= datetime(2026, 11, 26, 9, 5, tzinfo=UTC)


def test_extra_demo_officers_sign_in_with_the_demo_password(app):
    seed_demo()

    for email, _name, _code in EXTRA_OFFICERS:
        response = sign_in(app.test_client(), email, app.config["DEMO_PASSWORD"])
        assert response.status_code == 302, email


def test_demo_cases_are_refused_under_production(app, database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k3y-" + "0123456789abcdef" * 3)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")  # read by the check, never connected to
    config = make_config(database_url, tmp_path / "production-instance")
    production = create_app(type("Production", (ProductionConfig, config), {}))
    with production.app_context():
        with pytest.raises(DemoRefused):
            seed_demo()
        with pytest.raises(DemoRefused):
            seed_demo_cases({b.code: b for b in db.session.scalars(select(Borough))}, {})
        assert _count(Case) == 0 and _count(User) == 0


@pytest.mark.parametrize(
    ("shares", "codes"),
    [(FLYTIP_SIZE_SHARES, FLYTIP_SIZES), (LAND_TYPE_SHARES, LAND_TYPES), (MAIN_WASTE_SHARES, WASTE_TYPES)],
    ids=["sizes", "land types", "waste types"],
)
def test_national_proportions_use_the_flycapture_codes_and_add_up(shares, codes):
    assert set(shares) == {code for code, _label in codes}
    assert sum(shares.values()) == pytest.approx(1.0)


def test_national_proportions_match_the_published_headline_figures():
    assert FLYTIP_SIZE_SHARES["small_van"] == 0.31 and FLYTIP_SIZE_SHARES["car_boot"] == 0.27
    assert LAND_TYPE_SHARES["highway"] == 0.37
    assert MAIN_WASTE_SHARES["bags_household"] + MAIN_WASTE_SHARES["other_household"] == pytest.approx(0.62)


def test_every_demo_case_page_and_photo_opens_for_the_partnership_manager(app, client):
    seed_demo()
    assert sign_in(client, "manager@demo.test", app.config["DEMO_PASSWORD"]).status_code == 302

    assert client.get("/cases?status=all").status_code == 200
    for case in db.session.scalars(select(Case)):
        response = client.get(f"/cases/{case.reference}")
        assert response.status_code == 200, case.reference
        assert case.reference in response.get_data(as_text=True)
    for item in db.session.scalars(select(Evidence).limit(5)):
        response = client.get(f"/cases/{item.case.reference}/evidence/{item.id}")
        assert response.status_code == 200 and response.data == path_of(item.stored_name).read_bytes()
