"""Builders for the enforcement tests: a case with a person on it, actions through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from casework.auth.models import User
from casework.cases import services as case_services
from casework.cases.models import Case, CaseEvent
from casework.cases.party_models import Person
from casework.deadlines.models import Deadline
from casework.enforcement import services
from casework.enforcement.models import EnforcementAction
from casework.extensions import db
from casework.notifications.models import OutboxMessage
from tests.cases.builders import dartford, make_case, manager_in, officer_in

# Wednesday 13 January 2027, 10:00 London (GMT): far from bank holidays.
NOW = datetime(2027, 1, 13, 10, 0, tzinfo=UTC)
TODAY = date(2027, 1, 13)


@dataclass
class World:
    officer: User
    manager: User
    case: Case
    person: Person


def world(code: str = "asb_nuisance") -> World:
    """A Dartford case of `code`, assigned to its officer, with a subject on it."""
    borough = dartford()
    officer = officer_in(borough)
    manager = manager_in(borough)
    case = make_case(officer, code=code, borough=borough)
    case_services.assign(manager, case, officer, None)
    party = case_services.add_party(
        officer, case, "subject", new=case_services.PersonInput(first_name="Sam", last_name="Smith")
    )
    return World(officer, manager, case, party.person)


def cpw(w: World, issued: date = TODAY, comply_by: date = date(2027, 1, 20), **extra) -> EnforcementAction:
    data = services.ActionInput(
        kind="cpw",
        issued_on=issued,
        person_id=w.person.id,
        compliance_date=comply_by,
        requirements="Stop playing loud music after 11pm",
        **extra,
    )
    return services.record_action(w.officer, w.case, data, now=NOW)


def fpn(
    w: World,
    issued: date = TODAY,
    offence: str = "flytipping",
    amount: str | None = "400",
    early: str | None = "250",
    now: datetime = NOW,
) -> EnforcementAction:
    data = services.ActionInput(
        kind="fpn",
        issued_on=issued,
        person_id=w.person.id,
        offence=offence,
        amount=Decimal(amount) if amount else None,
        early_amount=Decimal(early) if early else None,
    )
    return services.record_action(w.officer, w.case, data, now=now)


def prosecution(w: World, offence: str = "flytipping") -> EnforcementAction:
    data = services.ActionInput(
        kind="prosecution",
        issued_on=date(2027, 1, 4),
        person_id=w.person.id,
        offence=offence,
        court="Medway Magistrates' Court",
        hearing_on=date(2027, 2, 1),
    )
    return services.record_action(w.officer, w.case, data, now=NOW)


def open_clocks(case: Case, kind: str | None = None) -> list[Deadline]:
    db.session.expire_all()
    query = select(Deadline).where(
        Deadline.case_id == case.id, Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None)
    )
    if kind:
        query = query.where(Deadline.kind == kind)
    return list(db.session.scalars(query.order_by(Deadline.id)))


def all_clocks(case: Case, kind: str) -> list[Deadline]:
    db.session.expire_all()
    query = select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == kind)
    return list(db.session.scalars(query.order_by(Deadline.id)))


def mail_to(address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.to_address == address)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def history(case: Case, prefix: str = "enforcement_") -> list[CaseEvent]:
    db.session.expire_all()
    query = select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind.startswith(prefix))
    return list(db.session.scalars(query.order_by(CaseEvent.id)))
