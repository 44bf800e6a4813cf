"""The daily digest: each active officer and manager is e-mailed what is due today and overdue.

Beat asks every few minutes; the digest goes out once per working day, at or after the configured
London hour (DEADLINE_DIGEST_HOUR). A `digest_runs` row per day makes it once a day even with two
workers asking at once; each message's idempotency key ("digest:<user id>:<date>") does the same for
every single message. Users who turned the digest off, and users with nothing due, get none.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casework.auth.models import User
from casework.auth.roles import Role
from casework.deadlines.calendar import current_calendar
from casework.deadlines.models import DigestRun
from casework.deadlines.queries import digest_items
from casework.extensions import db
from casework.formatting import LONDON

log = logging.getLogger(__name__)


def digest_recipients() -> list[User]:
    """Active officers and managers who have not turned the digest off."""
    query = select(User).where(
        User.active.is_(True),
        User.role.in_([Role.OFFICER.value, Role.MANAGER.value]),
        User.digest_opt_out.is_(False),
    )
    return list(db.session.scalars(query.order_by(User.id)))


def digest_due(now: datetime) -> bool:
    """Whether today's digest should go now: a working day, at or after the digest hour, not yet sent."""
    local = now.astimezone(LONDON)
    if not current_calendar().is_working_day(local.date()):
        return False
    if local.hour < int(current_app.config.get("DEADLINE_DIGEST_HOUR", 7)):
        return False
    return db.session.scalar(select(DigestRun.id).where(DigestRun.day == local.date())) is None


def send_digests(now: datetime, *, force: bool = False) -> int:
    """Queue today's digest for every recipient with something due or overdue; commit; return how
    many were queued (0 when it is not time, or today's went already). `force` ignores the hour and
    the working-day check, not the once-a-day rule."""
    from casework.notifications.services import queue_message

    if not force and not digest_due(now):
        return 0
    today = now.astimezone(LONDON).date()
    count = 0
    for user in digest_recipients():
        items = digest_items(user, now)
        if items.empty:
            continue
        queue_message(
            key=f"digest:{user.id}:{today.isoformat()}",
            to_address=user.email,
            to_name=user.name,
            template="digest",
            context={
                "greeting_name": user.name,
                "day": today,
                "scope": _scope_words(user),
                "overdue": [_line(line) for line in items.overdue],
                "due_today": [_line(line) for line in items.due_today],
            },
        )
        count += 1
    db.session.add(DigestRun(day=today, messages=count))
    try:
        db.session.commit()
    except IntegrityError:  # another worker queued today's digest first; its keys match ours
        db.session.rollback()
        return 0
    log.info("daily digest for %s: %s messages queued", today, count)
    return count


def _scope_words(user: User) -> str:
    if user.role_enum == Role.OFFICER:
        return "cases assigned to you"
    return f"cases in {user.borough.name}" if user.borough else "cases in every borough"


def _line(line) -> dict:
    return {
        "reference": line.reference,
        "case_type": line.case_type,
        "deadline": line.label,
        "due_at": line.due_at,
        "escalated": line.escalation_level > 0,
    }


def set_digest_opt_out(user: User, opt_out: bool) -> None:
    """Turn the user's daily digest off (True) or on (False), and commit."""
    user.digest_opt_out = opt_out
    db.session.commit()
