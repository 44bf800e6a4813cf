"""The sweep: reminders before deadlines fall due, and escalation one rung at a time after.

Celery beat runs `sweep(now)` every minute or so (house rule 3). It finds the rows whose time has
come through partial indexes over open deadlines, so its cost follows the number of due rows, not
the number of deadlines ever written.

Exactly once, even with two sweeps at once or a worker killed mid-sweep:
- each step (the outbox rows, the case history entry, and moving the row's marker on) is ONE
  transaction per deadline row, so a kill loses or repeats nothing: the row is either done and
  committed, or untouched and picked up by the next sweep;
- the row is claimed for that transaction: `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, with
  the due condition checked again under the lock (a row another sweep has just done is no longer
  due); the row's version column makes any other writer of the same row fail rather than repeat;
- sweeps do not overlap: a PostgreSQL advisory lock (a file lock on SQLite, where the embedded setup
  runs one machine), and a sweep that cannot take it does nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app, g
from sqlalchemy import ColumnElement, and_, or_, select, text
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.models import Case
from casework.deadlines import escalation, policies
from casework.deadlines.calendar import current_calendar
from casework.deadlines.models import Deadline
from casework.deadlines.services import history, next_reminder, next_rung_time
from casework.extensions import db
from casework.formatting import datetime_uk

log = logging.getLogger(__name__)

# pg_try_advisory_lock key: any constant bigint that no other lock in this database uses.
ADVISORY_LOCK_KEY = 0x43415345_53574550  # "CASESWEP"


@dataclass
class SweepResult:
    """What one pass did, and how long its parts took."""

    locked_out: bool = False
    reminders: int = 0
    escalations: int = 0
    skipped: int = 0  # due rows another sweep held, or that changed under us
    failed: int = 0
    list_seconds: float = 0.0  # finding the due rows (the listing queries)
    claim_seconds: float = 0.0  # claiming each row (SELECT ... FOR UPDATE SKIP LOCKED)
    total_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def select_seconds(self) -> float:
        """Finding and claiming due rows, together."""
        return self.list_seconds + self.claim_seconds

    def as_dict(self) -> dict:
        return {
            "locked_out": self.locked_out,
            "reminders": self.reminders,
            "escalations": self.escalations,
            "skipped": self.skipped,
            "failed": self.failed,
            "list_seconds": round(self.list_seconds, 4),
            "claim_seconds": round(self.claim_seconds, 4),
            "total_seconds": round(self.total_seconds, 4),
        }


def _open() -> ColumnElement[bool]:
    return and_(Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None))


@dataclass(frozen=True)
class Step:
    """One kind of sweep step: which rows are due for it, in what order, and what it does."""

    name: str
    column: object  # the marker column whose time has come
    act: Callable[[Deadline, datetime], bool]

    def due(self, now: datetime) -> ColumnElement[bool]:
        return and_(self.column <= now, _open())  # type: ignore[operator]


# ---- who hears about it ------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """Someone a step notifies (plain values: they outlive the per-row transactions of a pass)."""

    id: int
    email: str
    name: str


def _managers(borough_id: int | None) -> list[Recipient]:
    """Active managers of a borough (None: partnership managers), looked up once per sweep pass."""
    cache = g.setdefault("_sweep_managers", {})
    if borough_id not in cache:
        query = select(User.id, User.email, User.name).where(
            User.active.is_(True), User.role == Role.MANAGER.value
        )
        query = query.where(
            User.borough_id.is_(None) if borough_id is None else User.borough_id == borough_id
        )
        cache[borough_id] = [Recipient(*row) for row in db.session.execute(query.order_by(User.id))]
    return cache[borough_id]


def _names(people: list[Recipient]) -> str:
    return ", ".join(person.name for person in people)


def people_for(case: Case, rung: str) -> tuple[list[Recipient], str]:
    """The people a rung (or a reminder, 'assigned_officer') goes to, and who they are in words.

    An unassigned case goes to its borough's managers; a borough without managers to the
    partnership managers, so a step always reaches someone if anyone can act.
    """
    officer = case.assigned_to
    if rung == "assigned_officer" and officer is not None and officer.active:
        return [Recipient(officer.id, officer.email, officer.name)], f"the assigned officer, {officer.name}"
    if rung in ("assigned_officer", "officer_manager"):
        people = _managers(case.borough_id)
        if people:
            return people, f"the {case.borough.name} managers ({_names(people)})"
    people = _managers(None)
    if people:
        return people, f"the partnership managers ({_names(people)})"
    people = _managers(case.borough_id)
    return (
        people,
        f"the {case.borough.name} managers ({_names(people)})" if people else "nobody (no active managers)",
    )


def _context(row: Deadline, person: Recipient, now: datetime, **extra) -> dict:
    case = row.case
    return {
        "greeting_name": person.name,
        "reference": case.reference,
        "case_type": case.case_type.name,
        "borough": case.borough.name,
        "ward": case.ward.name if case.ward else "",
        "deadline": row.label,
        "due_at": row.due_at,
        "overdue": row.due_at <= now,
        **extra,
    }


def _notify(row: Deadline, people: list[Recipient], key: str, template: str, now: datetime, **extra) -> None:
    from casework.notifications.services import queue_message

    for person in people:
        queue_message(
            key=f"{key}:to:{person.id}",
            to_address=person.email,
            to_name=person.name,
            template=template,
            context=_context(row, person, now, **extra),
            case_id=row.case_id,
        )


# ---- the steps ---------------------------------------------------------------------------------


def remind(row: Deadline, now: datetime) -> bool:
    """Send the row's next reminder, and move `remind_at` on to the one after (or None)."""
    calendar = current_calendar()
    if row.due_at <= now:  # already overdue (the sweep was down): escalation takes over
        row.remind_at = None
        return False
    number = row.reminders_sent + 1
    key = f"deadline:{row.id}:reminder" + (f":{number}" if number > 1 else "")
    if row.kind == "partner_action":  # its agency's contacts are reminded
        from casework.partners.chasing import remind_agency

        who = remind_agency(row, key, now)
    else:
        people, who = people_for(row.case, "assigned_officer")
        _notify(row, people, key, "deadline_reminder", now)
    row.reminders_sent, row.reminded_at = number, now
    row.remind_at = next_reminder(calendar, row.due_at, row.reminder_leads or [], now)
    history(
        row.case,
        "deadline_reminder",
        f"Reminder sent to {who}: {row.label} is due by {datetime_uk(row.due_at)}",
        now,
        kind=row.kind,
    )
    return True


