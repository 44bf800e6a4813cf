"""Demo flytipping incidents over the last twelve months, so the reports have figures.

The demo cases (casework/demo_cases.py) hold about two dozen flytips over a year and two boroughs:
one or two a month per borough, too few for a Flycapture return that reads like a real one. This adds
about six more flytips per borough and month (the setting
DEMO_REPORT_FLYTIPS_PER_MONTH) (more in summer, as in the national figures), each a
short flytipping case worked through the real case services on the demo clock: logged, triaged, the
clearance recorded a few days later and, once a few weeks have passed, closed by a manager (most
flytips leave nothing to go on). Sizes, land types and waste types follow Defra's national proportions.

Added once, in the run that writes the demo cases (so running the seed again adds nothing), and not at
all with DEMO_CASES off. Deterministic: a fixed seed, with only the dates moving with "now".
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import services
from casework.cases.categories import FLYTIP_SIZES, LAND_TYPES, label
from casework.cases.location import normalise_postcode, resolve_point
from casework.cases.models import CaseType
from casework.cases.workflow import TransitionInput
from casework.demo_cases import (
    FLYTIP_SIZE_SHARES,
    FLYTIP_SPOTS,
    LAND_TYPE_SHARES,
    MANAGER_EMAILS,
    PARTNERSHIP_MANAGER,
    PLACES,
    POSTCODE_UNIT_LETTERS,
    SEED,
    WASTE_PHRASES,
    demo_clock,
    waste_types_for,
    weighted,
)
from casework.extensions import db
from casework.places.models import Borough, Ward
from casework.reports.periods import Month, london_midnight

PER_MONTH = 6  # extra flytips per borough in an average month (setting DEMO_REPORT_FLYTIPS_PER_MONTH)
# Flytipping peaks in late spring and summer.
SEASON = {1: 0.8, 2: 0.8, 3: 0.9, 4: 1.0, 5: 1.1, 6: 1.2, 7: 1.3, 8: 1.3, 9: 1.1, 10: 1.0, 11: 0.9, 12: 0.8}
CHANNELS = (["officer_observed", "web_form", "fixmystreet", "phone", "email"], [30, 20, 25, 15, 10])
OUTCOMES = (["insufficient_evidence", "no_further_action", "resolved"], [75, 15, 10])
PRIVATE_LAND = {"private_residential", "agricultural", "commercial"}


@dataclass(frozen=True)
class _Staff:
    officers: list[User]
    manager: User


def seed_demo_report_incidents(added: dict[str, int], now: datetime | None = None) -> None:
    """Add the area's demo data when it is missing (idempotent); count what is added in `added`.

    Runs only in the seeding run that wrote the demo cases (`added["cases"]` > 0).
    """
    added.setdefault("report flytips", 0)
    if not added.get("cases"):
        return
    flytipping = db.session.scalar(select(CaseType).where(CaseType.code == "flytipping", CaseType.active))
    if flytipping is None:
        return
    rng = random.Random(SEED + 6)  # noqa: S311 - demo data, not secrets
    per_month = float(current_app.config.get("DEMO_REPORT_FLYTIPS_PER_MONTH", PER_MONTH))
    real_now = (now or datetime.now(UTC)).replace(microsecond=0)
    boroughs = list(
        db.session.scalars(select(Borough).where(Borough.code.in_(PLACES)).order_by(Borough.code))
    )
    with demo_clock(real_now) as clock:
        for borough in boroughs:
            staff = _staff(borough)
            wards = {ward.name: ward for ward in borough.wards if ward.name in PLACES[borough.code]}
            if staff is None or not wards:
                continue
            for reported in _report_times(rng, real_now, per_month):
                clock.now = reported
                _flytip(rng, clock, real_now, flytipping, borough.code, wards, staff)
                added["report flytips"] += 1


def _staff(borough: Borough) -> _Staff | None:
    officers = list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.OFFICER.value, User.borough_id == borough.id, User.active.is_(True))
            .order_by(User.id)
        )
    )
    emails = [MANAGER_EMAILS.get(borough.code, ""), PARTNERSHIP_MANAGER]
    manager = next(
        (
            user
            for email in emails
            if (user := db.session.scalar(select(User).where(User.email == email, User.active.is_(True))))
        ),
        None,
    )
    return _Staff(officers, manager) if officers and manager is not None else None


def _report_times(rng: random.Random, now: datetime, per_month: float) -> list[datetime]:
    """When each extra flytip was reported: a seasonal number in each month of the last year, oldest first."""
    times = []
    first = Month.of(now).plus(-12)
    for back in range(13):
        month = first.plus(back)
        days = (month.last_day - month.first_day).days + 1
        for _ in range(round(per_month * SEASON[month.month])):
            day = month.first_day + timedelta(days=rng.randrange(days))
            at = london_midnight(day) + timedelta(hours=rng.randint(7, 20), minutes=rng.randint(0, 59))
            if now - timedelta(days=365) <= at < now - timedelta(hours=2):
                times.append(at)
    return sorted(times)


def _working(moment: datetime) -> datetime:
    """Staff act on weekdays, 8am to 5pm."""
    if moment.hour >= 17:
        moment = (moment + timedelta(days=1)).replace(hour=9)
    elif moment.hour < 8:
        moment = moment.replace(hour=9)
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment


def _flytip(
    rng, clock, now: datetime, flytipping: CaseType, code: str, wards: dict[str, Ward], staff: _Staff
):
    ward_name = rng.choice(sorted(wards))
    street, sector, lat, lng = rng.choice(PLACES[code][ward_name])
    size, land = weighted(rng, FLYTIP_SIZE_SHARES), weighted(rng, LAND_TYPE_SHARES)
    waste = waste_types_for(rng)
    number = rng.randint(1, 140)
    point = resolve_point(
        round(lat + rng.uniform(-0.0015, 0.0015), 6), round(lng + rng.uniform(-0.002, 0.002), 6), None, None
    )
    assert point is not None
    what = " and ".join(WASTE_PHRASES[kind] for kind in waste)
    officer = rng.choice(staff.officers)
    reported = clock.now
    data = services.IncidentInput(
        channel=rng.choices(*CHANNELS)[0],
        ward_id=wards[ward_name].id,
        occurred_at=reported - timedelta(hours=rng.uniform(0.5, 20)),
        reported_at=reported,
        description=f"{label(FLYTIP_SIZES, size)}: {what}, dumped on {label(LAND_TYPES, land).lower()} land.",
        address=FLYTIP_SPOTS[land].format(n=number, n2=number + 2 * rng.randint(3, 8), street=street),
        postcode=normalise_postcode(f"{sector}{rng.choice(POSTCODE_UNIT_LETTERS)}"),
        latitude=point.latitude,
        longitude=point.longitude,
        easting=point.easting,
        northing=point.northing,
        flytip=services.FlytipInput(
            size=size, land_type=land, waste_types=waste, clearance_requested_on=reported.date()
        ),
    )
    case = services.log_incident(officer, flytipping.id, data)
    steps = [
        ("triage", _working(reported + timedelta(hours=rng.uniform(1, 20)))),
        ("clear", _working(reported + timedelta(days=rng.uniform(1, 5)))),
        ("close", _working(reported + timedelta(days=rng.uniform(14, 35)))),
    ]
    for step, at in steps:
        at = max(at, clock.now + timedelta(minutes=rng.randint(5, 50)))  # never before the step before
        if at >= now - timedelta(minutes=30):
            return
        clock.now = at
        if step == "triage":
            services.fire(officer, case, "triage", None)
        elif step == "clear":
            by = "landowner" if land in PRIVATE_LAND else rng.choice(["council", "contractor"])
            services.record_clearance(officer, case.incidents[0], at.date(), by, None, None)
        else:
            outcome = rng.choices(*OUTCOMES)[0]
            services.fire(staff.manager, case, "close", None, TransitionInput(outcome=outcome))
