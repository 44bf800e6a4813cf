"""Referral services: what a referral writes (actions, deadlines, e-mails, history) and how partners
answer it: accept, decline, updates and actions done, each recorded in the case history."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from sqlalchemy import select

from casework.auth.roles import Role
from casework.cases.models import CaseEvent
from casework.deadlines import escalation
from casework.deadlines.models import Deadline, ServiceLevelPolicy
from casework.extensions import db
from casework.formatting import LONDON
from casework.notifications.models import OutboxMessage
from casework.partners import services
from casework.partners.models import ACCEPTED, CLOSED, DECLINED, OPEN, Referral
from tests.builders import make_user
from tests.cases.builders import make_case, manager_in, officer_in
from tests.partners.builders import (
    council,
    fire_service,
    investigated_case,
    panel,
    partner_of,
    police,
    refer,
    working_day,
)


def _events(case, kind: str) -> list[CaseEvent]:
    db.session.expire_all()
    query = (
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == kind).order_by(CaseEvent.id)
    )
    return list(db.session.scalars(query))


def _deadlines(referral: Referral, kind: str) -> list[Deadline]:
    db.session.expire_all()
    query = (
        select(Deadline)
        .where(Deadline.referral_id == referral.id, Deadline.kind == kind)
        .order_by(Deadline.id)
    )
    return list(db.session.scalars(query))


def _keys() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(OutboxMessage.idempotency_key)))


def test_referring_to_a_panel_writes_actions_deadlines_emails_and_moves_the_case(app):
    case, manager = investigated_case()
    chair = manager_in(None)
    csmap = panel(chair=chair)
    kent_police, kfrs = police(), fire_service()

    referral = refer(
        case,
        manager,
        to_panel=csmap,
        actions=[
            (kent_police, "Patrol the street", working_day(5)),
            (kfrs, "Fire safety visit", working_day(8)),
        ],
    )

    assert referral.status == OPEN and referral.panel_id == csmap.id and referral.agency_id is None
    assert referral.due_on == working_day(8)  # the latest action's date when none is given
    assert referral.sharing == "minimal"  # the configured default
    assert [(a.agency.short_name, a.due_on) for a in referral.actions] == [
        ("Police", working_day(5)),
        ("KFRS", working_day(8)),
    ]
    assert case.state == "referred_to_panel"
    moved = _events(case, "transition:refer_to_panel")
    assert len(moved) == 1 and moved[0].actor_id == manager.id and "Behaviour continued" in moved[0].summary
    made = _events(case, "referral_made")
    assert len(made) == 1 and "Referred to Community Safety Multi-Agency Panel by" in made[0].summary
    assert "Kent Police: Patrol the street" in made[0].summary

    chases = _deadlines(referral, "partner_action")
    assert [row.action_id for row in chases] == [a.id for a in referral.actions]
    assert chases[0].due_at == datetime.combine(working_day(5), time(17, 0), tzinfo=LONDON)  # end of that day
    assert all(row.ladder == ["panel_chair"] and row.remind_at is not None for row in chases)
    review = _deadlines(referral, "panel_review")
    assert len(review) == 1 and review[0].state == "referred_to_panel"

    contacts = {c.id for agency in (kent_police, kfrs) for c in agency.contacts}
    expected = sorted(
        [f"referral:{referral.id}:notify:{cid}" for cid in contacts]
        + [f"referral:{referral.id}:notify:user:{chair.id}"]
    )
    assert _keys() == expected


def test_referring_straight_to_an_agency_emails_only_its_contacts_and_leaves_the_state(app):
    case, manager = investigated_case()
    kent_police = police()
    panel()  # the fire service's contacts exist too, and must not be e-mailed

    referral = refer(
        case, manager, to_agency=kent_police, actions=[(kent_police, "Share reports", working_day(3))]
    )

    assert case.state == "under_investigation"
    assert referral.target_name == "Kent Police"
    assert _keys() == [f"referral:{referral.id}:notify:{c.id}" for c in kent_police.contacts]
    assert _deadlines(referral, "panel_review") == []
    assert len(_deadlines(referral, "partner_action")) == 1


def test_an_action_without_a_date_is_due_by_the_partner_action_service_level(app):
    case, manager = investigated_case()
    kent_police = police()
    db.session.add(
        ServiceLevelPolicy(
            kind="partner_action",
            duration_value=4,
            duration_unit="working_days",
            reminder_leads=[{"value": 1, "unit": "working_days"}],
            ladder=["panel_chair"],
        )
    )
    db.session.commit()

    referral = refer(case, manager, to_agency=kent_police, actions=[(kent_police, "Share reports", None)])

    assert referral.actions[0].due_on == working_day(4)
    row = _deadlines(referral, "partner_action")[0]
    assert row.policy_id is not None and row.reminder_leads == [{"value": 1, "unit": "working_days"}]


def test_without_a_policy_an_action_is_due_in_ten_working_days(app):
    case, manager = investigated_case()
    kent_police = police()
    referral = refer(case, manager, to_agency=kent_police, actions=[(kent_police, "Share reports", None)])
    assert referral.actions[0].due_on == working_day(10)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"to_agency": None}, "target", "Choose a panel or an agency"),
        ({"reason": "  "}, "reason", "Enter the reason"),
        ({"asked": "", "actions": []}, "asked", "Enter what is asked"),
        ({"actions": "fire"}, "action1_agency", "the agency must be Kent Police"),
        ({"actions": "past"}, "action1_due", "today or in the future"),
        ({"sharing": "everything"}, "sharing", "how much of the case to share"),
    ],
)
def test_a_referral_that_cannot_be_made_says_why_and_writes_nothing(app, change, field, message):
    case, manager = investigated_case()
    kent_police = police()
    kwargs = {"to_agency": kent_police, "actions": [(kent_police, "Patrol", working_day(2))]}
    if change.get("actions") == "fire":
        change = {"actions": [(fire_service(), "Visit", working_day(2))]}
    elif change.get("actions") == "past":
        change = {"actions": [(kent_police, "Patrol", working_day(-1))]}
    kwargs.update(change)

    with pytest.raises(services.ReferralError) as raised:
        refer(case, manager, **kwargs)

    assert raised.value.field == field and message in raised.value.message
    db.session.rollback()
    assert db.session.scalar(select(Referral.id)) is None and _keys() == []


def test_only_a_manager_who_works_the_case_can_refer_it(app):
    from tests.cases.builders import gravesham

    case, _manager = investigated_case()
    kent_police = police()

    for actor in (
        officer_in(case.borough),
        manager_in(gravesham()),
        make_user(Role.PARTNER, agency=kent_police),
    ):
        with pytest.raises(services.NotAllowed):
            refer(case, actor, to_agency=kent_police)


def test_a_new_case_can_be_referred_to_a_panel_without_moving_it(app):
    case = make_case(code="asb_personal")
    manager = manager_in(case.borough)
    referral = refer(case, manager, to_panel=panel())
    assert case.state == "new" and referral.status == OPEN
    assert _events(case, "transition:refer_to_panel") == []


def test_accept_then_update_then_action_done_are_each_recorded_once(app):
    case, manager = investigated_case()
    csmap = panel()
    kent_police, kfrs = police(), fire_service()
    referral = refer(
        case,
        manager,
        to_panel=csmap,
        actions=[
            (kent_police, "Patrol the street", working_day(5)),
            (kfrs, "Fire safety visit", working_day(5)),
        ],
    )
    pc = partner_of(kent_police)
    firefighter = partner_of(kfrs)

    services.accept(pc, referral)
    with pytest.raises(services.ReferralError):
        services.accept(firefighter, referral)  # answered already
    db.session.rollback()
    services.post_update(pc, referral, "Patrols booked for Friday and Saturday nights")
    police_action, fire_action = referral.actions
    with pytest.raises(services.NotAllowed):
        services.complete_action(firefighter, police_action)  # not their agency's action
    services.complete_action(pc, police_action, "Four patrols done, nothing seen")
    with pytest.raises(services.ReferralError):
        services.complete_action(pc, police_action)  # done already
    db.session.rollback()

    db.session.expire_all()
    assert referral.status == ACCEPTED and referral.responded_by_id == pc.id
    accepted = _events(case, "referral_accepted")
    assert len(accepted) == 1 and accepted[0].summary.endswith(f"accepted by {pc.name} (Kent Police)")
    update = _events(case, "referral_update")
    assert len(update) == 1 and "Patrols booked" in update[0].summary and update[0].actor_id == pc.id
    done = _events(case, "referral_action_done")
    assert len(done) == 1 and "Patrol the street. Four patrols done" in done[0].summary
    rows = {row.action_id: row for row in _deadlines(referral, "partner_action")}
    assert rows[police_action.id].met_at is not None
    assert rows[fire_action.id].met_at is None and rows[fire_action.id].cancelled_at is None  # still running


def test_declining_needs_a_reason_and_ends_the_open_actions_and_their_deadlines(app):
    case, manager = investigated_case()
    kent_police = police()
    referral = refer(case, manager, to_agency=kent_police, actions=[(kent_police, "Patrol", working_day(4))])
    pc = partner_of(kent_police)

    with pytest.raises(services.ReferralError) as raised:
        services.decline(pc, referral, "   ")
    assert raised.value.field == "reason"
    db.session.rollback()
    services.decline(pc, referral, "Not a police matter: no crime reported")

    db.session.expire_all()
    assert referral.status == DECLINED and referral.decline_reason.startswith("Not a police matter")
    assert [a.status for a in referral.actions] == ["cancelled"]
    assert all(row.cancelled_at is not None for row in _deadlines(referral, "partner_action"))
    declined = _events(case, "referral_declined")
    assert len(declined) == 1 and "Reason: Not a police matter" in declined[0].summary
    with pytest.raises(services.NotAllowed):
        services.post_update(pc, referral, "too late")


def test_closing_a_referral_meets_its_panel_review_and_cancels_open_actions(app):
    case, manager = investigated_case()
    kent_police = police()
    referral = refer(case, manager, to_panel=panel(), actions=[(kent_police, "Patrol", working_day(4))])

    with pytest.raises(services.NotAllowed):
        services.close_referral(partner_of(kent_police), referral, "done")
    services.close_referral(manager, referral, "Panel agreed the plan; case back with the officer")

    db.session.expire_all()
    assert referral.status == CLOSED and referral.closed_by_id == manager.id
    assert _deadlines(referral, "panel_review")[0].met_at is not None
    assert _deadlines(referral, "partner_action")[0].cancelled_at is not None
    assert len(_events(case, "referral_closed")) == 1


def test_a_partner_of_an_agency_off_the_panel_cannot_answer(app):
    case, manager = investigated_case()
    referral = refer(case, manager, to_panel=panel(members=[police()]))
    outsider = partner_of(council())
    assert not services.may_see(outsider, referral)
    with pytest.raises(services.NotAllowed):
        services.accept(outsider, referral)


def test_the_sweeps_last_rung_makes_a_real_referral_once(app):
    case, _manager = investigated_case()
    chair = manager_in(None)
    csmap = panel(chair=chair)
    from casework.db_types import utcnow

    now = utcnow()
    assert escalation.refer_to_panel(case, "csmap", "Overdue: triage was due", now) is True
    db.session.commit()
    assert escalation.refer_to_panel(case, "csmap", "Overdue again", now) is False  # already there
    db.session.commit()

    referrals = list(db.session.scalars(select(Referral)))
    assert len(referrals) == 1
    referral = referrals[0]
    assert referral.created_by_id is None and referral.panel_id == csmap.id and referral.status == OPEN
    assert case.state == "referred_to_panel"
    made = _events(case, "referral_made")
    assert len(made) == 1 and "by the system" in made[0].summary and made[0].actor_id is None
    again = _events(case, "panel_escalation")
    assert len(again) == 1 and "already has this case" in again[0].summary
    assert f"referral:{referral.id}:notify:user:{chair.id}" in _keys()


def test_the_last_rung_records_that_a_referral_is_needed_when_the_panel_is_not_set_up(app):
    case, _manager = investigated_case()
    from casework.db_types import utcnow

    escalation.refer_to_panel(case, "no_such_panel", "Overdue", utcnow())
    db.session.commit()
    assert db.session.scalar(select(Referral.id)) is None
    needed = _events(case, "panel_escalation")
    assert len(needed) == 1 and "referral needed" in needed[0].summary


def test_a_referral_to_a_panel_leaves_one_panel_review_clock_with_the_service_levels_in_force(app):
    from tests.deadlines.builders import default_policies

    default_policies()
    case, manager = investigated_case()
    csmap = panel(chair=manager_in(None))
    referral = refer(case, manager, to_panel=csmap, actions=[(police(), "Patrol", None)])
    db.session.expire_all()
    open_reviews = list(
        db.session.scalars(
            select(Deadline).where(
                Deadline.case_id == case.id,
                Deadline.kind == "panel_review",
                Deadline.met_at.is_(None),
                Deadline.cancelled_at.is_(None),
            )
        )
    )
    assert [row.referral_id for row in open_reviews] == [referral.id]
