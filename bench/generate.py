"""Fill a PostgreSQL database with N realistic cases, fast, for the benchmarks (not a test).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/casework_bench \
        .venv/bin/python bench/generate.py 1000000

The database must hold the schema the migrations make (`flask --app wsgi db upgrade` with DATABASE_URL
set). The boroughs, wards, demo users, case types, priorities and clearance costs are added through
`casework.demo.seed_demo` with the demo cases switched off; the benchmark's own officers (several per
borough, who cannot sign in) are added here.

Cases, their incidents and the Flycapture details of flytips are written with COPY, in batches, and
never through the services: one million cases take a few minutes on two cores. The shape follows
DOMAIN.md and casework.demo_cases: case types weighted towards flytipping, flytip sizes, land and waste
types in the national proportions, every ward of both boroughs, the last five years (references per
borough and year, e.g. DAR-2024-01234, with the reference counters moved on so new cases follow), and
states in realistic proportions: old cases are almost all closed, recent ones spread over the open
states, with unassigned new cases.

While loading, the tables' secondary indexes are dropped and built again afterwards, and foreign-key
triggers are skipped (the rows are valid by construction; this needs a superuser, and is simply left
out otherwise). The tables are vacuumed and analysed at the end.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from queue import Queue

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from pyproj import Transformer  # noqa: E402

from casework.cases.categories import FLYTIP_SIZES, LAND_TYPES  # noqa: E402
from casework.demo_cases import (  # noqa: E402
    CLEARANCE_COSTS,
    DESCRIPTIONS,
    FIRST_NAMES,
    FLYTIP_SIZE_SHARES,
    FLYTIP_SPOTS,
    LAND_TYPE_SHARES,
    LAST_NAMES,
    MAIN_WASTE_SHARES,
    PLACES,
    POSTCODE_UNIT_LETTERS,
    SECOND_WASTE_CHANCE,
    WASTE_PHRASES,
)

# Case types as a council's casework sees them: flytipping the biggest single kind.
TYPE_SHARES = {
    "flytipping": 0.45,
    "littering": 0.06,
    "graffiti": 0.06,
    "fly_posting": 0.03,
    "abandoned_vehicle": 0.07,
    "dog_fouling": 0.05,
    "noise": 0.10,
    "asb_personal": 0.05,
    "asb_nuisance": 0.09,
    "asb_environmental": 0.04,
}
BOROUGH_SHARES = {"DAR": 0.52, "GRA": 0.48}  # by population
CHANNEL_SHARES = {
    "phone": 0.30,
    "web_form": 0.22,
    "fixmystreet": 0.15,
    "email": 0.10,
    "officer_observed": 0.15,
    "in_person": 0.03,
    "partner": 0.05,
}
OPEN_STATE_SHARES = {
    "new": 0.12,
    "triaged": 0.10,
    "under_investigation": 0.38,
    "enforcement_action": 0.10,
    "awaiting_compliance": 0.12,
    "referred_to_panel": 0.04,
    "closure_requested": 0.14,
}
FRESH_STATE_SHARES = {"new": 0.6, "triaged": 0.3, "under_investigation": 0.1}  # first three days
OUTCOME_SHARES = {
    "resolved": 0.45,
    "no_further_action": 0.20,
    "insufficient_evidence": 0.20,
    "not_our_responsibility": 0.06,
    "duplicate": 0.06,
    "prosecuted": 0.03,
}
CLEARED_BY_SHARES = {"council": 0.55, "contractor": 0.40, "landowner": 0.05}
PRIVATE_LAND = {"private_residential", "agricultural", "commercial"}
UNASSIGNED_CHANCE = {"new": 0.85, "triaged": 0.5}
STUCK_OPEN_CHANCE = 0.015  # old cases still open (awaiting court, long-running ASB)
REPEAT_INCIDENT_CHANCE = 0.08
MEDIAN_DAYS_OPEN = 21.0

CASE_COLUMNS = (
    "id, reference, case_type_id, priority_id, borough_id, ward_id, assigned_to_id, state, outcome, "
    "duplicate_of_id, requested_outcome, summary, created_by_id, created_at, updated_at, closed_at, version"
)
INCIDENT_COLUMNS = (
    "id, case_id, occurred_at, reported_at, channel, description, address, postcode, uprn, latitude, "
    "longitude, easting, northing, ward_id, recorded_by_id"
)
FLYTIP_COLUMNS = (
    "id, incident_id, size, land_type, waste_types, clearance_requested_on, cleared_on, cleared_by, "
    "clearance_cost, evidence_found, evidence_description"
)
TABLES = ("cases", "incidents", "flytip_details")
NULL = r"\N"


def libpq_url(url: str) -> str:
    """A URL psycopg accepts, from an SQLAlchemy-style one."""
    return url.replace("postgresql+psycopg://", "postgresql://").replace("postgres://", "postgresql://", 1)


class Picker:
    """Draws codes from a table of shares, quickly."""

    def __init__(self, rng: random.Random, shares: dict[str, float]) -> None:
        self.rng = rng
        self.codes = list(shares)
        self.cumulative = list(accumulate(shares.values()))
        self.total = self.cumulative[-1]

    def __call__(self) -> str:
        return self.codes[min(bisect(self.cumulative, self.rng.random() * self.total), len(self.codes) - 1)]


@dataclass
class Ward:
    id: int
    name: str
    streets: list[tuple[str, str, float, float]]


@dataclass
class Borough:
    id: int
    code: str
    wards: list[Ward]
    officers: list[int]
    counters: dict[int, int] = field(default_factory=dict)  # year -> last number used
    last_case_id: int | None = None


@dataclass
class Lookups:
    boroughs: dict[str, Borough]
    types: dict[str, tuple[int, str]]  # code -> (id, name)
    priorities: dict[int, int]  # number -> id


# ---- people and settings -------------------------------------------------------------------------


def seed_people(url: str) -> None:
    """Boroughs, wards, demo users, case types, priorities and clearance costs, without demo cases."""
    from casework import create_app
    from casework.demo import seed_demo
    from casework.extensions import db
    from config import DevelopmentConfig, _database_url

    with tempfile.TemporaryDirectory(prefix="casework-bench-") as instance:
        attrs = {
            "SQLALCHEMY_DATABASE_URI": _database_url(url),
            "INSTANCE_DIR": Path(instance),
            "DEMO_CASES": False,
        }
        app = create_app(type("BenchConfig", (DevelopmentConfig,), attrs))
        with app.app_context():
            added = seed_demo()
            db.engine.dispose()
    print(f"people and settings: {', '.join(f'{n} {kind}' for kind, n in added.items() if n) or 'present'}")


def add_bench_officers(conn: psycopg.Connection, per_borough: int, rng: random.Random) -> None:
    """Officers who hold the benchmark's cases (no password: they cannot sign in)."""
    boroughs = conn.execute("SELECT id, code FROM boroughs ORDER BY id").fetchall()
    now = datetime.now(UTC)
    rows = []
    for borough_id, code in boroughs:
        for number in range(1, per_borough + 1):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            email = f"bench.officer{number}.{code.lower()}@bench.test"
            rows.append((email, name, "officer", borough_id, secrets.token_urlsafe(32), True, now))
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO users (email, name, role, borough_id, session_token, active, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (email) DO NOTHING",
            rows,
        )
    conn.commit()


