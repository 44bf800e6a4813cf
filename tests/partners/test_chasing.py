"""Late partner actions: the deadline sweep reminds the owner agency's contacts before the action is
due, then escalates it to the panel chair, each once, recorded in the case history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.cases.models import CaseEvent
from casework.deadlines.models import Deadline
from casework.extensions import db
from casework.notifications.models import OutboxMessage
from casework.partners import services
from tests.cases.builders import manager_in
from tests.partners.builders import fire_service, investigated_case, panel, police, refer, working_day


@pytest.fixture
def sweep():
    from casework.deadlines.sweep import sweep as run  # configures the mappers when imported

    return run


def _messages(template: str) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.template == template).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def _history(case, kind: str) -> list[str]:
    db.session.expire_all()
    query = select(CaseEvent.summary).where(CaseEvent.case_id == case.id, CaseEvent.kind == kind)
    return list(db.session.scalars(query.order_by(CaseEvent.id)))


def test_a_partner_action_is_reminded_to_its_agency_then_escalated_to_the_panel_chair(app, sweep):
    case, manager = investigated_case()
    chair = manager_in(None)
    kent_police = police()
    referral = refer(
        case,
        manager,
        to_panel=panel(chair=chair),
        actions=[(kent_police, "Patrol the street", working_day(5))],
    )
    row = db.session.scalar(select(Deadline).where(Deadline.action_id == referral.actions[0].id))

    remind_at, due_at = row.remind_at, row.due_at

    before = sweep(remind_at + timedelta(minutes=1))
    sweep(remind_at + timedelta(minutes=2))
    after = sweep(due_at + timedelta(minutes=1))
    sweep(due_at + timedelta(minutes=2))

    assert (before.reminders, after.escalations) == (1, 1)
    reminders = _messages("referral_action_reminder")
    assert [m.to_address for m in reminders] == [c.email for c in kent_police.contacts]
    assert (
        "Patrol the street" in reminders[0].body_text
        and f"/referrals/{referral.id}" in reminders[0].body_text
    )
    escalations = _messages("referral_action_escalation")
    assert [m.to_address for m in escalations] == [chair.email]
    assert (
        "Kent Police" in escalations[0].body_text
        and "the chair of the Community Safety" in escalations[0].body_text
    )
    reminded = _history(case, "deadline_reminder")
    assert len(reminded) == 1 and reminded[0].startswith(
        "Reminder sent to Kent Police (Kent Police ASB team): "
        "Partner action (Police): Patrol the street is due by"
    )
    escalated = _history(case, "deadline_escalated")
    assert (
        len(escalated) == 1
        and f"Escalated to the chair of the Community Safety Multi-Agency Panel, {chair.name}" in escalated[0]
    )


def test_a_done_action_is_neither_reminded_nor_escalated(app, sweep):
    case, manager = investigated_case()
    kent_police = police()
    referral = refer(
        case,
        manager,
        to_panel=panel(chair=manager_in(None)),
        actions=[(kent_police, "Patrol", working_day(5))],
    )
    row = db.session.scalar(select(Deadline).where(Deadline.action_id == referral.actions[0].id))
    due = row.due_at
    from tests.partners.builders import partner_of

    services.complete_action(partner_of(kent_police), referral.actions[0])
    result = sweep(due + timedelta(days=3))

    assert (result.reminders, result.escalations) == (0, 0)
    assert _messages("referral_action_reminder") == [] and _messages("referral_action_escalation") == []


def test_a_late_action_on_a_referral_straight_to_an_agency_goes_to_the_multi_agency_panel_chair(app, sweep):
    case, manager = investigated_case()
    chair = manager_in(None)
    panel(chair=chair)  # csmap: PARTNER_ESCALATION_PANEL
    kfrs = fire_service()
    referral = refer(case, manager, to_agency=kfrs, actions=[(kfrs, "Fire safety visit", working_day(2))])
    row = db.session.scalar(select(Deadline).where(Deadline.action_id == referral.actions[0].id))

    sweep(row.due_at + timedelta(minutes=1))

    assert [m.to_address for m in _messages("referral_action_escalation")] == [chair.email]


def test_with_no_chair_the_referring_manager_hears_of_the_late_action(app, sweep):
    case, manager = investigated_case()
    kent_police = police()
    referral = refer(case, manager, to_panel=panel(), actions=[(kent_police, "Patrol", working_day(2))])
    row = db.session.scalar(select(Deadline).where(Deadline.action_id == referral.actions[0].id))

    sweep(row.due_at + timedelta(minutes=1))

    assert [m.to_address for m in _messages("referral_action_escalation")] == [manager.email]
    assert "who made the referral" in _history(case, "deadline_escalated")[0]
