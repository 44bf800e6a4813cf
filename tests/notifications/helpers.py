"""Small helpers shared by the outbox tests."""

from __future__ import annotations

from sqlalchemy import create_engine, func, select

from casework.extensions import db
from casework.notifications.models import OutboxMessage
from casework.notifications.services import queue_message


def notice(key: str, to: str = "officer@example.org", **context) -> OutboxMessage:
    """Queue a plain `notice` message (not committed)."""
    values = {"subject": f"Reminder {key}", "paragraphs": [f"Case {key} is due for review tomorrow."]}
    values.update(context)
    return queue_message(key=key, to_address=to, template="notice", context=values)


def queue_many(count: int, prefix: str = "bulk") -> list[OutboxMessage]:
    """Queue and commit `count` notices to distinct addresses."""
    messages = [notice(f"{prefix}-{n}", to=f"person{n}@example.org") for n in range(count)]
    db.session.commit()
    return messages


def rows_seen_by_another_connection(url: str) -> int:
    """How many outbox rows a separate connection sees (committed rows only)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(OutboxMessage.__table__))
    finally:
        engine.dispose()


def all_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
