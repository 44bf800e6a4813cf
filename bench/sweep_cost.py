"""The deadline sweep's cost at two scales with the same number of deadlines due. Not a test.

    .venv/bin/python bench/sweep_cost.py --scales 10000,1000000 --due 500

For each scale: a database casework_bench_sweep_<scale> (reused when it already holds that many
cases, unless --fresh), the migrations, the demo people and N generated cases (bench/generate.py),
then deadline rows for every case written with one INSERT ... SELECT: two met ones per case (the
bulk of the table, as years pass) and five open ones, not yet due, per open case. Then, --repeat times:
exactly --due of the open deadlines are made due (half due a reminder, half due their first rung),
and one sweep pass runs in-process (casework.deadlines.sweep.sweep, as the Celery task calls it),
writing its outbox rows and case history as in production.

Printed per scale: deadline rows, open ones, the listing-and-claiming part of the pass (finding due
rows through the partial indexes and SELECT ... FOR UPDATE SKIP LOCKED of each), the whole pass, and
the query plan of the listing; at the end the ratio largest/smallest scale of both, which should be
about 1: the sweep's cost follows the number of due rows, not the number of deadlines.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
import psycopg  # noqa: E402

LADDER = '["assigned_officer", "officer_manager", "partnership_manager", "panel:csmap"]'

# Every case gets an acknowledge and a triage deadline (met, as they are once a case leaves New);
# an open case also gets five open deadlines (a review, partner actions, a panel review) due 3 to 12
# days from now, each with a reminder a day before.
DEADLINES_SQL = f"""
INSERT INTO deadlines (case_id, kind, label, state, started_at, due_at, reminder_leads, remind_at,
    reminders_sent, ladder, escalation_level, escalate_at, met_at, end_note, version)
SELECT c.id, k.kind, k.label, 'new', c.created_at, c.created_at + interval '2 days', '[]'::json, NULL,
    0, '{LADDER}'::json, 0, NULL, c.created_at + interval '1 day', 'case moved on', 1
FROM cases c
CROSS JOIN (VALUES ('acknowledge', 'Acknowledge the report'), ('triage', 'Triage')) AS k(kind, label)
UNION ALL
SELECT c.id, k.kind, k.label, NULL, %(now)s - interval '1 day',
    %(now)s + (3 + (c.id + k.n) %% 10) * interval '1 day', '[{{"value": 1, "unit": "working_days"}}]'::json,
    %(now)s + (2 + (c.id + k.n) %% 10) * interval '1 day', 0, '{LADDER}'::json, 0,
    %(now)s + (3 + (c.id + k.n) %% 10) * interval '1 day', NULL, '', 1
FROM cases c
CROSS JOIN (VALUES (0, 'review', 'Review the case'), (1, 'partner_action', 'Partner action'),
    (2, 'partner_action', 'Partner action'), (3, 'partner_action', 'Partner action'),
    (4, 'panel_review', 'Panel review')) AS k(n, kind, label)