def escalate(row: Deadline, now: datetime) -> bool:
    """Take the row's next rung: notify its people, or refer the case to the rung's panel."""
    ladder = list(row.ladder or [])
    level = row.escalation_level
    if level >= len(ladder):
        row.escalate_at = None
        return False
    rung = ladder[level]
    # The markers move first: referring to a panel may change the case's state, which meets this row.
    row.escalation_level, row.last_escalated_at = level + 1, now
    row.escalate_at = (
        next_rung_time(current_calendar(), now, current_app.config) if level + 1 < len(ladder) else None
    )
    overdue = f"{row.label} was due by {datetime_uk(row.due_at)}"
    panel = policies.panel_code(rung)
    if panel is not None:
        escalation.refer_to_panel(row.case, panel, f"Overdue: {overdue}.", now)
        return True
    if rung == "panel_chair":  # the partners area knows the panels and their chairs
        from casework.partners.chasing import escalate_to_chair

        who = escalate_to_chair(row, f"deadline:{row.id}:rung:{level + 1}", level + 1, now)
    else:
        people, who = people_for(row.case, rung)
        _notify(
            row,
            people,
            f"deadline:{row.id}:rung:{level + 1}",
            "deadline_escalation",
            now,
            rung=level + 1,
            escalated_to=who,
        )
    history(
        row.case,
        "deadline_escalated",
        f"Overdue: {overdue}. Escalated to {who}",
        now,
        kind=row.kind,
        rung=level + 1,
    )
    return True


REMIND = Step("reminder", Deadline.remind_at, remind)
ESCALATE = Step("escalation", Deadline.escalate_at, escalate)


# ---- the pass ----------------------------------------------------------------------------------


