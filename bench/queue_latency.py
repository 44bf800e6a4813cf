"""Measure the manager's case queue through the real HTTP stack (gunicorn, PostgreSQL). Not a test.

One database:

    .venv/bin/python bench/queue_latency.py --database-url postgresql://postgres@127.0.0.1:5432/casework_bench

starts gunicorn (2 workers) on that database, signs in as the partnership manager through the real
/sign-in form (CSRF token from the page, session cookie kept), requests the queue with a common filter
(one borough, flytipping, open cases, newest first: the first page of 50 rows) again and again, one
request at a time, and prints the median, p95 and p99 latency as the client sees it.

The whole benchmark (bench/run_queue_bench.sh runs this):

    .venv/bin/python bench/queue_latency.py --scales 10000,1000000

for each scale: a fresh database casework_bench_<scale>, the migrations, the demo people, N generated
cases (bench/generate.py); then one gunicorn per scale, and the requests go to the scales in turn, ten
at a time, so that a busy spell on the machine weighs on every scale alike; at the end a summary table,
the ratio of the p95 at the largest scale to the p95 at the smallest, and the machine it ran on.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
import psycopg  # noqa: E402

QUEUE_PATH = "/cases?borough=DAR&type=flytipping"
MANAGER = "manager@demo.test"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ROW_RE = re.compile(r'href="/cases/([A-Z]{2,5}-\d{4}-\d+)"')
ROUND = 10  # requests to one scale before moving to the next
TARGET_P95_MS = 50.0
TARGET_RATIO = 1.5


@dataclass
class Result:
    """Latencies of one run, in milliseconds."""

    label: str
    cases: int
    path: str
    requests: int
    rows_on_page: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    min_ms: float
    max_ms: float
    load_before: float
    load_after: float


# ---- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database_url: str, port: int, workers: int, instance: str) -> subprocess.Popen:
    """gunicorn serving wsgi:app on the given database, as production would (development settings)."""
    env = {
        **os.environ,
        "DATABASE_URL": generate.libpq_url(database_url),
        "CASEWORK_CONFIG": "development",
        "SECRET_KEY": secrets.token_hex(32),
        "CASEWORK_INSTANCE_PATH": instance,
    }
    env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    command += ["--log-level", "warning", "wsgi:app"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_until_serving(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped with exit code {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/sign-in", timeout=2) as response:  # noqa: S310 - our http URL
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within a minute")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# ---- the client ---------------------------------------------------------------------------------


def signed_in(base: str, email: str, password: str) -> urllib.request.OpenerDirector:
    """A client signed in through the real form: CSRF token from the page, session cookie kept."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/sign-in").read().decode()
    match = CSRF_RE.search(page)
    if match is None:
        raise SystemExit("no CSRF token on /sign-in")
    form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": match.group(1)})
    response = opener.open(base + "/sign-in", data=form.encode())
    if urllib.parse.urlsplit(response.url).path == "/sign-in":
        raise SystemExit(f"signing in as {email} failed")
    return opener


def timed_get(opener: urllib.request.OpenerDirector, url: str) -> tuple[float, str]:
    """Milliseconds to fetch the whole page, and the page; stops the benchmark on anything but the page."""
    started = time.perf_counter()
    with opener.open(url) as response:
        body = response.read()
        status, final = response.status, response.url
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200 or final != url:
        raise SystemExit(f"{url} answered {status} from {final}")
    return elapsed, body.decode()


