"""Partner e-mails carry what the referral's information-sharing level allows and never the names,
addresses or contact details of the people on the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.db_types import utcnow
from casework.extensions import db
from casework.notifications.models import OutboxMessage
from casework.partners.meetings import queue_agenda, schedule_meeting
from tests.cases.builders import manager_in
from tests.partners.builders import SUSPECT, VICTIM, investigated_case, panel, police, refer, working_day

PERSONAL = [
    VICTIM.first_name,
    VICTIM.last_name,
    VICTIM.address,
    "Larkspur",
    VICTIM.postcode,
    VICTIM.phone,
    VICTIM.email,
    SUSPECT.first_name,
    SUSPECT.last_name,
    "Yew Tree",
]


def _messages(prefix: str) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith(prefix))
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _assert_no_personal_data(messages: list[OutboxMessage]) -> None:
    assert messages
    for message in messages:
        for text in (message.subject, message.body_text, message.body_html, str(message.context)):
            leaked = [value for value in PERSONAL if value.lower() in text.lower()]
            assert not leaked, f"{message.idempotency_key} carries {leaked}"


@pytest.mark.parametrize("sharing", ["minimal", "standard", "full"])
def test_the_referral_email_carries_no_names_or_addresses_at_any_sharing_level(app, sharing):
    case, manager = investigated_case()
    kent_police = police()
    referral = refer(
        case,
        manager,
        to_panel=panel(chair=manager_in(None)),
        sharing=sharing,
        actions=[(kent_police, "Patrol the street at night", working_day(5))],
    )

    messages = _messages(f"referral:{referral.id}:")

    _assert_no_personal_data(messages)
    police_mail = next(m for m in messages if m.to_address == "asb@kent.police.example")
    body = police_mail.body_text
    assert case.reference in police_mail.subject and case.reference in body
    assert case.case_type.name in body and case.ward.name in body
    assert "Agree a joint plan" in body and "Patrol the street at night" in body
    assert f"/referrals/{referral.id}" in body and f"/referrals/{referral.id}" in police_mail.body_html
    assert "Behaviour continued" not in body  # the reason stays on the referral page
    if sharing == "minimal":
        assert case.summary not in body and "1 High Street" not in body
    else:
        assert f"Summary: {case.summary}" in body


def test_reminder_escalation_and_agenda_emails_carry_no_personal_data_either(app):
    from casework.deadlines.sweep import sweep  # configures the mappers when imported: after the models

    case, manager = investigated_case()
    kent_police = police()
    csmap = panel(chair=manager_in(None))
    refer(case, manager, to_panel=csmap, actions=[(kent_police, "Patrol the street", working_day(2))])
    now = utcnow()
    sweep(now + timedelta(days=30))  # overdue by then: the chair is e-mailed
    meeting = schedule_meeting(
        manager, csmap, now + timedelta(days=10), "Civic Centre"
    )  # action overdue by then
    queue_agenda(meeting, now)
    db.session.commit()

    escalations = [m for m in _messages("deadline:") if m.template == "referral_action_escalation"]
    agendas = _messages(f"agenda:{meeting.id}:")
    _assert_no_personal_data(escalations)
    _assert_no_personal_data(agendas)
    assert "Patrol the street" in escalations[0].body_text
    assert case.reference in agendas[0].body_text and "Patrol the street" in agendas[0].body_text
