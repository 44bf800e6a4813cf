"""The outbox: queue a message with the change that causes it; dispatch due messages; resend.

Other areas call `queue_message` inside their own transaction and commit it with their change.
The Celery task `casework.notifications.dispatch` calls `dispatch_pending`, which claims due rows,
commits the claim, sends each through the configured sender and commits each result on its own.

What can go wrong, and what happens:
- the provider fails or is unreachable: the row goes back to pending with exponential backoff, and
  to failed after MAIL_MAX_ATTEMPTS attempts;
- the worker dies mid-send: the row stays in `sending` until its claim lapses
  (MAIL_STALE_SENDING_SECONDS), then another dispatcher sends it again with the same Message-ID (and,
  for GOV.UK Notify, first asks Notify whether it already has the message's reference). That is the
  only way a message can be sent twice: the provider accepted it but the worker died before
  committing `sent`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import and_, event, func, insert, select, update
from sqlalchemy.orm import Session

from casework.auth.roles import Role
from casework.db_types import utcnow
from casework.extensions import db
from casework.notifications.models import OutboxMessage, Status
from casework.notifications.render import render_message
from casework.notifications.senders import Outgoing, PermanentFailure, Sender, make_sender

log = logging.getLogger(__name__)

DISPATCH_TASK = "casework.notifications.dispatch"
KEY_LIMIT = 200
ERROR_LIMIT = 2000
_TRIGGER_FLAG = "casework_outbox_trigger"
_last_trigger = 0.0


class OutboxError(ValueError):
    """A message that cannot be queued or resent, with a message for people."""


# ---------------------------------------------------------------------------------------------------
# Queueing


def queue_message(
    *,
    key: str,
    to_address: str,
    template: str,
    context: dict,
    to_name: str = "",
    case_id: int | None = None,
) -> OutboxMessage:
    """Add an outbound e-mail to the current transaction, once per idempotency key.

    The row is written in the caller's transaction and NOT committed: commit it with the change
    that causes it, and a rollback takes the message away too. The subject and bodies are rendered
    now, from templates/emails/<template>.*, so a template error fails the caller's change. If a row
    with this key already exists (committed, or earlier in this transaction), it is returned and
    nothing is added. Context values must be JSON-friendly; dates, datetimes and Decimals are kept
    as text in the stored context but reach the templates as they are.
    """
    key = _clean_key(key)
    to_address = _clean_address(to_address)
    to_name = " ".join((to_name or "").split())[:200]
    existing = _existing(key)
    if existing is not None:
        return existing
    rendered = render_message(template, context)
    values = {
        "idempotency_key": key,
        "to_address": to_address,
        "to_name": to_name,
        "template": template,
        "context": _json_safe(context),
        "subject": rendered.subject,
        "body_text": rendered.text,
        "body_html": rendered.html,
        "status": Status.PENDING.value,
        "attempts": 0,
        "message_id": new_message_id(),
        "case_id": case_id,
    }
    db.session.execute(_insert_unless_key_exists(values))
    message = _existing(key)
    assert message is not None  # inserted above, or by a transaction that committed first
    db.session.info[_TRIGGER_FLAG] = True
    return message


def new_message_id() -> str:
    """A fresh RFC 5322 Message-ID: <random hex@domain>, made once per outbox row."""
    config = current_app.config
    domain = config.get("MAIL_MESSAGE_ID_DOMAIN") or config["MAIL_FROM"].rpartition("@")[2]
    return f"<{uuid.uuid4().hex}@{domain or 'casework.local'}>"


def _existing(key: str) -> OutboxMessage | None:
    for obj in db.session.new:
        if isinstance(obj, OutboxMessage) and obj.idempotency_key == key:
            return obj
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))


def _insert_unless_key_exists(values: dict):
    """INSERT ... ON CONFLICT (idempotency_key) DO NOTHING: two transactions queueing the same key
    at once both succeed, and only one row exists (PostgreSQL makes the second wait for the first)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        return insert(OutboxMessage).values(**values)
    statement = dialect_insert(OutboxMessage).values(**values)
    return statement.on_conflict_do_nothing(index_elements=["idempotency_key"])