@dataclass
class Target:
    """One database served by its own gunicorn, with a signed-in client."""

    label: str
    cases: int
    database_url: str
    server: subprocess.Popen | None = None
    instance: tempfile.TemporaryDirectory | None = None
    base: str = ""
    opener: urllib.request.OpenerDirector | None = None
    rows: int = 0

    def start(self, args: argparse.Namespace) -> None:
        port = free_port()
        self.instance = tempfile.TemporaryDirectory(prefix="casework-bench-instance-")
        self.server = start_gunicorn(self.database_url, port, args.workers, self.instance.name)
        self.base = f"http://127.0.0.1:{port}"
        wait_until_serving(self.base, self.server)
        self.opener = signed_in(self.base, MANAGER, args.password)
        _elapsed, page = timed_get(self.opener, self.base + args.path)
        self.rows = len(set(ROW_RE.findall(page)))
        for _ in range(args.warmup):
            self.get(args.path)

    def get(self, path: str) -> float:
        assert self.opener is not None
        return timed_get(self.opener, self.base + path)[0]

    def stop(self) -> None:
        if self.server is not None:
            stop(self.server)
        if self.instance is not None:
            self.instance.cleanup()


def measure(targets: list[Target], args: argparse.Namespace) -> list[Result]:
    """Time `args.requests` GETs of `args.path` per target, one at a time.

    With several targets the requests go in rounds of ROUND requests to each in turn, so that a busy
    spell on the machine falls on every scale alike and the ratio between scales stays fair.
    """
    times: dict[str, list[float]] = {target.label: [] for target in targets}
    load_before = os.getloadavg()[0]
    while any(len(done) < args.requests for done in times.values()):
        for target in targets:
            for _ in range(min(ROUND, args.requests - len(times[target.label]))):
                times[target.label].append(target.get(args.path))
    load_after = os.getloadavg()[0]
    return [_result(target, args, times[target.label], load_before, load_after) for target in targets]


def _result(
    target: Target, args: argparse.Namespace, times: list[float], load_before: float, load_after: float
) -> Result:
    percentiles = statistics.quantiles(times, n=100, method="inclusive")
    return Result(
        label=target.label,
        cases=target.cases,
        path=args.path,
        requests=len(times),
        rows_on_page=target.rows,
        median_ms=statistics.median(times),
        p95_ms=percentiles[94],
        p99_ms=percentiles[98],
        mean_ms=statistics.fmean(times),
        min_ms=min(times),
        max_ms=max(times),
        load_before=load_before,
        load_after=load_after,
    )


def run_against(targets: list[Target], args: argparse.Namespace) -> list[Result]:
    """Start a gunicorn per target, measure them together, stop them."""
    try:
        for target in targets:
            target.start(args)
        results = measure(targets, args)
    finally:
        for target in targets:
            target.stop()
    for result in results:
        print_result(result)
    return results


def print_result(result: Result) -> None:
    print(
        f"{result.label}: {result.cases:,} cases, GET {result.path} x {result.requests} "
        f"({result.rows_on_page} rows on the page): median {result.median_ms:.1f} ms, "
        f"p95 {result.p95_ms:.1f} ms, p99 {result.p99_ms:.1f} ms "
        f"(mean {result.mean_ms:.1f}, min {result.min_ms:.1f}, max {result.max_ms:.1f}; "
        f"load average {result.load_before:.2f} before, {result.load_after:.2f} after)"
    )


# ---- the whole benchmark ------------------------------------------------------------------------


def scale_label(cases: int) -> str:
    if cases % 1_000_000 == 0:
        return f"{cases // 1_000_000}m"
    return f"{cases // 1000}k" if cases % 1000 == 0 else str(cases)


def count_cases(database_url: str) -> int:
    try:
        with psycopg.connect(generate.libpq_url(database_url)) as conn:
            return conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    except psycopg.Error:
        return -1


def fresh_database(server_url: str, name: str) -> str:
    """Drop and create the database `name`; returns its URL."""
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url}/{name}"


