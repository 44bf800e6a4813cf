#!/usr/bin/env bash
# The queue benchmark at 10,000 and 1,000,000 cases: fresh databases casework_bench_10k and
# casework_bench_1m, the migrations, the demo people, the generated cases, then the measurement through
# gunicorn; a summary table and the p95 ratio at the end. Extra arguments go to bench/queue_latency.py
# (e.g. --reuse to keep databases already filled, --json bench/results.json).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONUNBUFFERED=1
exec .venv/bin/python bench/queue_latency.py --scales "${SCALES:-10000,1000000}" "$@"
