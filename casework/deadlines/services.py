"""Deadline rows: started, met and cancelled by the services that change a case.

Every function here works in the caller's transaction and never commits: the case service that
changes the case commits its change, its history and its deadlines together (house rule 1). Each
start, met and cancel is written to the case history as the system (actor None).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from casework.auth.models import User
from casework.cases.models import Case, CaseEvent
from casework.cases.workflow import state_label
from casework.deadlines import policies
from casework.deadlines.calendar import WorkingCalendar, current_calendar
from casework.deadlines.models import Deadline, ServiceLevelPolicy
from casework.deadlines.policies import Duration, kind_label
from casework.extensions import db
from casework.formatting import LONDON, datetime_uk


def history(case: Case, event_kind: str, summary: str, now: datetime, /, **values: Any) -> CaseEvent:
    """Append a system entry to the case's history, dated `now`; `values` go in its `after`."""
    from casework.cases.services import record_event

    event = record_event(case, None, event_kind, summary, after=values or None)
    event.at = now
    return event


# ---- reading -----------------------------------------------------------------------------------


def open_rows(case: Case, kinds: Iterable[str] | None = None) -> list[Deadline]:
    """The case's open deadlines, including those added earlier in this transaction."""
    wanted = set(kinds) if kinds is not None else None
    found: list[Deadline] = []
    if case.id is not None:
        # No autoflush: flushing here would write the caller's case change early, and a concurrent
        # change would then surface as a raw StaleDataError instead of at the caller's commit.
        with db.session.no_autoflush:
            query = select(Deadline).where(
                Deadline.case_id == case.id, Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None)
            )
            found = list(db.session.scalars(query.order_by(Deadline.due_at, Deadline.id)))
    pending = [
        obj for obj in db.session.new if isinstance(obj, Deadline) and obj.case is case and obj not in found
    ]
    rows = [row for row in [*found, *pending] if row.is_open]
    return [row for row in rows if wanted is None or row.kind in wanted]


# ---- reminders and escalation times ------------------------------------------------------------


def next_reminder(
    calendar: WorkingCalendar, due_at: datetime, leads: Iterable[dict[str, Any]], after: datetime
) -> datetime | None:
    """The earliest reminder time from the lead times that is after `after` and before `due_at`."""
    times = [Duration.from_json(lead).before(calendar, due_at) for lead in leads]
    upcoming = [t for t in times if after < t < due_at]
    return min(upcoming, default=None)


def next_rung_time(calendar: WorkingCalendar, after: datetime, config: dict[str, Any]) -> datetime:
    """When the next rung of a ladder falls due, one escalation interval after `after`."""
    minutes = config.get("DEADLINE_ESCALATION_INTERVAL_MINUTES")
    if minutes:  # plain clock minutes: for demonstrations, where a working day is too long to wait
        return after + timedelta(minutes=float(minutes))
    return calendar.due_after_working_hours(after, float(config.get("DEADLINE_ESCALATION_INTERVAL_HOURS", 8)))


# ---- starting, meeting, cancelling -------------------------------------------------------------


def start_clock(
    case: Case,
    kind: str,
    now: datetime,
    actor: User | None = None,
    *,
    state: str | None = None,
    policy: ServiceLevelPolicy | None = None,
    due_at: datetime | None = None,
    label: str | None = None,
    ladder: list[str] | None = None,
    reminder_leads: list[dict[str, Any]] | None = None,
    referral_id: int | None = None,
    action_id: int | None = None,
) -> Deadline | None:
    """Start a `kind` deadline on the case, timed by the matching service-level policy.

    Returns the open deadline of that kind if one is already running (for referrals and actions:
    the open one for the same referral or action), None when no policy applies and no `due_at` is
    given. `due_at`, `ladder` and `reminder_leads` override the policy's (a panel sets a due date).
    """
    for row in open_rows(case, [kind]):
        if (row.referral_id, row.action_id) == (referral_id, action_id):
            return row
    policy = policy or policies.policy_for(case, kind, state)
    if policy is None and due_at is None:
        return None
    calendar = current_calendar()
    length = ""
    if due_at is None:
        duration = Duration(policy.duration_value, policy.duration_unit)
        due_at, length = duration.after(calendar, now), f" ({duration})"
    leads = (
        reminder_leads if reminder_leads is not None else list(policy.reminder_leads or []) if policy else []
    )
    rungs = ladder if ladder is not None else list(policy.ladder or []) if policy else []
    row = Deadline(
        case=case,
        kind=kind,
        policy=policy,
        label=(label or kind_label(kind))[:200],
        state=state,
        started_at=now,
        started_by=actor,
        due_at=due_at,
        reminder_leads=leads,
        remind_at=next_reminder(calendar, due_at, leads, now),
        ladder=rungs,
        escalate_at=due_at if rungs else None,
        referral_id=referral_id,
        action_id=action_id,
    )
    db.session.add(row)
    history(
        case,
        "deadline_started",
        f"Clock started: {row.label}, due by {datetime_uk(due_at)}{length}",
        now,
        kind=kind,
        due_at=due_at.isoformat(),
    )
    return row


