"""Builders for cases in tests: types, wards, cases logged through the real services."""

from __future__ import annotations

from sqlalchemy import select

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import services
from casework.cases.categories import DEFAULT_CASE_TYPES
from casework.cases.models import Case, CaseType
from casework.extensions import db
from casework.places.models import Borough
from tests.builders import make_borough, make_user

CASE_TYPES = DEFAULT_CASE_TYPES


def make_case_types() -> dict[str, CaseType]:
    """The default case types (the migration seeds them; tests empty every table, so add them back)."""
    existing = {t.code: t for t in db.session.scalars(select(CaseType))}
    for order, (code, name, group) in enumerate(CASE_TYPES):
        if code not in existing:
            existing[code] = CaseType(code=code, name=name, group=group, sort_order=order)
            db.session.add(existing[code])
    db.session.commit()
    return existing


def case_type(code: str = "flytipping") -> CaseType:
    return make_case_types()[code]


def dartford() -> Borough:
    return make_borough("Dartford", "DAR", ("Town", "Temple Hill", "Swanscombe"))


def gravesham() -> Borough:
    return make_borough("Gravesham", "GRA", ("Riverside", "Chalk"))


def officer_in(borough: Borough, **kwargs) -> User:
    return make_user(Role.OFFICER, borough=borough, **kwargs)


def manager_in(borough: Borough | None, **kwargs) -> User:
    return make_user(Role.MANAGER, borough=borough, **kwargs)


def flytip_input(**overrides) -> services.FlytipInput:
    values = {"size": "small_van", "land_type": "highway", "waste_types": ["other_household"]}
    values.update(overrides)
    return services.FlytipInput(**values)


def incident_input(borough: Borough, flytip: bool = True, **overrides) -> services.IncidentInput:
    values = {
        "channel": "officer_observed",
        "ward_id": borough.wards[0].id,
        "address": "1 High Street",
        "postcode": "DA1 1DR",
        "latitude": 51.4463,
        "longitude": 0.2176,
        "easting": 554203,
        "northing": 174256,
        "description": "Bags of household waste by the kerb",
        "flytip": flytip_input() if flytip else None,
    }
    values.update(overrides)
    return services.IncidentInput(**values)


def make_case(
    actor: User | None = None, code: str = "flytipping", borough: Borough | None = None, **overrides
) -> Case:
    """A case logged through services.log_incident, as an officer would."""
    borough = borough or dartford()
    actor = actor or officer_in(borough)
    kind = case_type(code)
    return services.log_incident(
        actor, kind.id, incident_input(borough, flytip=kind.is_flytipping, **overrides)
    )
