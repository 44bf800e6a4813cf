"""Measure outbox dispatch: real Celery workers on Redis, PostgreSQL, a local SMTP sink. Not a test.

    .venv/bin/python bench/dispatch_throughput.py                 # 2,000 messages, 2 worker processes
    .venv/bin/python bench/dispatch_throughput.py --messages 5000 --concurrency 2 --json out.json

What it does: drops and creates the PostgreSQL database `casework_bench_dispatch`, runs the
migrations, queues N messages through `queue_message` (the `notice` template, distinct recipients),
starts an SMTP server (aiosmtpd) in this process that accepts and counts every message, starts two
`celery -A workers.app worker` processes on Redis (each with --concurrency C, default 1) consuming a
queue of this run's own, waits until both are ready, then sends one dispatch task per worker slot
(each run claims, sends and re-queues itself while messages remain due) and one every second, as beat
does. The clock runs from the first dispatch task to the moment every row is `sent`.

Prints messages per second, and the duplicates (deliveries beyond one per Message-ID) and losses
(rows sent without a delivery, or never sent) seen by the SMTP server: both must be 0 when nothing fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from uuid import uuid4

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from aiosmtpd.controller import Controller, get_localhost  # noqa: E402


class Sink:
    """Counts messages per Message-ID."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.lock = threading.Lock()
        self.first: float | None = None
        self.last: float | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        message_id = str(message_from_bytes(envelope.content, policy=default_policy)["Message-ID"])
        now = time.monotonic()
        with self.lock:
            self.counts[message_id] += 1
            self.first = self.first or now
            self.last = now
        return "250 2.0.0 Accepted"

    def total(self) -> int:
        with self.lock:
            return sum(self.counts.values())


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def fresh_database(server_url: str, name: str) -> str:
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{server_url}/{name}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CASEWORK_INSTANCE_PATH": tempfile.mkdtemp(prefix="cw-dispatch-"),
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return url


def queue_messages(database_url: str, count: int) -> set[str]:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CASEWORK_INSTANCE_PATH", tempfile.mkdtemp(prefix="cw-dispatch-"))
    os.environ["MAIL_DISPATCH_AFTER_COMMIT"] = "0"
    from casework import create_app
    from casework.extensions import db
    from casework.notifications.services import queue_message

    app = create_app()
    message_ids = set()
    with app.app_context():
        for n in range(count):
            row = queue_message(
                key=f"bench-{n}",
                to_address=f"person{n}@example.org",
                template="notice",
                context={"subject": f"Case BEN-{n:05d} is due", "paragraphs": ["Please review it today."]},
            )
            message_ids.add(row.message_id)
            if n % 500 == 499:
                db.session.commit()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return message_ids


def start_worker(n: int, queue: str, env: dict, concurrency: int, logs: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "workers.app", "worker", "--loglevel", "INFO"]
    command += ["--concurrency", str(concurrency), "--queues", queue, "--hostname", f"{queue}-{n}@%h"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--prefetch-multiplier", "1"]
    out = (logs / f"worker-{n}.log").open("wb")
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_ready(logs: Path, workers: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = sum(
            "ready." in (logs / f"worker-{n}.log").read_text(errors="replace") for n in range(workers)
        )
        if ready == workers:
            return
        time.sleep(0.1)
    raise SystemExit(f"workers not ready after {timeout} s; logs in {logs}")


def sent_count(database_url: str) -> int:
    with psycopg.connect(libpq(database_url)) as conn:
        return conn.execute("SELECT count(*) FROM outbox_messages WHERE status = 'sent'").fetchone()[0]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def run(args: argparse.Namespace) -> dict:
    # config.py reads the environment when first imported: set it before anything imports casework.
    os.environ["REDIS_URL"] = args.redis_url
    database_url = fresh_database(args.server_url, args.database)
    print(f"queueing {args.messages:,} messages in {args.database} ...", flush=True)
    expected = queue_messages(database_url, args.messages)
    sink = Sink()
    controller = Controller(sink, hostname=get_localhost(), port=_free_port())
    controller.start()
    queue = f"casework-bench-{uuid4().hex[:12]}"
    logs = Path(tempfile.mkdtemp(prefix="cw-dispatch-logs-"))
    env = {
        **os.environ,
        "CASEWORK_CONFIG": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis_url,
        "CASEWORK_INSTANCE_PATH": str(logs / "instance"),
        "MAIL_SENDER": "smtp",
        "MAIL_SMTP_HOST": controller.hostname,
        "MAIL_SMTP_PORT": str(controller.port),
        "MAIL_DISPATCH_AFTER_COMMIT": "0",
    }
    workers = [start_worker(n, queue, env, args.concurrency, logs) for n in range(args.workers)]
    stop_ticking = threading.Event()
    try:
        wait_ready(logs, args.workers)
        from workers.app import celery  # the same Celery configuration, REDIS_URL from the environment

        started = time.monotonic()
        for _ in range(args.workers * args.concurrency):
            celery.send_task("casework.notifications.dispatch", queue=queue)

        def tick() -> None:  # beat's part, once a second
            while not stop_ticking.wait(1.0):
                celery.send_task("casework.notifications.dispatch", queue=queue, expires=5)

        threading.Thread(target=tick, daemon=True).start()
        deadline = started + args.timeout
        while sent_count(database_url) < args.messages and time.monotonic() < deadline:
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        done = sent_count(database_url)
        time.sleep(0.5)  # let any straggling delivery arrive before counting
    finally:
        stop_ticking.set()
        for worker in workers:
            stop(worker)
        controller.stop()
    counts = dict(sink.counts)
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    lost = len(expected - set(counts))
    result = {
        "messages": args.messages,
        "sent": done,
        "seconds": round(elapsed, 2),
        "messages_per_second": round(done / elapsed, 1),
        "deliveries": sum(counts.values()),
        "duplicates": duplicates,
        "lost": lost,
        "workers": args.workers,
        "concurrency": args.concurrency,
        "machine": f"{os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}",
        "load_average": os.getloadavg()[0],
    }
    print(
        f"{done:,} of {args.messages:,} messages sent in {elapsed:.1f} s by {args.workers} worker processes "
        f"(concurrency {args.concurrency}): {result['messages_per_second']:,} messages/s; "
        f"duplicates {duplicates}, lost {lost}"
        f" (load average {result['load_average']:.2f}; {result['machine']})"
    )
    return result


def _free_port() -> int:
    import socket

    host = get_localhost()
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000, help="messages to dispatch (2000)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--concurrency", type=int, default=1, help="pool processes per worker (1)")
    parser.add_argument("--server-url", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="casework_bench_dispatch")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--timeout", type=float, default=600, help="give up after this many seconds (600)")
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    args = parser.parse_args(argv)
    # A SIGTERM (from `timeout`, say) unwinds like Ctrl-C, so the workers started here are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result = run(args)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    if result["duplicates"] or result["lost"] or result["sent"] != args.messages:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