def _lateness(row: Deadline, now: datetime) -> str:
    if now <= row.due_at:
        return "on time"
    late = current_calendar().working_days_between(
        row.due_at.astimezone(LONDON).date(), now.astimezone(LONDON).date()
    )
    if late <= 0:
        return "late, on the day it was due"
    return f"{late} working day{'' if late == 1 else 's'} late"


def _finish(row: Deadline, now: datetime, met: bool, note: str) -> None:
    if met:
        row.met_at = now
    else:
        row.cancelled_at = now
    row.remind_at = row.escalate_at = None
    row.end_note = note[:200]
    verb = f"met ({_lateness(row, now)})" if met else "no longer needed"
    reason = f": {note}" if note else ""
    history(
        row.case,
        "deadline_met" if met else "deadline_cancelled",
        f"Deadline {verb}: {row.label}{reason}",
        now,
        kind=row.kind,
    )


def meet(case: Case, kind: str, now: datetime, note: str = "") -> list[Deadline]:
    """Mark the case's open `kind` deadlines met; returns them."""
    rows = open_rows(case, [kind])
    for row in rows:
        _finish(row, now, True, note)
    return rows


def cancel_open(
    case: Case, now: datetime, kinds: Iterable[str] | None = None, note: str = ""
) -> list[Deadline]:
    """Cancel the case's open deadlines (of `kinds`, or all); returns them."""
    rows = open_rows(case, kinds)
    for row in rows:
        _finish(row, now, False, note)
    return rows


def apply_state_change(
    case: Case, old_state: str | None, new_state: str, now: datetime, actor: User | None = None
) -> None:
    """Start, meet or cancel deadlines for the case moving from `old_state` to `new_state`.

    Closing meets what closing answers (acknowledge, triage, review...) and cancels the rest (an
    uncleared flytip of a duplicate, partner actions). Otherwise a clock a state started is met when
    the case leaves that state, unless the new state runs the same kind of clock (a review keeps
    running from investigation to enforcement); then the clocks the new state starts begin.
    """
    if old_state == new_state:
        return
    if new_state == "closed":
        for row in open_rows(case):
            kind = policies.KIND_BY_CODE.get(row.kind)
            _finish(row, now, kind is None or kind.on_close == "met", "case closed")
        return
    starting = policies.policies_started_by(case, new_state)
    for row in open_rows(case):
        if row.state is not None and row.state != new_state and row.kind not in starting:
            _finish(row, now, True, f"case moved on to {state_label(new_state)}")
    running = {row.kind for row in open_rows(case)}
    for kind, policy in sorted(starting.items()):
        if kind not in running:
            start_clock(case, kind, now, actor, state=new_state, policy=policy)


def record_review(case: Case, now: datetime, actor: User | None = None) -> Deadline | None:
    """A review of the case was done: meet its review deadline and start the next one."""
    rows = meet(case, "review", now, note="case reviewed")
    if not rows or case.state == "closed":
        return None
    return start_clock(case, "review", now, actor, state=rows[0].state)


# ---- what the case page and queue show ---------------------------------------------------------


