"""The demo data (issue 4 item 13): an open referral to each seeded panel and to Kent Police, so the
partner view, a panel agenda and the chasing of partner actions can be seen at once after `make run`."""

from __future__ import annotations

from sqlalchemy import func, select

from casework.db_types import utcnow
from casework.demo import seed_demo
from casework.extensions import db
from casework.notifications.models import OutboxMessage
from casework.partners.meetings import build_agenda, send_agendas
from casework.partners.models import LIVE_STATUSES, AgencyContact, Panel, PanelMeeting, Referral
from tests.conftest import sign_in


def test_the_demo_refers_cases_to_every_panel_and_to_kent_police_and_the_partner_sees_them(app, client):
    from casework.deadlines.sweep import sweep  # configures the mappers when imported

    added = seed_demo()

    referrals = list(db.session.scalars(select(Referral).where(Referral.status.in_(LIVE_STATUSES))))
    targets = {r.panel.code if r.panel else r.agency.name for r in referrals}
    assert {"csmap", "asb_case_review", "env_tasking", "Kent Police"} <= targets
    assert added["referrals"] == len(referrals) >= 4
    panels = {p.code: p for p in db.session.scalars(select(Panel))}
    assert all(
        panels[code].members and panels[code].chair_user
        for code in ("csmap", "asb_case_review", "env_tasking")
    )
    assert db.session.scalar(select(AgencyContact.id).where(AgencyContact.email == "asb@kent.police.example"))

    # The partner user sees every one of them (Kent Police sits on all three panels).
    assert sign_in(client, "police@demo.test", app.config["DEMO_PASSWORD"]).status_code == 302
    listed = client.get("/referrals").get_data(as_text=True)
    assert all(r.case.reference in listed for r in referrals)
    assert client.get(f"/shared/cases/{referrals[0].case.reference}").status_code == 200

    # The coming multi-agency panel meeting has an agenda with an overdue action, and it is e-mailed now.
    meeting = db.session.scalar(select(PanelMeeting).join(Panel).where(Panel.code == "csmap"))
    agenda = build_agenda(meeting)
    assert len(agenda.referrals) >= 2 and agenda.overdue
    assert send_agendas(utcnow()) == 1

    # The sweep chases the partner actions at once: the overdue one goes to the panel chair.
    sweep(utcnow())
    templates = set(db.session.scalars(select(OutboxMessage.template)))
    assert {
        "referral_new",
        "panel_agenda",
        "referral_action_escalation",
        "referral_action_reminder",
    } <= templates

    again = seed_demo()
    assert again.get("referrals", 0) == 0 and again.get("panel meetings", 0) == 0
    assert db.session.scalar(select(func.count()).select_from(Referral)) >= len(referrals)