WHERE c.state <> 'closed'
"""
LISTING = (
    "SELECT remind_at, id FROM deadlines WHERE remind_at <= %(now)s "
    "AND met_at IS NULL AND cancelled_at IS NULL ORDER BY remind_at, id LIMIT 50"
)


def scale_label(cases: int) -> str:
    if cases % 1_000_000 == 0:
        return f"{cases // 1_000_000}m"
    return f"{cases // 1000}k" if cases % 1000 == 0 else str(cases)


def count_cases(url: str) -> int:
    try:
        with psycopg.connect(generate.libpq_url(url)) as conn:
            return conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    except psycopg.Error:
        return -1


def fresh_database(server: str, name: str) -> str:
    """Drop and create the database `name`; returns its URL."""
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def migrate(url: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": generate.libpq_url(url),
        "CASEWORK_INSTANCE_PATH": tempfile.mkdtemp(prefix="casework-bench-sweep-"),
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"]
    subprocess.run(
        command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def machine(url: str) -> dict[str, str]:
    memory = cpu = ""
    with open("/proc/meminfo") as meminfo:
        memory = next(
            (
                f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                for line in meminfo
                if line.startswith("MemTotal:")
            ),
            "",
        )
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    with psycopg.connect(generate.libpq_url(url)) as conn:
        server_version = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu or platform.processor(),
        "memory": memory,
        "postgresql": server_version,
        "python": platform.python_version(),
    }


def add_deadlines(url: str) -> int:
    """Deadline rows for every case (skipped when the table is already filled); returns the row count."""
    with psycopg.connect(generate.libpq_url(url)) as conn:
        existing = conn.execute("SELECT count(*) FROM deadlines").fetchone()[0]
        if existing:
            return existing
        started = time.perf_counter()
        conn.execute(DEADLINES_SQL, {"now": datetime.now(UTC)})
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE) deadlines")
        count = conn.execute("SELECT count(*) FROM deadlines").fetchone()[0]
        print(f"   {count:,} deadline rows written in {time.perf_counter() - started:.1f} s")
        return count


NOT_DUE = (
    "due_at = %(now)s + interval '5 days', remind_at = %(now)s + interval '4 days', "
    "escalate_at = %(now)s + interval '5 days', escalation_level = 0, reminders_sent = 0, "
    "reminded_at = NULL, last_escalated_at = NULL"
)


def reset_leftovers(url: str, now: datetime) -> None:
    """Rows an earlier run made due or stepped on: back to open and not due."""
    with psycopg.connect(generate.libpq_url(url)) as conn:
        conn.execute(
            f"UPDATE deadlines SET {NOT_DUE} WHERE met_at IS NULL AND cancelled_at IS NULL "
            "AND (escalation_level > 0 OR reminders_sent > 0 OR due_at < %(now)s OR remind_at < %(now)s)",
            {"now": now},
        )


def make_due(url: str, due: int, now: datetime, previous: list[int]) -> list[int]:
    """Put the previous run's rows back to not due; make `due` random open deadlines due now:
    half due a reminder (their deadline two days away), half due their first rung (an hour late)."""
    with psycopg.connect(generate.libpq_url(url)) as conn:
        if previous:
            conn.execute(
                f"UPDATE deadlines SET {NOT_DUE} WHERE id = ANY(%(ids)s)", {"now": now, "ids": previous}
            )
        query = (
            "SELECT id FROM deadlines WHERE met_at IS NULL AND cancelled_at IS NULL "
            "ORDER BY random() LIMIT %(n)s"
        )
        ids = [row[0] for row in conn.execute(query, {"n": due})]
        if len(ids) < due:
            raise SystemExit(f"only {len(ids)} open deadlines: generate more cases")
        half = len(ids) // 2
        conn.execute(
            "UPDATE deadlines SET remind_at = %(now)s - interval '1 minute', "
            "due_at = %(now)s + interval '2 days', escalate_at = %(now)s + interval '2 days' "
            "WHERE id = ANY(%(ids)s)",
            {"now": now, "ids": ids[:half]},
        )
        conn.execute(
            "UPDATE deadlines SET due_at = %(now)s - interval '1 hour', "
            "escalate_at = %(now)s - interval '1 hour', remind_at = NULL WHERE id = ANY(%(ids)s)",
            {"now": now, "ids": ids[half:]},
        )
        conn.commit()
        conn.execute("ANALYZE deadlines")
        return ids


def plans(url: str, now: datetime) -> str:
    """The plans of the sweep's two listing queries, as they run (EXPLAIN ANALYZE)."""
    lines = []
    with psycopg.connect(generate.libpq_url(url)) as conn:
        for column in ("remind_at", "escalate_at"):
            query = LISTING.replace("remind_at", column)
            lines += [row[0] for row in conn.execute("EXPLAIN (ANALYZE, COSTS OFF) " + query, {"now": now})]
    return "\n".join("      " + line for line in lines)


def sweep_app(url: str):
    from casework import create_app
    from config import DevelopmentConfig, _database_url

    attrs = {
        "SQLALCHEMY_DATABASE_URI": _database_url(url),
        "INSTANCE_DIR": Path(tempfile.mkdtemp(prefix="casework-bench-sweep-")),
        "MAIL_DISPATCH_AFTER_COMMIT": False,  # measure the sweep, not the broker
    }
    return create_app(type("SweepBenchConfig", (DevelopmentConfig,), attrs))


@dataclass
class Scale:
    """One database under measurement and its figures."""

    cases: int
    url: str
    rows: int = 0
    open: int = 0
    app: object = None
    previous: list[int] = field(default_factory=list)
    passes: list[dict] = field(default_factory=list)
    plan: str = ""

    def median(self, key: str) -> float:
        return statistics.median(p[key] for p in self.passes) * 1000