@dataclass(frozen=True)
class DeadlineView:
    """An open deadline as a page shows it."""

    id: int
    kind: str
    label: str
    started_at: datetime
    due_at: datetime
    working_days_left: int  # negative when overdue by whole working days
    overdue: bool
    due_today: bool
    reminded_at: datetime | None
    escalation_level: int
    ladder: tuple[str, ...]

    @property
    def next_rung(self) -> str | None:
        """The rung the next escalation goes to, in plain English."""
        if self.escalation_level >= len(self.ladder):
            return None
        return policies.rung_label(self.ladder[self.escalation_level])

    @property
    def escalated_to(self) -> str | None:
        """The last rung reached, in plain English."""
        return policies.rung_label(self.ladder[self.escalation_level - 1]) if self.escalation_level else None

    @property
    def status(self) -> str:
        """'Overdue', 'Due today', or 'N working days left'."""
        if self.overdue:
            return "Overdue"
        if self.due_today:
            return "Due today"
        return f"{self.working_days_left} working day{'' if self.working_days_left == 1 else 's'} left"


def view_of(row: Deadline, now: datetime, calendar: WorkingCalendar) -> DeadlineView:
    """The page view of one deadline at `now`."""
    today, due_day = now.astimezone(LONDON).date(), row.due_at.astimezone(LONDON).date()
    return DeadlineView(
        id=row.id,
        kind=row.kind,
        label=row.label,
        started_at=row.started_at,
        due_at=row.due_at,
        working_days_left=calendar.working_days_between(today, due_day),
        overdue=row.due_at <= now,
        due_today=due_day == today,
        reminded_at=row.reminded_at,
        escalation_level=row.escalation_level,
        ladder=tuple(row.ladder or ()),
    )


def open_deadlines(case: Case, now: datetime | None = None) -> list[DeadlineView]:
    """The case's open deadlines, soonest first, for the case page."""
    from casework.db_types import utcnow

    now = now or utcnow()
    calendar = current_calendar()
    return [view_of(row, now, calendar) for row in open_rows(case)]


def deadline_history(case: Case) -> list[Deadline]:
    """Every deadline the case has had, newest first (met and cancelled included)."""
    query = (
        select(Deadline)
        .where(Deadline.case_id == case.id)
        .order_by(Deadline.started_at.desc(), Deadline.id.desc())
    )
    return list(db.session.scalars(query))


def finish_for(
    case: Case,
    now: datetime,
    *,
    met: bool,
    referral_id: int | None = None,
    action_id: int | None = None,
    kinds: Iterable[str] | None = None,
    note: str = "",
) -> list[Deadline]:
    """Meet (`met`) or cancel the case's open deadlines that chase one referral or one action.

    Added for the partners area: `meet` and `cancel_open` act on every deadline of a kind, while a
    case can have one partner action done and another still running.
    """
    rows = [
        row
        for row in open_rows(case, kinds)
        if (referral_id is None or row.referral_id == referral_id)
        and (action_id is None or row.action_id == action_id)
    ]
    for row in rows:
        _finish(row, now, met, note)
    return rows


def bring_forward_for_risk(case: Case, now: datetime, reason: str) -> list[Deadline]:
    """Re-time the case's open deadlines that a service level for its (new) risk now times.

    A running clock keeps its policy unless a policy with the case's risk as a condition now
    applies; it is then due by that service level counted from now, unless it is already due
    sooner (a higher risk never gives more time), and takes that policy's reminders. Clocks a
    person set (referrals, partner actions) are left alone. In the caller's transaction; returns
    the rows changed. `reason` completes "Deadline brought forward ..." in the case history.
    """
    calendar = current_calendar()
    changed = []
    for row in open_rows(case):
        if row.referral_id is not None or row.action_id is not None:
            continue
        policy = policies.policy_for(case, row.kind, row.state)
        if policy is None or policy.risk is None or policy.risk != case.risk:
            continue
        if row.policy is policy or row.policy_id == policy.id:
            continue
        due = Duration(policy.duration_value, policy.duration_unit).after(calendar, now)
        if due >= row.due_at:
            continue  # already due sooner: a higher risk never gives more time
        old_due = row.due_at
        row.policy, row.due_at = policy, due
        row.reminder_leads = list(policy.reminder_leads or [])
        row.remind_at = next_reminder(calendar, due, row.reminder_leads, now)
        if row.escalation_level == 0:
            row.escalate_at = due if row.ladder else None
        changed.append(row)
        history(
            case,
            "deadline_retimed",
            f"Deadline brought forward {reason}: "
            f"{row.label}, now due by {datetime_uk(due)} (was {datetime_uk(old_due)})",
            now,
            kind=row.kind,
            due_at=due.isoformat(),
        )
    return changed
