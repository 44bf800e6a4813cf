"""Demo data for `make run`: places, partner agencies and one user per role.

Seeding is idempotent: what exists is kept, what is missing is added. It refuses to run under
the Production configuration.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from casework.api.open311.demo import seed_demo_open311
from casework.auth import services as accounts
from casework.auth.models import User
from casework.auth.roles import Role
from casework.deadlines.demo import stage_demo_deadlines
from casework.demo_cases import seed_demo_cases
from casework.enforcement.demo import seed_demo_enforcement
from casework.extensions import db
from casework.letters.demo import seed_demo_letters
from casework.partners.demo import seed_demo_partners
from casework.partners.models import Agency
from casework.places.models import Borough, Ward
from casework.reports.demo import seed_demo_report_incidents
from casework.reviews.demo import seed_demo_reviews
from casework.risk.demo import seed_demo_risk

BOROUGHS = {
    ("Dartford", "DAR"): [
        "Brent",
        "Bridge",
        "Darenth",
        "Greenhithe and Knockhall",
        "Joyden's Wood",
        "Stone House",
        "Swanscombe",
        "Temple Hill",
        "Town",
        "West Hill",
        "Wilmington, Sutton-at-Hone and Hawley",
    ],
    ("Gravesham", "GRA"): [
        "Chalk",
        "Coldharbour and Perry Street",
        "Denton",
        "Higham and Shorne",
        "Istead Rise, Cobham and Luddesdown",
        "Meopham North",
        "Northfleet and Springhead",
        "Painters Ash",
        "Riverside",
        "Singlewell",
        "Westcourt",
        "Woodlands",
    ],
}

AGENCIES = [
    ("Dartford Borough Council", "DBC", True),
    ("Gravesham Borough Council", "GBC", True),
    ("Kent County Council", "KCC", True),
    ("Kent Police", "Police", True),
    ("Kent Fire and Rescue Service", "KFRS", True),
    ("Kent, Surrey and Sussex Community Rehabilitation Service", "Probation", True),
    ("Dartford, Gravesham and Swanley Integrated Care Board", "ICB", True),
    ("Office of the Kent Police and Crime Commissioner", "OPCC", False),
]

# (email, name, role, borough code or None, agency short name or None)
USERS = [
    ("admin@demo.test", "Alex Admin", Role.ADMIN, None, None),
    ("manager@demo.test", "Morgan Partnership", Role.MANAGER, None, None),
    ("manager.dartford@demo.test", "Dana Dartford", Role.MANAGER, "DAR", None),
    ("manager.gravesham@demo.test", "Glen Gravesham", Role.MANAGER, "GRA", None),
    ("officer.dartford@demo.test", "Olu Okafor", Role.OFFICER, "DAR", None),
    ("officer.gravesham@demo.test", "Priya Shah", Role.OFFICER, "GRA", None),
    ("police@demo.test", "PC Sam Taylor", Role.PARTNER, None, "Police"),
]


class DemoRefused(RuntimeError):
    """Demo data may not be written under this configuration."""


def seed_demo() -> dict[str, int]:
    """Add whatever demo data is missing; returns how many rows of each kind were added."""
    if not current_app.config.get("DEMO_ALLOWED"):
        raise DemoRefused("Demo data is never seeded under the Production configuration.")
    added = {"boroughs": 0, "wards": 0, "agencies": 0, "users": 0}
    boroughs = _seed_places(added)
    agencies = _seed_agencies(added)
    _seed_users(boroughs, agencies, added)
    seed_demo_cases(boroughs, added)
    if added.get("cases"):
        stage_demo_deadlines()
    seed_demo_partners(agencies, added)
    # Built on the cases and partners above, in this order: letters are produced for the actions.
    seed_demo_report_incidents(added)
    seed_demo_risk(added)
    seed_demo_reviews(added)
    seed_demo_enforcement(added)
    seed_demo_letters(added)
    seed_demo_open311(added)
    db.session.commit()
    return added


def _seed_places(added: dict[str, int]) -> dict[str, Borough]:
    result = {}
    for (name, code), wards in BOROUGHS.items():
        borough = db.session.scalar(select(Borough).where(Borough.code == code))
        if borough is None:
            borough = Borough(name=name, code=code)
            db.session.add(borough)
            added["boroughs"] += 1
        existing = {ward.name for ward in borough.wards}
        for ward in wards:
            if ward not in existing:
                borough.wards.append(Ward(name=ward))
                added["wards"] += 1
        result[code] = borough
    db.session.flush()
    return result


def _seed_agencies(added: dict[str, int]) -> dict[str, Agency]:
    result = {}
    for name, short, statutory in AGENCIES:
        agency = db.session.scalar(select(Agency).where(Agency.name == name))
        if agency is None:
            agency = Agency(name=name, short_name=short, statutory=statutory)
            db.session.add(agency)
            added["agencies"] += 1
        result[short] = agency
    db.session.flush()
    return result


def _seed_users(boroughs: dict[str, Borough], agencies: dict[str, Agency], added: dict[str, int]) -> None:
    password = current_app.config["DEMO_PASSWORD"]
    for email, name, role, borough, agency in USERS:
        if db.session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        details = accounts.AccountDetails(
            email=email,
            name=name,
            role=role,
            borough_id=boroughs[borough].id if borough else None,
            agency_id=agencies[agency].id if agency else None,
        )
        accounts.create_user(details, password=password)
        added["users"] += 1


def demo_sign_ins() -> list[tuple[str, str]]:
    """(e-mail, what the account is) for the start-up banner."""
    borough_names = {code: name for name, code in BOROUGHS}
    agency_names = {short: name for name, short, _statutory in AGENCIES}
    rows = []
    for email, _name, role, borough, agency in USERS:
        if role == Role.MANAGER and borough is None:
            label = "partnership manager, all boroughs"
        elif role in (Role.MANAGER, Role.OFFICER):
            label = f"{'borough manager' if role == Role.MANAGER else 'officer'}, {borough_names[borough]}"
        elif role == Role.PARTNER:
            label = f"partner user, {agency_names[agency]}"
        else:
            label = "administrator"
        rows.append((email, label))
    return rows
