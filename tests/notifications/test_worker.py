"""Real Celery workers on Redis dispatching the outbox to a real SMTP server (aiosmtpd in this process):
normal delivery by two worker processes, a worker SIGKILLed mid-dispatch (twice), and an SMTP outage.

A ticker thread sends the dispatch task every fraction of a second, as beat does every
MAIL_DISPATCH_SECONDS, on a queue of the test's own (a stray worker cannot take its tasks).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
import redis
from sqlalchemy import create_engine, func, select

from casework import create_app
from casework.notifications.models import OutboxMessage
from tests.conftest import make_config
from tests.notifications.helpers import queue_many
from tests.notifications.support import SMTPSink, free_port, wait_until
from tests.services import redis_url

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker_url() -> Iterator[str]:
    """The test Redis database, emptied before and after."""
    url = redis_url()
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


class Workers:
    """Start `celery worker` processes on one queue, kill them, and tick the dispatcher."""

    def __init__(self, database_url: str, broker: str, tmp_path: Path, mail_env: dict) -> None:
        self.queue = f"casework-outbox-test-{uuid4().hex}"
        self.database_url = database_url
        self.broker = broker
        self.tmp_path = tmp_path
        self.mail_env = {key: str(value) for key, value in mail_env.items()}
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.kills = 0
        self._ticking = threading.Event()
        self._ticker: threading.Thread | None = None
        app = create_app(
            make_config(
                database_url,
                tmp_path / "sender-instance",
                CELERY={
                    "broker_url": broker,
                    "broker_transport_options": {},
                    "task_ignore_result": True,
                    "broker_connection_retry_on_startup": True,
                },
            )
        )
        self.celery = app.extensions["celery"]

    def start(self, concurrency: int = 1) -> subprocess.Popen:
        n = len(self.processes)
        log = self.tmp_path / f"worker-{n}.log"
        env = {
            **os.environ,
            "CASEWORK_CONFIG": "development",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.broker,
            "CASEWORK_INSTANCE_PATH": str(self.tmp_path / f"worker-instance-{n}"),
            "MAIL_DISPATCH_AFTER_COMMIT": "0",
            **self.mail_env,
        }
        command = [sys.executable, "-m", "celery", "-A", "workers.app", "worker", "--loglevel", "INFO"]
        command += ["--concurrency", str(concurrency), "--queues", self.queue]
        command += ["--hostname", f"{self.queue}-{n}@%h", "--without-gossip", "--without-mingle"]
        command += ["--without-heartbeat", "--prefetch-multiplier", "1"]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append(process)
        self.logs.append(log)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool children (its own process group): no warm anything."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        self.kills += 1

    def tick(self, every: float = 0.3) -> None:
        """Send the dispatch task every `every` seconds until stopped (beat's part)."""

        def run() -> None:
            while not self._ticking.wait(every):
                self.celery.send_task("casework.notifications.dispatch", queue=self.queue, expires=5)

        self._ticker = threading.Thread(target=run, daemon=True)
        self._ticker.start()

    def stop(self) -> None:
        self._ticking.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # all at once: warm shutdowns overlap
        for process in self.processes:
            _stop(process)

    def log_tail(self) -> str:
        return "\n".join(f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:] for log in self.logs)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # pool children a warm shutdown left behind


@pytest.fixture
def workers(app, broker_url, database_url, tmp_path):
    """Build a Workers with mail settings: workers(MAIL_SMTP_PORT=...)."""
    made: list[Workers] = []

    def build(**mail_env) -> Workers:
        made.append(Workers(database_url, broker_url, tmp_path, mail_env))
        return made[-1]

    yield build
    for w in made:
        w.stop()


