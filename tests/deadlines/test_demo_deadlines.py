"""After `make run` seeds the demo, the sweep visibly works within minutes: reminders, escalation, panel."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from casework.cases.models import Case
from casework.db_types import utcnow
from casework.deadlines.sweep import sweep
from casework.demo import seed_demo
from casework.extensions import db
from casework.partners.meetings import seed_panels
from tests.deadlines.builders import default_policies, outbox


def test_demo_deadlines_remind_escalate_and_refer_within_minutes(app):
    default_policies()
    seed_panels()
    seed_demo()
    now = utcnow()
    referred_before = db.session.scalar(
        select(func.count()).select_from(Case).where(Case.state == "referred_to_panel")
    )

    sweep(now + timedelta(minutes=2))
    reminders = outbox("deadline:")
    assert any(":reminder" in message.idempotency_key for message in reminders)
    referred_after = db.session.scalar(
        select(func.count()).select_from(Case).where(Case.state == "referred_to_panel")
    )
    assert referred_after == referred_before + 1

    sweep(now + timedelta(minutes=7))
    assert any(":rung:" in message.idempotency_key for message in outbox("deadline:"))