def sweep(
    now: datetime, *, batch_size: int | None = None, max_rows: int | None = None, lock: bool = True
) -> SweepResult:
    """Send every due reminder and take every due rung, each exactly once; returns what it did.

    `now` is passed in (house rule 7). With `lock`, a sweep that finds another running does nothing.
    """
    config = current_app.config
    batch_size = batch_size or int(config.get("DEADLINE_SWEEP_BATCH", 50))
    max_rows = max_rows or int(config.get("DEADLINE_SWEEP_MAX_ROWS", 5000))
    result = SweepResult()
    started = time.perf_counter()
    g.pop("_sweep_managers", None)  # who the managers are is read afresh each pass
    with _sweep_lock() if lock else contextlib.nullcontext(True) as got:
        if not got:
            result.locked_out = True
        else:
            result.reminders = _run(REMIND, now, batch_size, max_rows, result)
            result.escalations = _run(ESCALATE, now, batch_size, max_rows, result)
    result.total_seconds = time.perf_counter() - started
    return result


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _run(step: Step, now: datetime, batch_size: int, max_rows: int, result: SweepResult) -> int:
    """Walk the due rows of one step in batches (keyset order), each row in its own transaction."""
    done = seen = 0
    after: tuple[datetime, int] | None = None
    column = step.column
    while seen < max_rows:
        clock = time.perf_counter()
        query = select(column, Deadline.id).where(step.due(now))
        if after is not None:
            marker, last_id = after
            query = query.where(or_(column > marker, and_(column == marker, Deadline.id > last_id)))  # type: ignore[operator]
        batch = db.session.execute(query.order_by(column, Deadline.id).limit(batch_size)).all()
        db.session.rollback()  # end the read: each row gets a transaction of its own
        result.list_seconds += time.perf_counter() - clock
        for marker, deadline_id in batch:
            seen += 1
            outcome = _one(step, deadline_id, now, result)
            done += outcome == "done"
            after = (marker, deadline_id)
        if len(batch) < batch_size:
            break
    return done


def _with_case() -> tuple:
    """What a step reads of the case, loaded with the claim in one query instead of one query each.

    Built when called, not at import: the options need every area's models mapped.
    """
    case = joinedload(Deadline.case, innerjoin=True)
    return (
        case.joinedload(Case.case_type, innerjoin=True),
        joinedload(Deadline.case, innerjoin=True).joinedload(Case.borough, innerjoin=True),
        joinedload(Deadline.case, innerjoin=True).joinedload(Case.ward),
        joinedload(Deadline.case, innerjoin=True).joinedload(Case.assigned_to),
    )


def _one(step: Step, deadline_id: int, now: datetime, result: SweepResult) -> str:
    """Claim one due row and do its step, all in one transaction: 'done', 'skipped' or 'failed'."""
    try:
        clock = time.perf_counter()
        query = select(Deadline).where(Deadline.id == deadline_id, step.due(now)).options(*_with_case())
        if _postgres():
            query = query.with_for_update(skip_locked=True, of=Deadline)
        row = db.session.scalar(query.execution_options(populate_existing=True))
        result.claim_seconds += time.perf_counter() - clock
        if row is None:  # done by another sweep since we listed it, or locked by one now
            db.session.rollback()
            result.skipped += 1
            return "skipped"
        acted = step.act(row, now)
        db.session.commit()
        return "done" if acted else "skipped"
    except StaleDataError:
        db.session.rollback()  # someone else changed the row or its case first: the next sweep retries
        result.skipped += 1
        return "skipped"
    except Exception as error:  # one broken row must not stop every other reminder
        db.session.rollback()
        log.exception("deadline sweep: %s of deadline %s failed", step.name, deadline_id)
        result.failed += 1
        result.errors.append(f"{step.name} {deadline_id}: {type(error).__name__}: {error}")
        return "failed"


@contextlib.contextmanager
def _sweep_lock() -> Iterator[bool]:
    """Yield True while this process holds the sweep lock, False when another sweep holds it."""
    if _postgres():
        with _advisory_lock() as got:
            yield got
    else:
        with _file_lock(Path(current_app.instance_path) / "deadline-sweep.lock") as got:
            yield got


@contextlib.contextmanager
def _advisory_lock() -> Iterator[bool]:
    # A connection of its own, held for the whole sweep: a session-level advisory lock belongs to
    # the connection, and the session's connection goes back to the pool at each commit. If the
    # worker dies, PostgreSQL ends the connection and the lock with it.
    with db.engine.connect() as conn:
        got = bool(
            conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar()
        )
        conn.commit()
        try:
            yield got
        finally:
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                conn.commit()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