def _clean_key(key: str) -> str:
    key = (key or "").strip()
    if not key:
        raise OutboxError("A message needs an idempotency key")
    if len(key) > KEY_LIMIT:
        raise OutboxError(f"An idempotency key is at most {KEY_LIMIT} characters: {key[:40]}...")
    return key


def _clean_address(address: str) -> str:
    address = (address or "").strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() or c in '<>,;"' for c in address):
        raise OutboxError(f"Not an e-mail address: {address!r}")
    if len(address) > 254:
        raise OutboxError("An e-mail address is at most 254 characters")
    return address


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise OutboxError(f"A message context holds only plain values, not {type(value).__name__}")


# ---------------------------------------------------------------------------------------------------
# Triggering a dispatch once the queueing transaction has committed


@event.listens_for(Session, "after_commit")
def _trigger_after_commit(session: Session) -> None:
    if not session.info.pop(_TRIGGER_FLAG, False):
        return
    if not current_app.config.get("MAIL_DISPATCH_AFTER_COMMIT"):
        return
    trigger_dispatch()


@event.listens_for(Session, "after_rollback")
def _forget_trigger(session: Session) -> None:
    session.info.pop(_TRIGGER_FLAG, None)


def trigger_dispatch(min_interval: float = 1.0) -> bool:
    """Ask a worker to dispatch now (beat does it anyway every MAIL_DISPATCH_SECONDS).

    Many commits in a row (a sweep queueing hundreds of reminders) publish one task a second, not
    one each. A broker that is down is logged, never raised: the rows are committed and beat will
    find them.
    """
    global _last_trigger
    now = time.monotonic()
    if now - _last_trigger < min_interval:
        return False
    _last_trigger = now
    celery = current_app.extensions.get("celery")
    if celery is None:
        return False
    try:
        # One try, no publish retries: this may run at the end of a web request.
        celery.send_task(
            DISPATCH_TASK, expires=max(current_app.config["MAIL_DISPATCH_SECONDS"], 30), retry=False
        )
    except Exception:  # the broker's own errors vary by transport; the outbox rows are safe either way
        log.warning("could not ask a worker to dispatch the outbox now; beat will", exc_info=True)
        return False
    return True


# ---------------------------------------------------------------------------------------------------
# Dispatching


@dataclass
class _Claim:
    messages: list[Outgoing]
    claimed_at: datetime
    monotonic: float


def dispatch_pending(now: datetime | None = None, limit: int = 100) -> int:
    """Send due outbox messages, at most `limit`; returns how many were sent.

    Rows are claimed a few at a time (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so several
    dispatchers share the work; a compare-and-set update on SQLite), marked `sending` and committed;
    then each is sent and its outcome committed on its own. Pass `now` to fix the clock in tests.
    """
    config = current_app.config
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    sender = make_sender(config)
    lease = timedelta(seconds=config["MAIL_STALE_SENDING_SECONDS"])
    batch = max(1, int(config["MAIL_CLAIM_BATCH"]))
    sent = handled = 0
    try:
        while handled < limit:
            claim = _claim(clock(), min(batch, limit - handled), lease, sender.name)
            if not claim.messages:
                break
            for index, message in enumerate(claim.messages):
                # Send nothing on a claim that may have lapsed: another dispatcher may own it now.
                if time.monotonic() - claim.monotonic > lease.total_seconds() / 2:
                    _release(claim.messages[index:])
                    break
                handled += 1
                sent += _attempt(sender, message, clock)
    finally:
        sender.close()
        db.session.rollback()
    return sent


def has_due_messages(now: datetime | None = None) -> bool:
    """Whether any message is due to be sent (or its claim has lapsed)."""
    query = select(OutboxMessage.id).where(_due(now or utcnow())).limit(1)
    found = db.session.scalar(query) is not None
    db.session.rollback()
    return found