def prepare(server: str, cases: int, fresh: bool) -> Scale:
    """A database with `cases` generated cases and their deadline rows (reused when already there)."""
    name = f"casework_bench_sweep_{scale_label(cases)}"
    url = f"{server}/{name}"
    if fresh or count_cases(url) != cases:
        print(f"== {name}: new database, migrations, demo people, {cases:,} cases")
        url = fresh_database(server, name)
        migrate(url)
        generate.seed_people(url)
        generate.generate(url, cases, say=lambda line: None)
    else:
        print(f"== {name}: reusing its {cases:,} cases")
    scale = Scale(cases=cases, url=url, rows=add_deadlines(url))
    with psycopg.connect(generate.libpq_url(url)) as conn:
        open_query = "SELECT count(*) FROM deadlines WHERE met_at IS NULL AND cancelled_at IS NULL"
        scale.open = conn.execute(open_query).fetchone()[0]
    print(f"   {scale.rows:,} deadline rows, {scale.open:,} open")
    reset_leftovers(url, datetime.now(UTC))
    scale.app = sweep_app(url)
    return scale


def one_pass(scale: Scale, due: int, label: str, keep: bool, with_plan: bool) -> None:
    """Make `due` rows due, run one sweep pass, check it did exactly that, record its timings."""
    from casework.deadlines.sweep import sweep
    from casework.extensions import db

    now = datetime.now(UTC)
    scale.previous = make_due(scale.url, due, now, scale.previous)
    if with_plan:
        scale.plan = plans(scale.url, now)
    with scale.app.app_context():
        result = sweep(now)
        db.session.remove()
    done = result.reminders + result.escalations
    if done != due:
        raise SystemExit(f"the sweep did {done} steps, expected {due}: {result.as_dict()}")
    print(
        f"   {scale_label(scale.cases):>4} {label:8} {done} steps: "
        f"listing {result.list_seconds * 1000:7.1f} ms, claiming {result.claim_seconds * 1000:7.1f} ms, "
        f"whole pass {result.total_seconds * 1000:8.1f} ms"
    )
    if keep:
        scale.passes.append(result.as_dict())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="10000,1000000", help="case counts, comma-separated")
    parser.add_argument("--due", type=int, default=500, help="deadlines due per pass (500)")
    parser.add_argument("--repeat", type=int, default=5, help="measured passes per scale (5; median)")
    parser.add_argument("--fresh", action="store_true", help="always build new databases")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name",
    )
    args = parser.parse_args(argv)
    scales = [prepare(args.server, int(n), args.fresh) for n in args.scales.split(",")]
    print(f"== passes, the scales taking turns (so both see the same machine load); {args.due} due each")
    for run in range(args.repeat + 1):  # the first pass of each warms caches and is not counted
        for scale in scales:
            label = "warm-up" if run == 0 else f"run {run}"
            one_pass(scale, args.due, label, keep=run > 0, with_plan=run == args.repeat)
    print()
    print(f"Sweep cost with {args.due} deadlines due (median of {args.repeat} passes, ms):")
    print(
        f"{'cases':>11} {'deadline rows':>14} {'open':>9} {'listing':>9} {'claiming':>9} {'whole pass':>11}"
    )
    for s in scales:
        print(
            f"{s.cases:>11,} {s.rows:>14,} {s.open:>9,} {s.median('list_seconds'):>9.1f} "
            f"{s.median('claim_seconds'):>9.1f} {s.median('total_seconds'):>11.1f}"
        )
    if len(scales) > 1:
        small, large = scales[0], scales[-1]
        ratios = {
            key: large.median(key) / small.median(key)
            for key in ("list_seconds", "claim_seconds", "total_seconds")
        }
        print(
            f"ratio {scale_label(large.cases)}/{scale_label(small.cases)}: "
            f"listing {ratios['list_seconds']:.2f}, claiming {ratios['claim_seconds']:.2f}, "
            f"whole pass {ratios['total_seconds']:.2f}"
        )
    print(f"\nplans of the sweep's listing queries at {scale_label(scales[-1].cases)}, {args.due} rows due:")
    print(scales[-1].plan)
    print("\nmachine:", ", ".join(f"{k} {v}" for k, v in machine(scales[-1].url).items()))
    print("load average after:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
