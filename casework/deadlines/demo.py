"""Demo deadlines that fall due in the first minutes after `make run`, so the sweep can be seen working.

Applied once, when the demo cases are first written: two cases get a deadline due a few minutes from
now (a reminder goes out within the first minute or two, an escalation when it passes), and one overdue
case is one rung short of its panel, so the sweep refers it to the panel within a few minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from casework.cases.models import Case
from casework.db_types import utcnow
from casework.deadlines.models import Deadline
from casework.extensions import db

ACTIVE = ("under_investigation", "enforcement_action", "awaiting_compliance", "triaged")


def _open_deadlines():
    return (
        select(Deadline)
        .join(Case, Case.id == Deadline.case_id)
        .where(Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None), Case.state != "closed")
        .order_by(Deadline.id)
    )


def stage_demo_deadlines(now: datetime | None = None) -> int:
    """Move a few open demo deadlines close to now; returns how many were moved."""
    now = now or utcnow()
    rows = list(db.session.scalars(_open_deadlines()))
    near = [row for row in rows if row.ladder][:2]
    for minutes, row in zip((4, 6), near, strict=False):
        row.due_at = now + timedelta(minutes=minutes)
        row.remind_at = now + timedelta(minutes=1)
        row.reminded_at, row.reminders_sent = None, 0
        row.escalation_level, row.escalate_at, row.last_escalated_at = 0, row.due_at, None
    staged = [row for row in rows if row not in near]
    to_panel = next(
        (r for r in staged if r.ladder and r.ladder[-1].startswith("panel:") and r.case.state in ACTIVE),
        None,
    )
    if to_panel is not None:
        to_panel.due_at = now - timedelta(days=2)
        to_panel.remind_at = None
        to_panel.escalation_level = len(to_panel.ladder) - 1
        to_panel.escalate_at = now + timedelta(minutes=2)
        to_panel.last_escalated_at = now - timedelta(days=1)
    db.session.flush()
    return len(near) + (1 if to_panel is not None else 0)
