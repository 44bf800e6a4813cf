"""Builders for the partners tests: agencies with contacts, panels, partner users, referred cases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import services as case_services
from casework.cases.models import Case
from casework.db_types import utcnow
from casework.deadlines.calendar import current_calendar
from casework.extensions import db
from casework.formatting import LONDON
from casework.partners import services
from casework.partners.meetings import seed_panels
from casework.partners.models import Agency, AgencyContact, Panel, Referral
from tests.builders import make_agency, make_user
from tests.cases.builders import dartford, make_case, manager_in, officer_in

# Names and addresses that must never reach a partner's e-mail.
VICTIM = case_services.PersonInput(
    first_name="Winifred",
    last_name="Quarrington",
    address="17 Larkspur Close, Dartford",
    postcode="DA1 9ZZ",
    phone="07700 900123",
    email="winifred.quarrington@example.com",
)
SUSPECT = case_services.PersonInput(first_name="Bartholomew", last_name="Ockenden", address="3 Yew Tree Mews")


def police() -> Agency:
    agency = make_agency("Kent Police", "Police")
    contact(agency, "Kent Police ASB team", "asb@kent.police.example")
    return agency


def fire_service() -> Agency:
    agency = make_agency("Kent Fire and Rescue Service", "KFRS")
    contact(agency, "KFRS Community Safety", "community.safety@kent.fire.example")
    return agency


def council() -> Agency:
    agency = make_agency("Dartford Borough Council", "DBC")
    contact(agency, "Dartford CSU", "csu@dartford.council.example")
    return agency


def contact(agency: Agency, name: str, email: str, role: str = "Team mailbox") -> AgencyContact:
    found = db.session.scalar(
        select(AgencyContact).where(AgencyContact.agency_id == agency.id, AgencyContact.email == email)
    )
    if found is None:
        found = AgencyContact(agency=agency, name=name, email=email, role=role)
        db.session.add(found)
        db.session.commit()
    return found


def panel(code: str = "csmap", members: list[Agency] | None = None, chair: User | None = None) -> Panel:
    """A seeded panel with members (police and fire by default) and, optionally, a chair."""
    seed_panels()
    row = db.session.scalar(select(Panel).where(Panel.code == code))
    row.members = members if members is not None else [police(), fire_service()]
    if chair is not None:
        row.chair_user = chair
    db.session.commit()
    return row


def partner_of(agency: Agency, **kwargs) -> User:
    return make_user(Role.PARTNER, agency=agency, **kwargs)


def working_day(offset: int) -> date:
    """The London date `offset` working days from today."""
    return current_calendar().add_working_days(utcnow().astimezone(LONDON).date(), offset)


def investigated_case(code: str = "asb_personal", borough=None, parties: bool = True) -> tuple[Case, User]:
    """An ASB case under investigation (assigned), with a victim and a suspect; returns (case, manager)."""
    borough = borough or dartford()
    officer = officer_in(borough)
    manager = manager_in(borough)
    case = make_case(officer, code=code, borough=borough)
    case_services.fire(officer, case, "triage", case.version)
    case_services.assign(manager, case, officer, case.version)
    case_services.fire(officer, case, "investigate", case.version)
    if parties:
        case_services.add_party(officer, case, "complainant", new=VICTIM)
        case_services.add_party(officer, case, "subject", new=SUSPECT)
    return case, manager


def refer(
    case: Case,
    manager: User,
    *,
    to_panel: Panel | None = None,
    to_agency: Agency | None = None,
    actions: list[tuple[Agency, str, date | None]] | None = None,
    sharing: str | None = None,
    reason: str = "Behaviour continued after a warning",
    asked: str = "Agree a joint plan",
    now=None,
) -> Referral:
    data = services.ReferralInput(
        reason=reason,
        asked=asked,
        panel_id=to_panel.id if to_panel else None,
        agency_id=to_agency.id if to_agency else None,
        sharing=sharing,
        actions=[services.ActionInput(agency.id, text, due) for agency, text, due in (actions or [])],
    )
    return services.refer_case(manager, case, data, now=now)
