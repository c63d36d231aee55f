"""Time lockwise's server commands against the floor any Python CLI can reach.

Three figures, each beside its peer on the same machine in the same run:

- a warm `lockwise db start` (the embedded server already running) against a bare
  `python -c "import psycopg; psycopg.connect(url).close()"` subprocess;
- `create_database` + `drop_database` against a raw `CREATE DATABASE ... TEMPLATE template0`
  and `DROP DATABASE` over one psycopg connection;
- a cold `lockwise db start` (initdb + start) in a fresh data folder, then `lockwise db stop`
  and a warm start again (informative: no target).

    python benchmarks/server_bench.py [--warm-runs N] [--scratch-runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from timing import time_runs

from lockwise.database.scratch import create_database, drop_database, new_name
from lockwise.database.server import DATA_DIR_ENV, Server, open_server

WARM_TARGET_S = 1.0
SCRATCH_TARGET_S = 0.150


def lockwise_bin() -> str:
    """Return the `lockwise` console script of the running interpreter's environment."""
    beside = Path(sys.executable).parent / "lockwise"
    return str(beside) if beside.exists() else shutil.which("lockwise") or "lockwise"


def run(argv: list[str], env: dict[str, str] | None = None) -> None:
    """Run a command to completion, failing loudly if it fails."""
    subprocess.run(argv, env=env, check=True, capture_output=True)


def time_command(argv: list[str], env: dict[str, str]) -> float:
    """Return the wall-clock seconds of one run of a command."""
    start = time.perf_counter()
    run(argv, env)
    return time.perf_counter() - start


def p95(values: list[float]) -> float:
    """Return the 95th percentile (inclusive method) of `values`."""
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def ms(seconds: float) -> str:
    """Format seconds as right-aligned milliseconds."""
    return f"{seconds * 1000:>9.1f} ms"


def table(title: str, rows: list[tuple[str, list[float]]], spread: str) -> str:
    """Return rows of median and `spread` (max or p95), and the ratio of the first to the last."""
    tail: Callable[[list[float]], float] = max if spread == "max" else p95
    lines = [title, f"{'':40}{'median':>12}{spread:>12}"]
    for label, values in rows:
        lines.append(f"{label:40}{ms(statistics.median(values))}{ms(tail(values))}")
    ratio = statistics.median(rows[0][1]) / statistics.median(rows[-1][1])
    lines.append(f"ratio (median): {ratio:.2f}x the peer")
    return "\n".join(lines)


def bench_warm_start(server: Server, runs: int) -> tuple[str, float]:
    """Time the warm `lockwise db start` and the bare psycopg connect; return table, median."""
    lockwise = time_runs(lambda: run([lockwise_bin(), "db", "start"]), runs)
    code = f"import psycopg; psycopg.connect({server.url!r}).close()"
    floor = time_runs(lambda: run([sys.executable, "-c", code]), runs)
    rows = [("lockwise db start (warm)", lockwise), ("python -c 'psycopg.connect()' (peer)", floor)]
    return table(f"warm start, {runs} runs", rows, "max"), statistics.median(lockwise)


def scratch_cycle(server: Server) -> None:
    """Create a scratch database and drop it, the way `lockwise test` does."""
    drop_database(server, create_database(server).name)


def raw_cycle(conn: psycopg.Connection[Any]) -> None:
    """Create and drop a database with bare SQL over an open connection."""
    name = sql.Identifier(new_name())
    conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(name))
    conn.execute(sql.SQL("DROP DATABASE {}").format(name))


def bench_scratch(server: Server, runs: int) -> tuple[str, float]:
    """Time the scratch create+drop cycle against raw SQL; return the table and the median."""
    lockwise = time_runs(lambda: scratch_cycle(server), runs)
    with server.connect() as conn:
        raw = time_runs(lambda: raw_cycle(conn), runs)
    rows = [
        ("create_database + drop_database", lockwise),
        ("raw CREATE + DROP, 1 conn (peer)", raw),
    ]
    return table(f"scratch database, {runs} runs", rows, "p95"), statistics.median(lockwise)


def bench_cold_start() -> str:
    """Time start (initdb), stop and start again in a fresh data folder, then delete it."""
    folder = Path(tempfile.mkdtemp(prefix="lockwise-cold-"))
    env = {**os.environ, DATA_DIR_ENV: str(folder / "pg")}
    steps: list[tuple[str, float]] = []
    try:
        for step in ("start", "stop", "start"):
            steps.append((step, time_command([lockwise_bin(), "db", step], env)))
    finally:
        subprocess.run([lockwise_bin(), "db", "stop"], env=env, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
    labels = ["lockwise db start (cold: initdb)", "lockwise db stop", "lockwise db start (again)"]
    lines = ["cold start in a fresh data folder (informative)"]
    lines += [f"{label:40}{ms(seconds)}" for label, (_, seconds) in zip(labels, steps, strict=True)]
    return "\n".join(lines)


def verdict(warm_s: float, scratch_s: float) -> str:
    """Return the PASS/MISS line for both targets, judged on the medians."""
    warm_ok, scratch_ok = warm_s <= WARM_TARGET_S, scratch_s <= SCRATCH_TARGET_S
    return (
        f"{'PASS' if warm_ok and scratch_ok else 'MISS'}: "
        f"warm start median {warm_s:.3f} s (target <= {WARM_TARGET_S:.0f} s: "
        f"{'pass' if warm_ok else 'miss'}); scratch create+drop median "
        f"{scratch_s * 1000:.1f} ms (target <= {SCRATCH_TARGET_S * 1000:.0f} ms: "
        f"{'pass' if scratch_ok else 'miss'})"
    )


def main() -> None:
    """Parse the command line, run the three benchmarks and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--warm-runs", type=int, default=10)
    parser.add_argument("--scratch-runs", type=int, default=30)
    args = parser.parse_args()
    server = open_server()
    warm_table, warm_s = bench_warm_start(server, args.warm_runs)
    print(warm_table, end="\n\n", flush=True)
    scratch_table, scratch_s = bench_scratch(server, args.scratch_runs)
    print(scratch_table, end="\n\n", flush=True)
    print(bench_cold_start(), end="\n\n")
    print(verdict(warm_s, scratch_s))


if __name__ == "__main__":
    main()