def load_lookups(conn: psycopg.Connection) -> Lookups:
    """Boroughs with their wards, officers and reference counters; case types; priorities."""
    boroughs: dict[str, Borough] = {}
    for borough_id, code in conn.execute("SELECT id, code FROM boroughs ORDER BY id"):
        officers = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM users WHERE role = 'officer' AND active AND borough_id = %s ORDER BY id",
                (borough_id,),
            )
        ]
        wards = _wards(conn, borough_id, code)
        if officers and wards:
            boroughs[code] = Borough(borough_id, code, wards, officers)
    for borough_id, year, last in conn.execute(
        "SELECT borough_id, year, last_number FROM case_reference_counters"
    ):
        for borough in boroughs.values():
            if borough.id == borough_id:
                borough.counters[year] = last
    types = {
        code: (type_id, name) for type_id, code, name in conn.execute("SELECT id, code, name FROM case_types")
    }
    priorities = dict(conn.execute("SELECT number, id FROM priorities").fetchall())
    return Lookups(boroughs, types, priorities)


def _wards(conn: psycopg.Connection, borough_id: int, code: str) -> list[Ward]:
    places = PLACES.get(code, {})
    everywhere = [street for streets in places.values() for street in streets] or [
        ("High Street", "DA1 1D", 51.4463, 0.2176)
    ]
    rows = conn.execute("SELECT id, name FROM wards WHERE borough_id = %s ORDER BY id", (borough_id,))
    return [Ward(ward_id, name, places.get(name) or everywhere) for ward_id, name in rows]


