"""The long runs of `lockwise apply`'s fault tests, on the example backend.

Three parts, each on fresh databases of the server (`--url`, else $LOCKWISE_DATABASE_URL,
else the embedded one), each printing what it saw:

1. **Concurrent deploys** (`--rounds`, default 20): three applies started at once on a
   fresh database. All three must exit 0, the revisions must be applied once in all
   (the "applied N" figures add up to the history), and the version table must hold
   the head.
2. **kill -9** (`--kills`, default 50): apply is killed at a random moment of its run
   (one kill in ten while a concurrent index build waits on an open snapshot, one in
   ten inside a `lockwise.ops.backfill` of 20,000 rows), then run again. Every rerun
   must exit 0 and leave the schema a clean upgrade leaves (catalog snapshot), at the
   head, without an INVALID index; after a backfill, every row done.
3. **A lock held in an open transaction**: a session reads users and stays open; a
   writer inserts into users in a loop. apply must retry within its bounds, fail naming
   the blocking pid, and no write may stall much longer than `lock_timeout`.

    python benchmarks/apply_faults.py [--url SERVER] [--rounds N] [--kills N] [--seed N]

Exit 0 when every check held, 1 otherwise.
"""

from __future__ import annotations

import argparse
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
from timing import console_script, load

from lockwise.database.catalog import diff, snapshot
from lockwise.database.scratch import create_database, drop_database
from lockwise.database.server import Server, open_server

BACKEND = Path(__file__).parents[1] / "examples" / "backend"
BACKFILL = Path(__file__).parents[1] / "tests" / "projects" / "backfill_history"
HEAD = "4b8e2f6a1d07"
REVISIONS = 16
BEFORE_EMAIL_INDEX = "7b2d9e04c6f1"
BEFORE_PHONE = "a4c81e5f9b23"
LOCKWISE = console_script("lockwise")


def apply(url: str, *options: str) -> subprocess.Popen[str]:
    return _apply(str(BACKEND), url, *options)


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=600)
    return process.returncode, out, err


def applied(stdout: str) -> int:
    found = re.search(r"^applied (\d+) revisions?;", stdout, re.MULTILINE)
    return int(found.group(1)) if found else 0


def problems_against(url: str, clean: str) -> list[str]:
    with psycopg.connect(url) as done, psycopg.connect(clean) as reference:
        found = diff(snapshot(reference), snapshot(done))
        versions = [v for (v,) in done.execute("SELECT version_num FROM alembic_version")]
        invalid = done.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid"
        )
        found += [f"INVALID index {name}" for (name,) in invalid.fetchall()]
    return found + ([] if versions == [HEAD] else [f"version {versions}"])


def concurrent(server: Server, rounds: int) -> bool:
    failures = 0
    started = time.perf_counter()
    for number in range(1, rounds + 1):
        database = create_database(server)
        try:
            results = [finished(p) for p in [apply(database.url) for _ in range(3)]]
            codes = [code for code, _, _ in results]
            total = sum(applied(out) for _, out, _ in results)
            with psycopg.connect(database.url) as conn:
                versions = [v for (v,) in conn.execute("SELECT version_num FROM alembic_version")]
            ok = codes == [0, 0, 0] and total == REVISIONS and versions == [HEAD]
            if not ok:
                failures += 1
                print(f"  round {number}: exits {codes}, applied {total}, versions {versions}")
        finally:
            drop_database(server, database.name)
    seconds = time.perf_counter() - started
    print(f"concurrent: {rounds} rounds of 3 applies, {failures} failed ({seconds:.1f} s)")
    return failures == 0


