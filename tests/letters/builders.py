"""Builders for letter tests: an ASB case with a person, and enforcement actions made directly."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from casework.auth.models import User
from casework.cases import services
from casework.cases.models import Case
from casework.cases.party_models import Person
from casework.enforcement.models import EnforcementAction
from casework.extensions import db
from tests.cases.builders import dartford, make_case, officer_in

ISSUED = date(2026, 11, 2)


def asb_case(officer: User | None = None, **overrides) -> Case:
    """A nuisance ASB case in Dartford, logged by `officer`."""
    officer = officer or officer_in(dartford())
    values = {"description": "Loud music from 3 Mill Road late at night", "address": "3 Mill Road"}
    values.update(overrides)
    return make_case(officer, code="asb_nuisance", borough=officer.borough, **values)


def subject(officer: User, case: Case, **overrides) -> Person:
    """A subject added to the case through the cases service."""
    values = {
        "first_name": "Jordan",
        "last_name": "Smith",
        "address": "3 Mill Road, Dartford",
        "postcode": "DA1 2AB",
    }
    values.update(overrides)
    return services.add_party(officer, case, "subject", new=services.PersonInput(**values)).person


def action(
    case: Case, kind: str, person: Person | None, officer: User | None = None, **fields: Any
) -> EnforcementAction:
    """An enforcement action row, as the enforcement area's services would leave it."""
    values: dict[str, Any] = {"issued_on": ISSUED, "details": {}}
    if kind in ("cpw", "cpn", "s34_notice"):
        values["compliance_date"] = ISSUED + timedelta(days=14)
        values["details"] = {
            "requirements": "Do not play amplified music audible outside 3 Mill Road after 11pm."
        }
    if kind == "fpn":
        values.update(
            offence="cpn_breach",
            amount=Decimal("100.00"),
            early_amount=Decimal("75.00"),
            payment_due=ISSUED + timedelta(days=14),
        )
    values.update(fields)
    row = EnforcementAction(
        case=case, kind=kind, person=person, issued_by=officer, created_by=officer, **values
    )
    db.session.add(row)
    db.session.commit()
    return row