def _statuses(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
            return dict(rows.all())
    finally:
        engine.dispose()


def _pending_with_attempts(database_url: str) -> tuple[int, int]:
    """(rows pending after at least two failed attempts, all rows)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            retried = conn.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "pending", OutboxMessage.attempts >= 2)
            )
            total = conn.scalar(select(func.count()).select_from(OutboxMessage))
            return retried, total
    finally:
        engine.dispose()


def _all_sent(database_url: str, count: int) -> bool:
    return _statuses(database_url).get("sent", 0) == count


def _smtp_env(sink: SMTPSink, **extra) -> dict:
    return {
        "MAIL_SENDER": "smtp",
        "MAIL_SMTP_HOST": sink.hostname,
        "MAIL_SMTP_PORT": sink.port,
        "MAIL_SMTP_TIMEOUT": 5,
        **extra,
    }


def test_two_worker_processes_deliver_every_message_exactly_once(app, workers, database_url):
    sink = SMTPSink(delay=0.001).start()
    try:
        rows = queue_many(80)
        expected = {r.message_id for r in rows}
        pool = workers(**_smtp_env(sink, MAIL_CLAIM_BATCH=5, MAIL_DISPATCH_LIMIT=20))
        pool.start(concurrency=2)
        pool.start(concurrency=2)
        pool.tick()

        done = wait_until(lambda: _all_sent(database_url, 80), timeout=40)
        assert done, f"not all sent: {_statuses(database_url)}\n{pool.log_tail()}"
    finally:
        sink.stop()

    counts = sink.handler.per_message_id()
    assert set(counts) == expected
    assert max(counts.values()) == 1, [m for m, c in counts.items() if c > 1]


def test_a_worker_killed_mid_dispatch_loses_nothing_and_repeats_only_what_was_in_flight(
    app, workers, database_url
):
    total = 500
    # A little time per message at the server, so the kills land mid-dispatch.
    sink = SMTPSink(delay=0.004).start()
    try:
        rows = queue_many(total, prefix="fault")
        expected = {r.message_id for r in rows}
        pool = workers(**_smtp_env(sink, MAIL_STALE_SENDING_SECONDS=2, MAIL_CLAIM_BATCH=10))
        pool.tick()
        worker = pool.start(concurrency=1)
        for kill_after in (120, 300):
            reached = wait_until(lambda n=kill_after: sink.handler.count() >= n, timeout=40, interval=0.005)
            assert reached, f"only {sink.handler.count()} delivered\n{pool.log_tail()}"
            pool.kill(worker)
            delivered_at_kill = sink.handler.count()
            assert delivered_at_kill < total, "the kill came too late to be mid-dispatch"
            worker = pool.start(concurrency=1)

        done = wait_until(lambda: _all_sent(database_url, total), timeout=45)
        assert done, f"not all sent: {_statuses(database_url)}\n{pool.log_tail()}"
    finally:
        sink.stop()

    counts = sink.handler.per_message_id()
    assert set(counts) == expected, "a message was lost, or one arrived with a Message-ID of its own"
    repeated = [message_id for message_id, count in counts.items() if count > 1]
    print(f"{pool.kills} kills, {sum(counts.values())} deliveries, {len(repeated)} repeated")
    assert len(repeated) <= pool.kills, f"{len(repeated)} messages repeated after {pool.kills} kills"
    assert max(counts.values()) <= 2


def test_an_smtp_outage_delays_messages_and_loses_none(app, workers, database_url):
    port = free_port()
    sink = SMTPSink(port=port)  # not started: the server is down
    rows = queue_many(30, prefix="outage")
    expected = {r.message_id for r in rows}
    pool = workers(
        **_smtp_env(sink, MAIL_BACKOFF_SECONDS=0.2, MAIL_BACKOFF_MAX_SECONDS=0.8, MAIL_MAX_ATTEMPTS=1000)
    )
    pool.start(concurrency=1)
    pool.tick(every=0.2)

    retried = wait_until(lambda: _pending_with_attempts(database_url) == (30, 30), timeout=30)
    assert retried, f"{_pending_with_attempts(database_url)}\n{pool.log_tail()}"
    assert _statuses(database_url) == {"pending": 30}

    sink.start()  # the server comes back
    try:
        done = wait_until(lambda: _all_sent(database_url, 30), timeout=30)
        assert done, f"not all sent: {_statuses(database_url)}\n{pool.log_tail()}"
    finally:
        sink.stop()
    counts = sink.handler.per_message_id()
    assert set(counts) == expected
    assert max(counts.values()) == 1


def test_a_commit_that_queues_messages_asks_a_worker_to_dispatch(mail_app, broker_url, monkeypatch):
    from casework.extensions import db
    from casework.notifications import services
    from tests.notifications.helpers import notice

    mail_app(
        MAIL_DISPATCH_AFTER_COMMIT=True,
        CELERY={"broker_url": broker_url, "broker_transport_options": {}, "task_ignore_result": True},
    )
    queued = redis.Redis.from_url(broker_url)
    monkeypatch.setattr(services, "_last_trigger", 0.0)

    notice("trigger-rolled-back")
    db.session.rollback()
    db.session.commit()
    assert queued.llen("celery") == 0, "a rolled-back message asked for a dispatch"

    notice("trigger-1")
    db.session.commit()
    assert queued.llen("celery") == 1
    task = json.loads(queued.lindex("celery", 0))
    assert task["headers"]["task"] == "casework.notifications.dispatch"

    # A burst of commits (a sweep queueing many reminders) asks once, not once per commit.
    for n in range(5):
        notice(f"trigger-burst-{n}")
        db.session.commit()
    assert queued.llen("celery") == 1
    queued.close()
