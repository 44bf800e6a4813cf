"""A real `celery worker` on Redis runs the sweep task as beat sends it: the rung is taken, once."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import create_engine, func, select

from casework import create_app
from casework.cases.models import CaseEvent
from casework.db_types import utcnow
from casework.notifications.models import OutboxMessage
from tests.cases.builders import dartford, make_case, manager_in, officer_in
from tests.conftest import make_config
from tests.deadlines.builders import add_deadline
from tests.workers.test_real_worker import WAIT_SECONDS, broker_url, worker  # noqa: F401 (fixtures)


def _count(database_url: str, query) -> int:
    # A fresh connection each time: a long-lived SQLite read would keep seeing its old snapshot.
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(query).scalar_one()
    finally:
        engine.dispose()


def test_a_real_worker_runs_the_sweep_exactly_once_per_step(app, worker, broker_url, database_url, tmp_path):  # noqa: F811
    queue, log = worker
    borough = dartford()
    manager = manager_in(borough)
    case = make_case(officer_in(borough), code="graffiti")
    row = add_deadline(
        case, due_at=utcnow() - timedelta(hours=1), ladder=["officer_manager", "partnership_manager"]
    )
    sender = create_app(
        make_config(
            database_url,
            tmp_path / "sender-instance",
            CELERY={**app.config["CELERY"], "broker_url": broker_url, "broker_transport_options": {}},
        )
    )
    escalated = (
        select(func.count())
        .select_from(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == "deadline_escalated")
    )
    messages = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.idempotency_key.startswith(f"deadline:{row.id}:"))
    )

    for _ in range(3):  # three beats in a row: one step is due, so one step is taken
        sender.extensions["celery"].send_task("casework.deadlines.sweep", queue=queue)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and _count(database_url, escalated) == 0:
        time.sleep(0.2)
    time.sleep(1.5)  # let the other two sweeps run too

    assert _count(database_url, escalated) == 1, "worker log:\n" + log.read_text(errors="replace")[-4000:]
    assert _count(database_url, messages) == 1
    recipient = select(OutboxMessage.to_address).where(
        OutboxMessage.idempotency_key.startswith(f"deadline:{row.id}:")
    )
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(recipient).scalar_one() == manager.email
    engine.dispose()