def migrate(database_url: str) -> None:
    """`flask db upgrade` on the database, as an operator would run it."""
    with tempfile.TemporaryDirectory(prefix="casework-bench-instance-") as instance:
        env = {
            **os.environ,
            "DATABASE_URL": generate.libpq_url(database_url),
            "CASEWORK_INSTANCE_PATH": instance,
        }
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def prepare(server_url: str, cases: int, reuse: bool) -> tuple[str, dict[str, float]]:
    """A database holding `cases` generated cases (reused when asked and already there)."""
    name = f"casework_bench_{scale_label(cases)}"
    url = f"{server_url}/{name}"
    if reuse and count_cases(url) == cases:
        print(f"== {name}: reusing its {cases:,} cases (migrations brought up to date)")
        migrate(url)
        return url, {}
    print(f"== {name}: new database, migrations, demo people, {cases:,} cases")
    url = fresh_database(server_url, name)
    migrate(url)
    generate.seed_people(url)
    return url, generate.generate(url, cases)


def machine() -> dict[str, str]:
    memory = ""
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {
        "cpus": str(os.cpu_count()),
        "cpu": _cpu_model(),
        "memory": memory,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def postgres_version(database_url: str) -> str:
    with psycopg.connect(generate.libpq_url(database_url)) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def summary(results: list[Result], loads: dict[str, dict[str, float]], database_url: str) -> dict:
    about = {**machine(), "postgresql": postgres_version(database_url), "gunicorn workers": "2"}
    print("\n| cases | rows on page | median ms | p95 ms | p99 ms | generated in |")
    print("|---:|---:|---:|---:|---:|---:|")
    for result in results:
        load = loads.get(result.label, {})
        made = f"{load['total_s']:.0f} s ({load['rows_per_s']:,.0f} rows/s)" if load else "reused"
        print(
            f"| {result.cases:,} | {result.rows_on_page} | {result.median_ms:.1f} | {result.p95_ms:.1f} | "
            f"{result.p99_ms:.1f} | {made} |"
        )
    verdict: dict = {"machine": about, "results": [asdict(r) for r in results], "generation": loads}
    if len(results) >= 2:
        ratio = results[-1].p95_ms / results[0].p95_ms
        verdict["p95_ratio"] = ratio
        largest = results[-1].p95_ms
        print(
            f"\np95 at {results[-1].cases:,} / p95 at {results[0].cases:,} = {ratio:.2f} "
            f"(target <= {TARGET_RATIO}); p95 at {results[-1].cases:,} = {largest:.1f} ms "
            f"(target < {TARGET_P95_MS:.0f} ms)"
        )
    print("machine: " + "; ".join(f"{key} {value}" for key, value in about.items()))
    return verdict


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="measure this database as it is")
    parser.add_argument("--scales", help="the whole benchmark at these case counts, e.g. 10000,1000000")
    parser.add_argument("--server-url", default="postgresql://postgres@127.0.0.1:5432", help="for --scales")
    parser.add_argument("--reuse", action="store_true", help="with --scales: keep a database already filled")
    parser.add_argument("--path", default=QUEUE_PATH, help=f"the page to time ({QUEUE_PATH})")
    parser.add_argument("--requests", type=int, default=300, help="timed requests (300)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests first (30)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--password", default=os.environ.get("CASEWORK_DEMO_PASSWORD", "casework-demo"))
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    if bool(args.database_url) == bool(args.scales):
        parser.error("give either --database-url or --scales")
    if args.database_url:
        target = Target("database", count_cases(args.database_url), args.database_url)
        verdict = summary(run_against([target], args), {}, args.database_url)
    else:
        targets, loads = [], {}
        for cases in sorted(int(value) for value in args.scales.split(",")):
            url, timings = prepare(args.server_url, cases, args.reuse)
            label = scale_label(cases)
            if timings:
                loads[label] = timings
            targets.append(Target(label, cases, url))
        print(f"== measuring {', '.join(t.label for t in targets)} in rounds of {ROUND} requests each")
        verdict = summary(run_against(targets, args), loads, url)
    if args.json:
        args.json.write_text(json.dumps(verdict, indent=2) + "\n")


if __name__ == "__main__":
    main()
