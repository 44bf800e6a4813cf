"""Sweeps at the same moment on PostgreSQL: each reminder and each rung still happens exactly once.

Each sweep runs in its own thread with its own app context, so its own session and connections, as
two Celery workers would. Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from casework.cases.models import CaseEvent
from casework.deadlines.models import Deadline
from casework.deadlines.sweep import SweepResult, sweep
from casework.extensions import db
from tests.cases.builders import dartford, make_case, manager_in, officer_in
from tests.deadlines.builders import WEDNESDAY, add_deadline, count_events, fresh, outbox
from tests.services import postgres_url, unavailable

CASES = 25
PER_CASE = 4  # two due a reminder, two due their first rung


@pytest.fixture(autouse=True)
def _postgresql(app):
    postgres_url()
    if db.engine.dialect.name != "postgresql":
        unavailable("the concurrent sweep needs the suite on PostgreSQL (DATABASE_URL)")


@pytest.fixture
def due_rows(app) -> dict[str, list[int]]:
    borough = dartford()
    officer = officer_in(borough)
    manager_in(borough)
    reminders, escalations = [], []
    for _ in range(CASES):
        case = make_case(officer, code="graffiti")
        for n, kind in enumerate(("acknowledge", "triage")):
            due, remind = WEDNESDAY + timedelta(days=1), WEDNESDAY - timedelta(minutes=n)
            reminders.append(add_deadline(case, due_at=due, remind_at=remind, kind=kind).id)
        for n, kind in enumerate(("review", "clear_flytip")):
            escalations.append(add_deadline(case, due_at=WEDNESDAY - timedelta(minutes=n), kind=kind).id)
    return {"reminders": reminders, "escalations": escalations}


def _sweep_at_once(app, count: int, **options) -> list[SweepResult | str]:
    ready = threading.Barrier(count, timeout=30)
    results: list[SweepResult | str] = [""] * count

    def run(index: int) -> None:
        with app.app_context():
            try:
                ready.wait()
                results[index] = sweep(WEDNESDAY, **options)
            except Exception as error:
                results[index] = f"error: {error!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _assert_each_step_once(due_rows) -> None:
    db.session.expire_all()
    per_case = Counter(
        db.session.scalars(select(CaseEvent.case_id).where(CaseEvent.kind == "deadline_reminder"))
    )
    assert set(per_case.values()) == {2}  # each case has two rows due a reminder: one each
    assert sum(per_case.values()) == len(due_rows["reminders"]) == CASES * 2
    assert count_events("deadline_escalated") == len(due_rows["escalations"]) == CASES * 2
    keys = [message.idempotency_key for message in outbox("deadline:")]
    assert len(keys) == len(set(keys)) == CASES * PER_CASE  # one manager hears of each step
    for row_id in due_rows["reminders"]:
        row = db.session.get(Deadline, row_id)
        assert row.reminders_sent == 1 and row.remind_at is None
    for row_id in due_rows["escalations"]:
        assert db.session.get(Deadline, row_id).escalation_level == 1


def test_concurrent_sweeps_without_the_lock_share_the_rows_and_do_each_step_once(app, due_rows):
    results = _sweep_at_once(app, 4, lock=False, batch_size=5)
    assert all(isinstance(r, SweepResult) for r in results), results
    assert sum(r.reminders for r in results) == CASES * 2
    assert sum(r.escalations for r in results) == CASES * 2
    assert sum(r.failed for r in results) == 0, [r.errors for r in results]
    _assert_each_step_once(due_rows)
    assert all(r.reminders + r.escalations == 0 for r in _sweep_at_once(app, 2, lock=False))


def test_concurrent_sweeps_with_the_lock_do_not_overlap(app, due_rows):
    results = _sweep_at_once(app, 3, batch_size=5)
    assert all(isinstance(r, SweepResult) for r in results), results
    workers = [r for r in results if not r.locked_out]
    assert workers, "no sweep took the lock"
    assert sum(r.reminders for r in results) == CASES * 2
    assert sum(r.escalations for r in results) == CASES * 2
    _assert_each_step_once(due_rows)


def test_a_row_another_transaction_holds_is_skipped_without_waiting(app, due_rows):
    held_id = due_rows["escalations"][0]
    with db.engine.connect() as other:
        other.execute(text("SELECT id FROM deadlines WHERE id = :id FOR UPDATE"), {"id": held_id})
        started = time.monotonic()
        result = sweep(WEDNESDAY)
        elapsed = time.monotonic() - started
        assert result.skipped == 1 and result.escalations == CASES * 2 - 1
        assert elapsed < 10  # it did not wait for the lock to go
        other.rollback()
    assert fresh(db.session.get(Deadline, held_id)).escalation_level == 0
    assert sweep(WEDNESDAY).escalations == 1
    _assert_each_step_once(due_rows)
