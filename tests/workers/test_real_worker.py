"""A real `celery worker` process on Redis runs a task sent the way the web and beat send them."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
import redis
from sqlalchemy import Row, create_engine, select

from casework import create_app
from casework.system.models import Heartbeat
from tests.conftest import make_config
from tests.services import redis_url

BASE_DIR = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 20


@pytest.fixture
def broker_url() -> Iterator[str]:
    """The test Redis database, emptied before and after so no message outlives the test."""
    url = redis_url()
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def worker(broker_url, database_url, tmp_path) -> Iterator[tuple[str, Path]]:
    """`celery -A workers.app worker` as the Procfile starts it, on its own queue; (queue, log file)."""
    queue = f"casework-test-{uuid4().hex}"  # a stray worker from another run cannot take our task
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "CASEWORK_CONFIG": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": broker_url,
        "CASEWORK_INSTANCE_PATH": str(tmp_path / "worker-instance"),
    }
    command = [sys.executable, "-m", "celery", "-A", "workers.app", "worker", "--loglevel", "INFO"]
    command += ["--concurrency", "1", "--queues", queue, "--hostname", f"{queue}@%h"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield queue, log
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Warm shutdown; kill the worker's process group if it does not go within 10 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # pool children the warm shutdown left behind


def _wait_for_heartbeat(database_url: str, source: str) -> Row | None:
    engine = create_engine(database_url)
    deadline = time.monotonic() + WAIT_SECONDS
    try:
        while time.monotonic() < deadline:
            # A fresh connection each time: a long-lived SQLite read would keep seeing its old snapshot.
            with engine.connect() as conn:
                row = conn.execute(select(Heartbeat).where(Heartbeat.source == source)).first()
            if row is not None:
                return row
            time.sleep(0.2)
        return None
    finally:
        engine.dispose()


def test_real_worker_on_redis_runs_the_heartbeat_task(app, worker, broker_url, database_url, tmp_path):
    queue, log = worker
    sender = create_app(
        make_config(
            database_url,
            tmp_path / "sender-instance",
            CELERY={**app.config["CELERY"], "broker_url": broker_url, "broker_transport_options": {}},
        )
    )
    source = f"real-worker-{uuid4().hex}"

    sender.extensions["celery"].send_task("casework.system.heartbeat", args=(source,), queue=queue)
    row = _wait_for_heartbeat(database_url, source)

    assert row is not None, (
        f"no heartbeat from the worker within {WAIT_SECONDS} s; worker log:\n"
        + log.read_text(errors="replace")[-4000:]
    )
    assert row.created_at is not None