def _due(now: datetime):
    return and_(
        OutboxMessage.status.in_((Status.PENDING.value, Status.SENDING.value)),
        OutboxMessage.next_attempt_at <= now,
    )


def _claim(now: datetime, size: int, lease: timedelta, provider: str) -> _Claim:
    """Take up to `size` due rows: each becomes `sending` under a claim that lapses at now + lease.

    PostgreSQL locks the candidates with SKIP LOCKED, so concurrent dispatchers take different rows.
    SQLite has no row locks: the read is ended first, then each row is taken only if it is still as
    read (SQLite runs one writer at a time, so two dispatchers never both take a row).
    """
    session = db.session
    query = (
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.next_attempt_at)
        .where(_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(size)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = session.execute(query.with_for_update(skip_locked=True)).all()
        taken = _take_locked(candidates, now, lease, provider)
    else:
        candidates = session.execute(query).all()
        session.rollback()
        taken = _take_if_unchanged(candidates, now, lease, provider)
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(taken))
        .order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)  # the updates bypassed the identity map
    )
    # A row that failed before, or was resent, may have reached the provider on an earlier attempt.
    messages = [_outgoing(row, now, taken[row.id] or bool(row.last_error or row.resent_at)) for row in rows]
    session.commit()
    return _Claim(messages=messages, claimed_at=now, monotonic=time.monotonic())


def _take_locked(candidates, now: datetime, lease: timedelta, provider: str) -> dict[int, bool]:
    """The candidates are ours (locked): fail the hopeless, claim the rest in one statement."""
    taken: dict[int, bool] = {}
    for row_id, status, attempts, _ in candidates:
        if _interrupted_too_often(status, attempts):
            _update(OutboxMessage.id == row_id, _give_up_values(attempts))
        else:
            taken[row_id] = status == Status.SENDING.value or attempts > 0
    if taken:
        _update(OutboxMessage.id.in_(taken), _claim_values(now, lease, provider))
    return taken


def _take_if_unchanged(candidates, now: datetime, lease: timedelta, provider: str) -> dict[int, bool]:
    """Take each candidate only if no other dispatcher changed it since it was read."""
    taken: dict[int, bool] = {}
    for row_id, status, attempts, next_attempt_at in candidates:
        unchanged = and_(
            OutboxMessage.id == row_id,
            OutboxMessage.status == status,
            OutboxMessage.next_attempt_at == next_attempt_at,
        )
        if _interrupted_too_often(status, attempts):
            _update(unchanged, _give_up_values(attempts))
        elif _update(unchanged, _claim_values(now, lease, provider)) == 1:
            taken[row_id] = status == Status.SENDING.value or attempts > 0
    return taken


def _update(where, values: dict) -> int:
    statement = update(OutboxMessage).where(where).values(**values)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _interrupted_too_often(status: str, attempts: int) -> bool:
    # A message whose sends keep dying with the worker is not tried for ever.
    return status == Status.SENDING.value and attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]


def _give_up_values(attempts: int) -> dict:
    return {
        "status": Status.FAILED.value,
        "last_error": (
            f"The dispatcher stopped while sending this message, {attempts} times. It may or may "
            "not have been delivered; resend it if it matters."
        ),
    }


def _claim_values(now: datetime, lease: timedelta, provider: str) -> dict:
    return {
        "status": Status.SENDING.value,
        "attempts": OutboxMessage.attempts + 1,
        "sending_started_at": now,
        "next_attempt_at": now + lease,  # when this claim lapses if nobody finishes it
        "provider": provider,
    }


def _outgoing(row: OutboxMessage, claimed_at: datetime, maybe_sent_before: bool) -> Outgoing:
    return Outgoing(
        id=row.id,
        key=row.idempotency_key,
        message_id=row.message_id,
        to_address=row.to_address,
        to_name=row.to_name,
        template=row.template,
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        context=dict(row.context or {}),
        attempt=row.attempts,
        claimed_at=claimed_at,
        maybe_sent_before=maybe_sent_before,
    )