# ---- the rows ----------------------------------------------------------------------------------


_DAYS: dict[int, str] = {}


def ts(epoch: float) -> str:
    """A timestamptz literal for COPY (formatting a datetime per value is the generator's slowest part)."""
    day, seconds = divmod(int(epoch), 86400)
    date_text = _DAYS.get(day)
    if date_text is None:
        date_text = _DAYS[day] = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%d")
    minutes, second = divmod(seconds, 60)
    return f"{date_text} {minutes // 60:02d}:{minutes % 60:02d}:{second:02d}+00"


class Generator:
    """Makes the rows of cases, incidents and flytip details, a batch at a time."""

    def __init__(
        self, lookups: Lookups, rng: random.Random, total: int, years: float, ids: Sequence[int]
    ) -> None:
        self.rng = rng
        self.lookups = lookups
        self.now = time.time()
        self.start = self.now - years * 365.25 * 86400
        self.clock = self.start
        self.gap = (self.now - self.start) / max(total, 1)
        self.case_id, self.incident_id, self.flytip_id = ids
        self.borough = Picker(
            rng,
            {c: s for c, s in BOROUGH_SHARES.items() if c in lookups.boroughs}
            or {code: 1.0 for code in lookups.boroughs},
        )
        self.type = Picker(rng, {c: s for c, s in TYPE_SHARES.items() if c in lookups.types})
        self.channel = Picker(rng, CHANNEL_SHARES)
        self.open_state = Picker(rng, OPEN_STATE_SHARES)
        self.fresh_state = Picker(rng, FRESH_STATE_SHARES)
        self.outcome = Picker(rng, OUTCOME_SHARES)
        self.size = Picker(rng, FLYTIP_SIZE_SHARES)
        self.land = Picker(rng, LAND_TYPE_SHARES)
        self.waste = Picker(rng, MAIN_WASTE_SHARES)
        self.cleared_by = Picker(rng, CLEARED_BY_SHARES)
        self.sigma = 1.1  # spread of the log-normal time a case stays open
        self.to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
        self.costs = {size: f"{cost:.2f}" for size, cost in CLEARANCE_COSTS.items()}
        self.size_labels = {code: name for code, name in FLYTIP_SIZES}
        self.land_labels = {code: name.lower() for code, name in LAND_TYPES}

    def batch(self, count: int) -> tuple[list[str], list[str], list[str]]:
        """`count` cases as COPY text lines for the three tables."""
        cases: list[str] = []
        incidents: list[list] = []
        flytips: list[str] = []
        for _ in range(count):
            self._case(cases, incidents, flytips)
        return cases, self._located(incidents), flytips

    def _case(self, cases: list[str], incidents: list[list], flytips: list[str]) -> None:
        rng = self.rng
        self.clock = min(self.clock + rng.expovariate(1.0) * self.gap, self.now - 60)
        created = self.clock
        borough = self.lookups.boroughs[self.borough()]
        ward = rng.choice(borough.wards)
        type_code = self.type()
        type_id, type_name = self.lookups.types[type_code]
        state, outcome, closed = self._state(created)
        assignee = None if rng.random() < UNASSIGNED_CHANCE.get(state, 0.0) else rng.choice(borough.officers)
        year = datetime.fromtimestamp(created, UTC).year
        number = borough.counters.get(year, 0) + 1
        borough.counters[year] = number
        case_id = self.case_id
        self.case_id += 1
        street = rng.choice(ward.streets)
        flytip = self._flytip() if type_code == "flytipping" else None
        address = self._address(street, flytip)
        duplicate_of = borough.last_case_id if outcome == "duplicate" else None
        borough.last_case_id = case_id
        updated = closed if closed is not None else min(created + rng.uniform(0, 7) * 86400, self.now - 60)
        cases.append(
            "\t".join(
                (
                    str(case_id),
                    f"{borough.code}-{year}-{number:05d}",
                    str(type_id),
                    self._priority(type_code),
                    str(borough.id),
                    str(ward.id),
                    str(assignee) if assignee else NULL,
                    state,
                    outcome or NULL,
                    str(duplicate_of) if duplicate_of else NULL,
                    "resolved" if state == "closure_requested" else NULL,
                    f"{type_name}: {address}"[:200],
                    str(rng.choice(borough.officers)),
                    ts(created),
                    ts(updated),
                    ts(closed) if closed is not None else NULL,
                    "1" if state == "new" else str(rng.randint(2, 9)),
                )
            )
        )
        self._incident(
            incidents, flytips, case_id, created, ward, street, address, type_code, flytip, borough
        )
        if rng.random() < REPEAT_INCIDENT_CHANCE:
            later = min(created + rng.uniform(1, 20) * 86400, closed or self.now, self.now - 60)
            flytip = self._flytip() if type_code == "flytipping" else None
            street = rng.choice(ward.streets)
            address = self._address(street, flytip)
            self._incident(
                incidents, flytips, case_id, later, ward, street, address, type_code, flytip, borough
            )

    def _state(self, created: float) -> tuple[str, str | None, float | None]:
        rng = self.rng
        days_open = min(rng.lognormvariate(math.log(MEDIAN_DAYS_OPEN), self.sigma), 720)
        closed = created + days_open * 86400
        if closed < self.now and rng.random() >= STUCK_OPEN_CHANCE:
            return "closed", self.outcome(), closed
        state = self.fresh_state() if self.now - created < 3 * 86400 else self.open_state()
        return state, None, None

    def _priority(self, type_code: str) -> str:
        roll = self.rng.random()
        if roll < 0.1:
            return NULL
        number = (1 if roll < 0.3 else 4) if type_code == "asb_personal" else (3 if roll > 0.9 else 2)
        priority = self.lookups.priorities.get(number)
        return str(priority) if priority else NULL

    def _flytip(self) -> dict:
        rng = self.rng
        kinds = {self.waste()}
        if rng.random() < SECOND_WASTE_CHANCE:
            kinds.add(self.waste())
        return {"size": self.size(), "land": self.land(), "waste": sorted(kinds), "found": rng.random() < 0.2}

    def _address(self, street: tuple[str, str, float, float], flytip: dict | None) -> str:
        number = self.rng.randint(1, 160)
        if flytip is None:
            return f"{number} {street[0]}"
        return FLYTIP_SPOTS[flytip["land"]].format(n=number, n2=number + 10, street=street[0])

    def _incident(
        self,
        incidents: list[list],
        flytips: list[str],
        case_id: int,
        reported: float,
        ward: Ward,
        street: tuple[str, str, float, float],
        address: str,
        type_code: str,
        flytip: dict | None,
        borough: Borough,
    ) -> None:
        rng = self.rng
        incident_id = self.incident_id
        self.incident_id += 1
        if flytip is not None:
            what = " and ".join(WASTE_PHRASES[kind] for kind in flytip["waste"])
            size, land = self.size_labels[flytip["size"]], self.land_labels[flytip["land"]]
            description = f"{size}: {what}, dumped on {land} land."
            flytips.append(self._flytip_line(incident_id, reported, flytip))
        else:
            description = rng.choice(DESCRIPTIONS[type_code])
        postcode = f"{street[1]}{rng.choice(POSTCODE_UNIT_LETTERS)}"
        lat = round(street[2] + rng.uniform(-0.002, 0.002), 6)
        lng = round(street[3] + rng.uniform(-0.003, 0.003), 6)
        incidents.append(
            [
                str(incident_id),
                str(case_id),
                ts(reported - rng.uniform(0.5, 20) * 3600),
                ts(reported),
                self.channel(),
                description,
                address,
                postcode,
                NULL,
                lat,
                lng,
                None,
                None,
                str(ward.id),
                str(rng.choice(borough.officers)),
            ]
        )

    def _flytip_line(self, incident_id: int, reported: float, flytip: dict) -> str:
        rng = self.rng
        flytip_id = self.flytip_id
        self.flytip_id += 1
        requested = datetime.fromtimestamp(reported, UTC).date()
        cleared_on = requested + timedelta(days=rng.randint(0, 5))
        cleared = cleared_on <= datetime.fromtimestamp(self.now, UTC).date() and rng.random() < 0.97
        by = ("landowner" if flytip["land"] in PRIVATE_LAND else self.cleared_by()) if cleared else None
        return "\t".join(
            (
                str(flytip_id),
                str(incident_id),
                flytip["size"],
                flytip["land"],
                json.dumps(flytip["waste"]),
                requested.isoformat(),
                cleared_on.isoformat() if cleared else NULL,
                by or NULL,
                self.costs.get(flytip["size"], NULL),
                "t" if flytip["found"] else "f",
                "Envelope with a name and address in the waste" if flytip["found"] else "",
            )
        )

    def _located(self, incidents: list[list]) -> list[str]:
        """British National Grid for the whole batch in one projection call, then the COPY lines."""
        if not incidents:
            return []
        eastings, northings = self.to_grid.transform(
            [row[10] for row in incidents], [row[9] for row in incidents]
        )
        lines = []
        for row, easting, northing in zip(incidents, eastings, northings, strict=True):
            row[9], row[10], row[11], row[12] = (
                str(row[9]),
                str(row[10]),
                str(round(easting)),
                str(round(northing)),
            )
            lines.append("\t".join(row))
        return lines


