"""Panels and meetings: the seeded panels, scheduling, the agenda from live referrals and overdue
actions, attendance, decisions and actions (which become deadlines), printable agenda and minutes."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from casework.cases.models import CaseEvent
from casework.deadlines.models import Deadline
from casework.extensions import db
from casework.formatting import LONDON
from casework.notifications.models import OutboxMessage
from casework.partners import meetings, services
from casework.partners.meetings import PANELS, build_agenda, schedule_meeting, seed_panels
from casework.partners.models import Panel, ReferralAction
from tests.cases.builders import gravesham, manager_in
from tests.conftest import csrf_token, sign_in
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


def _at(day, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON)


def test_the_migration_seeds_the_three_panels_and_seeding_again_adds_none(app):
    seed_panels()
    assert seed_panels() == []
    panels = {p.code: p for p in db.session.scalars(select(Panel))}
    assert {code: panels[code].name for code, *_ in PANELS} == {
        "csmap": "Community Safety Multi-Agency Panel",
        "asb_case_review": "ASB Case Review panel",
        "env_tasking": "Environmental Enforcement Tasking group",
    }
    assert panels["csmap"].cadence == "Monthly" and panels["asb_case_review"].cadence_days is None


@pytest.fixture
def board(app):
    """The multi-agency panel with a live referral (one overdue and one future action), a closed referral,
    and a referral to another panel."""
    chair = manager_in(None)
    kent_police, kfrs = police(), fire_service()
    csmap = panel(members=[kent_police, kfrs], chair=chair)
    live_case, manager = investigated_case()
    live = refer(
        live_case,
        manager,
        to_panel=csmap,
        actions=[
            (kent_police, "Patrol the street", working_day(1)),
            (kfrs, "Fire safety visit", working_day(20)),
        ],
    )
    closed_case, _ = investigated_case(code="asb_nuisance")
    closed = refer(closed_case, manager, to_panel=csmap)
    services.close_referral(manager, closed, "Dealt with")
    other_case, _ = investigated_case(code="noise")
    other = refer(other_case, manager, to_panel=panel("env_tasking", members=[kent_police]))
    meeting = schedule_meeting(chair, csmap, _at(working_day(5)), "Civic Centre, Committee Room 2")
    return {
        "chair": chair,
        "panel": csmap,
        "live": live,
        "closed": closed,
        "other": other,
        "meeting": meeting,
        "police": kent_police,
        "kfrs": kfrs,
        "manager": manager,
    }


def test_the_agenda_lists_the_panels_live_referrals_and_actions_overdue_by_the_meeting(app, board):
    agenda = build_agenda(board["meeting"])

    assert [r.id for r in agenda.referrals] == [board["live"].id]
    assert [a.description for a in agenda.overdue] == ["Patrol the street"]  # due before the meeting day


def test_the_meeting_page_and_printable_agenda_show_the_agenda(app, client, board):
    sign_in(client, board["manager"].email)
    meeting = board["meeting"]
    base = f"/panels/{board['panel'].id}/meetings/{meeting.id}"

    page = client.get(base).get_data(as_text=True)
    printable = client.get(f"{base}/agenda")

    for html in (page, printable.get_data(as_text=True)):
        assert board["live"].case.reference in html
        assert board["closed"].case.reference not in html and board["other"].case.reference not in html
        assert "Patrol the street" in html and "Fire safety visit" not in html.split("overdue-actions")[1]
    printed = printable.get_data(as_text=True)
    assert "govuk-service-navigation" not in printed and 'id="print-button"' in printed
    assert "govuk-!-display-none-print" in printed


def test_schedule_a_meeting_through_the_form(app, client, board):
    sign_in(client, board["manager"].email)
    path = f"/panels/{board['panel'].id}/meetings/new"
    form = client.get(path).get_data(as_text=True)
    assert "Schedule a meeting" in form

    day = working_day(12)
    bad = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "day": [str(day.day), str(day.month), str(day.year)],
            "start": "25:00",
            "location": "Hall",
        },
    )
    assert bad.status_code == 400 and "Enter a real time" in bad.get_data(as_text=True)
    past = working_day(-2)
    old = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "day": [str(past.day), str(past.month), str(past.year)],
            "start": "10am",
            "location": "Hall",
        },
    )
    assert old.status_code == 400 and "The meeting must be in the future" in old.get_data(as_text=True)
    good = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "day": [str(day.day), str(day.month), str(day.year)],
            "start": "2:30pm",
            "location": "Hall",
        },
    )
    assert good.status_code == 302
    created = db.session.scalars(
        select(meetings.PanelMeeting).order_by(meetings.PanelMeeting.id.desc())
    ).first()
    assert created.starts_at == _at(day, 14) + timedelta(minutes=30)


def test_attendance_decisions_and_actions_are_recorded_and_actions_become_deadlines(app, client, board):
    sign_in(client, board["chair"].email)
    meeting, live = board["meeting"], board["live"]
    base = f"/panels/{board['panel'].id}/meetings/{meeting.id}"
    token = csrf_token(client, base)
    due = working_day(7)

    assert (
        client.post(
            f"{base}/attendance",
            data={
                "csrf_token": token,
                "name": "Insp Dana Reeve",
                "agency_id": str(board["police"].id),
                "status": "present",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{base}/attendance",
            data={"csrf_token": token, "name": "Sam Lee", "agency_id": "", "status": "apologies"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{base}/decisions",
            data={
                "csrf_token": token,
                "referral_id": str(live.id),
                "body": "Keep the case open; review next month",
            },
        ).status_code
        == 302
    )
    response = client.post(
        f"{base}/actions",
        data={
            "csrf_token": token,
            "referral_id": str(live.id),
            "agency_id": str(board["kfrs"].id),
            "description": "Fit smoke alarms",
            "due_on": [str(due.day), str(due.month), str(due.year)],
        },
    )
    assert response.status_code == 302
    missing = client.post(
        f"{base}/actions",
        data={
            "csrf_token": token,
            "referral_id": str(live.id),
            "agency_id": "",
            "description": "",
            "due_on": ["", "", ""],
        },
    )
    assert missing.status_code == 400 and "Enter what the agency is to do" in missing.get_data(as_text=True)

    action = db.session.scalar(select(ReferralAction).where(ReferralAction.meeting_id == meeting.id))
    assert action.agency_id == board["kfrs"].id and action.due_on == due
    row = db.session.scalar(select(Deadline).where(Deadline.action_id == action.id))
    assert row.kind == "partner_action" and row.referral_id == live.id and row.met_at is None
    assert row.due_at == _at(due, 17)
    review = db.session.scalar(
        select(Deadline).where(Deadline.referral_id == live.id, Deadline.kind == "panel_review")
    )
    assert review.met_at is not None  # the panel decided
    keys = set(db.session.scalars(select(OutboxMessage.idempotency_key)))
    assert {f"action:{action.id}:notify:{c.id}" for c in board["kfrs"].contacts} <= keys
    kinds = [e.kind for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == live.case_id))]
    assert "panel_decision" in kinds and "panel_action" in kinds

    minutes = client.get(f"{base}/minutes").get_data(as_text=True)
    assert "Insp Dana Reeve" in minutes and "Sam Lee" in minutes.split("Apologies")[1]
    assert "Keep the case open" in minutes and "Fit smoke alarms" in minutes
    page = client.get(base).get_data(as_text=True)
    assert "Fit smoke alarms" in page and "Keep the case open" in page


def test_a_meeting_action_must_be_for_a_member_and_an_agenda_referral(app, board):
    meeting = board["meeting"]
    with pytest.raises(services.ReferralError, match="member"):
        meetings.add_action(board["chair"], meeting, board["live"].id, council().id, "Visit", working_day(3))
    with pytest.raises(services.ReferralError, match="on this panel's agenda"):
        meetings.add_action(
            board["chair"], meeting, board["other"].id, board["police"].id, "Visit", working_day(3)
        )
    with pytest.raises(services.NotAllowed):
        meetings.add_action(
            partner_of(board["police"]),
            meeting,
            board["live"].id,
            board["police"].id,
            "Visit",
            working_day(3),
        )


def test_partners_see_their_panels_read_only_and_not_others(app, client, board):
    pc = partner_of(board["police"])
    outsider = partner_of(council())
    base = f"/panels/{board['panel'].id}/meetings/{board['meeting'].id}"

    sign_in(client, pc.email)
    assert board["panel"].name in client.get("/panels").get_data(as_text=True)
    page = client.get(base)
    assert page.status_code == 200 and "Record a decision" not in page.get_data(as_text=True)
    assert client.get(f"{base}/agenda").status_code == 200
    assert (
        client.post(
            f"{base}/decisions", data={"csrf_token": csrf_token(client, base), "body": "x"}
        ).status_code
        == 403
    )
    assert client.get(f"/panels/{board['panel'].id}/edit").status_code == 403
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account/password")})

    sign_in(client, outsider.email)
    assert board["panel"].name not in client.get("/panels").get_data(as_text=True)
    assert client.get(f"/panels/{board['panel'].id}").status_code == 404
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/minutes").status_code == 404


def test_a_borough_manager_sees_only_their_boroughs_referrals_on_the_agenda(app, board):
    other = manager_in(gravesham())
    assert build_agenda(board["meeting"], other).referrals == []
    assert [r.id for r in build_agenda(board["meeting"], board["manager"]).referrals] == [board["live"].id]


def test_the_manager_changes_members_chair_and_cadence(app, client, board):
    sign_in(client, board["manager"].email)
    path = f"/panels/{board['panel'].id}/edit"
    dbc = council()
    bad = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "members": [str(dbc.id)],
            "chair": "",
            "cadence": "Monthly",
            "cadence_days": "abc",
        },
    )
    assert bad.status_code == 400 and "whole number" in bad.get_data(as_text=True)
    good = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "members": [str(dbc.id), str(board["police"].id)],
            "chair": f"contact:{dbc.contacts[0].id}",
            "cadence": "Every six weeks",
            "cadence_days": "42",
        },
    )
    assert good.status_code == 302
    db.session.expire_all()
    changed = db.session.get(Panel, board["panel"].id)
    assert {a.short_name for a in changed.members} == {"DBC", "Police"}
    assert changed.chair_contact_id == dbc.contacts[0].id and changed.chair_user_id is None
    assert (changed.cadence, changed.cadence_days) == ("Every six weeks", 42)


def test_managers_add_and_stop_agency_contacts(app, client, board):
    sign_in(client, board["manager"].email)
    agency = board["police"]
    path = f"/agencies/{agency.id}"
    token = csrf_token(client, path)
    duplicate = client.post(
        path, data={"csrf_token": token, "name": "Again", "email": agency.contacts[0].email, "role": ""}
    )
    assert duplicate.status_code == 400 and "already a contact" in duplicate.get_data(as_text=True)
    bad = client.post(path, data={"csrf_token": token, "name": "X", "email": "not-an-address", "role": ""})
    assert bad.status_code == 400
    assert (
        client.post(
            path,
            data={
                "csrf_token": token,
                "name": "Night team",
                "email": "nights@kent.police.example",
                "role": "Mailbox",
            },
        ).status_code
        == 302
    )
    db.session.expire_all()
    added = next(c for c in agency.contacts if c.email == "nights@kent.police.example")
    assert client.post(f"{path}/contacts/{added.id}/active", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert added.active is False
    assert "Night team" in client.get(path).get_data(as_text=True)