def _attempt(sender: Sender, message: Outgoing, clock: Callable[[], datetime]) -> int:
    try:
        reference = sender.send(message)
    except PermanentFailure as error:
        _record_failure(message, str(error), clock(), permanent=True)
        return 0
    except Exception as error:  # any failure of the provider or the network is retried with backoff
        log.warning("outbox message %s: attempt %s failed: %s", message.id, message.attempt, error)
        _record_failure(message, f"{type(error).__name__}: {error}", clock(), permanent=False)
        return 0
    _record_sent(message, reference, clock())
    return 1


def _ours(message: Outgoing):
    """The row as we claimed it: still sending, under our claim."""
    return and_(
        OutboxMessage.id == message.id,
        OutboxMessage.status == Status.SENDING.value,
        OutboxMessage.sending_started_at == message.claimed_at,
    )


def _record_sent(message: Outgoing, reference: str, now: datetime) -> None:
    values = {
        "status": Status.SENT.value,
        "sent_at": now,
        "provider_reference": reference[:200],
        "last_error": None,
    }
    updated = _update(_ours(message), values)
    db.session.commit()
    if updated != 1:
        log.warning("outbox message %s was sent after its claim lapsed; it may have gone twice", message.id)


def _record_failure(message: Outgoing, error: str, now: datetime, *, permanent: bool) -> None:
    config = current_app.config
    values: dict[str, Any] = {"last_error": error[:ERROR_LIMIT]}
    if permanent or message.attempt >= config["MAIL_MAX_ATTEMPTS"]:
        values["status"] = Status.FAILED.value
    else:
        values["status"] = Status.PENDING.value
        values["next_attempt_at"] = now + backoff(message.attempt, config)
    _update(_ours(message), values)
    db.session.commit()


def backoff(attempts: int, config: dict | None = None) -> timedelta:
    """How long to wait after the given number of failed attempts: base * 2^(attempts-1), capped."""
    config = config if config is not None else current_app.config
    seconds = config["MAIL_BACKOFF_SECONDS"] * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, config["MAIL_BACKOFF_MAX_SECONDS"]))


def _release(messages: Iterable[Outgoing]) -> None:
    """Give back claimed rows we will not send now: due again at once, attempt not counted."""
    for message in messages:
        values = {
            "status": Status.PENDING.value,
            "attempts": OutboxMessage.attempts - 1,
            "next_attempt_at": message.claimed_at,
        }
        _update(_ours(message), values)
    db.session.commit()


# ---------------------------------------------------------------------------------------------------
# Admin


def resend(message_id: int, actor) -> OutboxMessage:
    """Put a failed message back in the queue: the same row, the same Message-ID, attempts reset.

    Only administrators may; only failed messages can be resent (a sent one would go twice). The
    change is committed, and a worker is asked to dispatch.
    """
    if actor is None or getattr(actor, "role_enum", None) != Role.ADMIN:
        raise OutboxError("Only administrators can resend messages.")
    message = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None:
        raise OutboxError("There is no such message.")
    if message.status != Status.FAILED.value:
        raise OutboxError(f"Only failed messages can be resent; this one is {message.status}.")
    now = utcnow()
    message.status = Status.PENDING.value
    message.attempts = 0
    message.next_attempt_at = now
    message.sending_started_at = None
    message.resent_at = now
    message.resent_by_id = actor.id
    db.session.info[_TRIGGER_FLAG] = True
    db.session.commit()
    log.info("outbox message %s resent by user %s", message.id, actor.id)
    return message


def status_counts() -> dict[str, int]:
    """How many messages are in each status."""
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    counts = {status.value: 0 for status in Status}
    counts.update({status: count for status, count in rows})
    return counts


def messages_query(status: Status | None = None):
    """Messages for the admin list, newest first, optionally of one status."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if status is not None:
        query = query.where(OutboxMessage.status == status.value)
    return query


__all__ = [
    "OutboxError",
    "backoff",
    "dispatch_pending",
    "has_due_messages",
    "messages_query",
    "new_message_id",
    "queue_message",
    "resend",
    "status_counts",
    "trigger_dispatch",
]
