"""Record builders for tests, in one place."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from casework.auth import services as accounts
from casework.auth.models import User
from casework.auth.roles import Role
from casework.extensions import db
from casework.partners.models import Agency
from casework.places.models import Borough, Ward

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_borough(name: str = "Dartford", code: str = "DAR", wards: tuple[str, ...] = ("Town",)) -> Borough:
    borough = db.session.scalar(select(Borough).where(Borough.code == code))
    if borough is None:
        borough = Borough(name=name, code=code, wards=[Ward(name=w) for w in wards])
        db.session.add(borough)
        db.session.commit()
    return borough


def make_agency(name: str = "Kent Police", short_name: str = "Police") -> Agency:
    agency = db.session.scalar(select(Agency).where(Agency.name == name))
    if agency is None:
        agency = Agency(name=name, short_name=short_name)
        db.session.add(agency)
        db.session.commit()
    return agency


def make_user(
    role: Role = Role.OFFICER,
    *,
    email: str | None = None,
    borough: Borough | None = None,
    agency: Agency | None = None,
    password: str = PASSWORD,
) -> User:
    if role == Role.PARTNER and agency is None:
        agency = make_agency()
    details = accounts.AccountDetails(
        email=email or f"{role.value}{next(_counter)}@example.test",
        name=f"Test {role.value.title()}",
        role=role,
        borough_id=borough.id if borough else None,
        agency_id=agency.id if agency else None,
    )
    return accounts.create_user(details, password=password)