def kills(server: Server, count: int, rng: random.Random) -> bool:
    clean = create_database(server)
    finished(apply(clean.url))
    failures = 0
    in_build = 0
    in_backfill = 0
    started = time.perf_counter()
    try:
        for number in range(1, count + 1):
            database = create_database(server)
            try:
                if number % 10 == 5:
                    in_build += _kill_in_build(database.url)
                elif number % 10 == 0:
                    if not _backfill_resumed(database.url):
                        failures += 1
                        print(f"  kill {number}: the backfill was not finished by the rerun")
                    in_backfill += 1
                    continue
                else:
                    process = apply(database.url)
                    time.sleep(rng.uniform(0.3, 3.5))
                    process.send_signal(signal.SIGKILL)
                    process.communicate(timeout=60)
                code, _, err = finished(apply(database.url))
                found = problems_against(database.url, clean.url) if code == 0 else [err]
                if found:
                    failures += 1
                    print(f"  kill {number}: rerun exit {code}: {found[:3]}")
            finally:
                drop_database(server, database.name)
    finally:
        drop_database(server, clean.name)
    seconds = time.perf_counter() - started
    print(
        f"kill -9: {count} kills ({in_build} inside a concurrent build, {in_backfill} inside a"
        f" backfill), {failures} reruns did not end as a clean upgrade ({seconds:.1f} s)"
    )
    return failures == 0


def _kill_in_build(url: str) -> int:
    """Kill apply while CREATE INDEX CONCURRENTLY waits on an open snapshot; 1 if it did."""
    finished(apply(url, "--to", BEFORE_EMAIL_INDEX))
    with psycopg.connect(url) as reader, psycopg.connect(url, autocommit=True) as watcher:
        reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        reader.execute("SELECT count(*) FROM users")
        process = apply(url, "--lock-timeout", "60s")
        deadline = time.monotonic() + 60
        building = False
        while time.monotonic() < deadline and process.poll() is None:
            building = bool(
                watcher.execute("SELECT 1 FROM pg_stat_progress_create_index").fetchone()
            )
            if building:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        reader.rollback()
    return int(building)


def _backfill_resumed(url: str) -> bool:
    """Kill apply inside `lockwise.ops.backfill`; True when the rerun finished the rows."""
    project = str(BACKFILL)
    finished(_apply(project, url, "--to", "b0f111000001"))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO items (price) SELECT g FROM generate_series(1, 20000) g")
        process = _apply(project, url)
        deadline = time.monotonic() + 60
        while _filled(conn) == 0 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        code, _, _ = finished(_apply(project, url))
        versions = [v for (v,) in conn.execute("SELECT version_num FROM alembic_version")]
        return code == 0 and _filled(conn) == 20000 and versions == ["b0f111000002"]


def _filled(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT count(*) FROM items WHERE cents = price * 100").fetchone()
    return int(row[0]) if row else 0


def _apply(project: str, url: str, *options: str) -> subprocess.Popen[str]:
    command = [LOCKWISE, "apply", project, "--url", url, *options]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def held_lock(server: Server) -> bool:
    database = create_database(server)
    stalls: list[float] = []
    stop = threading.Event()
    try:
        finished(apply(database.url, "--to", BEFORE_PHONE))
        with psycopg.connect(database.url) as holder:
            holder.execute("SELECT count(*) FROM users")

            def write() -> None:
                with psycopg.connect(database.url, autocommit=True) as conn:
                    conn.execute("INSERT INTO organizations (name) VALUES ('o')")
                    while not stop.is_set():
                        began = time.monotonic()
                        conn.execute(
                            "INSERT INTO users (email, display_name) VALUES ('w@x.org', 'w')"
                        )
                        stalls.append(time.monotonic() - began)
                        time.sleep(0.01)

            writer = threading.Thread(target=write)
            writer.start()
            try:
                code, out, err = finished(
                    apply(database.url, "--lock-timeout", "500ms", "--retries", "4")
                )
            finally:
                stop.set()
                writer.join()
            named = f"pid {holder.info.backend_pid}" in out
    finally:
        drop_database(server, database.name)
    attempts = err.count("lock_timeout: blocked by pid")
    worst = max(stalls) if stalls else 0.0
    ok = code == 1 and named and attempts == 4 and worst < 0.5 + 0.5
    print(
        f"held lock: apply exit {code}, {attempts} retries, blocker named: {named};"
        f" {len(stalls)} writes, the longest stalled {worst * 1000:.0f} ms"
        f" (lock_timeout 500 ms)"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="the PostgreSQL server to use")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    server = open_server(args.url)
    print(f"lockwise apply faults on PostgreSQL {server.version()}; {load()}")
    results = [
        concurrent(server, args.rounds),
        kills(server, args.kills, random.Random(args.seed)),
        held_lock(server),
    ]
    print("PASS" if all(results) else "FAIL")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