# ---- loading ------------------------------------------------------------------------------------


def secondary_indexes(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """(name, definition) of the indexes on the loaded tables that no constraint owns."""
    return conn.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        ORDER BY i.tablename, i.indexname
        """,
        (list(TABLES),),
    ).fetchall()


def skip_foreign_key_checks(conn: psycopg.Connection) -> bool:
    """Skip FK triggers for this session (superusers only); the generated rows are valid by construction."""
    try:
        conn.execute("SET session_replication_role = replica")
    except psycopg.errors.InsufficientPrivilege:
        conn.rollback()
        return False
    conn.commit()
    return True


def copy_lines(conn: psycopg.Connection, table: str, columns: str, lines: list[str]) -> None:
    if not lines:
        return
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write("\n".join(lines) + "\n")


def next_ids(conn: psycopg.Connection) -> tuple[int, int, int]:
    return tuple(
        conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0] for table in TABLES
    )  # type: ignore[return-value]


def save_counters(conn: psycopg.Connection, lookups: Lookups) -> None:
    """Move the reference counters on, so cases logged in the app afterwards follow the generated ones."""
    rows = [(b.id, year, last) for b in lookups.boroughs.values() for year, last in b.counters.items()]
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO case_reference_counters (borough_id, year, last_number) VALUES (%s, %s, %s) "
            "ON CONFLICT (borough_id, year) DO UPDATE SET last_number = EXCLUDED.last_number",
            rows,
        )
        for table in TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )


def generate(
    url: str,
    total: int,
    *,
    years: float = 5,
    seed: int = 1,
    batch_size: int = 50_000,
    officers_per_borough: int = 10,
    say: Callable[[str], None] = print,
) -> dict[str, float]:
    """Add `total` cases (with incidents and flytip details) to the database; returns timings."""
    rng = random.Random(seed)
    started = time.perf_counter()
    with psycopg.connect(libpq_url(url)) as conn:
        add_bench_officers(conn, officers_per_borough, rng)
        lookups = load_lookups(conn)
        if not lookups.boroughs or not lookups.types:
            raise SystemExit("No boroughs with wards and officers, or no case types: seed the people first.")
        fast = skip_foreign_key_checks(conn)
        indexes = secondary_indexes(conn)
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.commit()
        say(
            f"loading {total:,} cases in batches of {batch_size:,} "
            f"(foreign-key checks {'skipped' if fast else 'on'};"
            f" {len(indexes)} indexes dropped for the load)"
        )
        generator = Generator(lookups, rng, total, years, next_ids(conn))
        rows = _load(conn, generator, total, batch_size, started, say)
        loaded = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in indexes:
            say(f"  building {name}")
            conn.execute(definition)
        save_counters(conn, lookups)
        conn.commit()
        indexed = time.perf_counter()
        conn.autocommit = True
        for table in TABLES:
            conn.execute(f"VACUUM (ANALYZE) {table}")
    finished = time.perf_counter()
    timings = {
        "load_s": loaded - started,
        "index_s": indexed - loaded,
        "analyze_s": finished - indexed,
        "total_s": finished - started,
        "rows": rows,
        "rows_per_s": rows / (loaded - started),
    }
    say(
        f"done: {total:,} cases, {rows:,} rows in {timings['total_s']:.1f} s "
        f"(load {timings['load_s']:.1f} s at "
        f"{timings['rows_per_s']:,.0f} rows/s, indexes {timings['index_s']:.1f} s, "
        f"vacuum and analyse {timings['analyze_s']:.1f} s)"
    )
    return timings


def _load(
    conn: psycopg.Connection, generator: Generator, total: int, batch_size: int, started: float, say: Callable
) -> int:
    """Generate batches on this thread while a second thread COPYs the previous one (two cores busy)."""
    pending: Queue = Queue(maxsize=2)
    failure: list[BaseException] = []

    def writer() -> None:
        while (item := pending.get()) is not None:
            if failure:
                continue
            try:
                cases, incidents, flytips = item
                copy_lines(conn, "cases", CASE_COLUMNS, cases)
                copy_lines(conn, "incidents", INCIDENT_COLUMNS, incidents)
                copy_lines(conn, "flytip_details", FLYTIP_COLUMNS, flytips)
                conn.commit()
            except BaseException as error:  # reported on the main thread
                failure.append(error)

    thread = threading.Thread(target=writer, name="bench-copy")
    thread.start()
    done = rows = 0
    try:
        while done < total and not failure:
            count = min(batch_size, total - done)
            item = generator.batch(count)
            pending.put(item)
            done += count
            rows += sum(len(lines) for lines in item)
            elapsed = time.perf_counter() - started
            say(f"  {done:>10,} cases  {rows:>11,} rows  {elapsed:7.1f} s  {rows / elapsed:>9,.0f} rows/s")
    finally:
        pending.put(None)
        thread.join()
    if failure:
        raise failure[0]
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=int, help="how many cases to add")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL"), help="default: $DATABASE_URL"
    )
    parser.add_argument("--years", type=float, default=5, help="spread the cases over this many years (5)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--batch", type=int, default=50_000, help="cases per COPY batch (50000)")
    parser.add_argument("--officers", type=int, default=10, help="benchmark officers per borough (10)")
    parser.add_argument("--no-seed", action="store_true", help="do not add the demo people and settings")
    args = parser.parse_args(argv)
    if not args.database_url or not libpq_url(args.database_url).startswith("postgresql://"):
        parser.error("give a PostgreSQL --database-url (or set DATABASE_URL)")
    if not args.no_seed:
        seed_people(args.database_url)
    generate(
        args.database_url,
        args.cases,
        years=args.years,
        seed=args.seed,
        batch_size=args.batch,
        officers_per_borough=args.officers,
    )


if __name__ == "__main__":
    main()
