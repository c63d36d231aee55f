"""Locks of a statement that runs outside a transaction, observed while it waits.

CREATE INDEX CONCURRENTLY and its kin commit internally and release their locks
before they return, so `pg_locks` read afterwards shows nothing. Instead, a blocker
session first opens a repeatable-read transaction holding ACCESS SHARE on every user
table: a concurrent build then waits for the blocker's snapshot, a concurrent drop
for its lock, and a plain statement that needs a stronger lock waits for it too.
While the statement waits, its granted locks and the one it waits for are read from
`pg_locks`; then the blocker lets go. A statement that never waits (it conflicts
with nothing) finishes unobserved, and its locks stay unmeasured.

https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

POLL_S = 0.002
TIMEOUT_S = 30.0

_LOCKS_OF = """
SELECT relation, mode FROM pg_locks WHERE pid = %s AND locktype = 'relation'
"""
_WAITING = "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s"
_TABLES = """
SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%'
"""


@dataclass(frozen=True)
class Observed:
    """What was seen of a statement run against the blocker."""

    locks: frozenset[tuple[int, str]]
    waited: bool
    held_s: float


def observed_locks(url: str, pid: int, run: Callable[[], None]) -> Observed:
    """Run `run` (a statement on the backend `pid`) and observe its locks while it waits.

    Returns the (relation oid, mode) pairs seen, whether it was seen waiting at all,
    and how long the blocker held it once seen (to take off its duration).
    """
    with psycopg.connect(url, autocommit=True) as monitor, psycopg.connect(url) as blocker:
        _block(blocker)
        worker = _Worker(run)
        seen = _watch(monitor, pid, worker)
        seen_at = time.perf_counter()
        blocker.rollback()
        held = time.perf_counter() - seen_at if seen else 0.0
        worker.join()
    return Observed(frozenset(seen), bool(seen), held)


def _block(blocker: psycopg.Connection[Any]) -> None:
    blocker.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    tables = [str(row[0]) for row in blocker.execute(_TABLES).fetchall()]
    if tables:
        names = sql.SQL(", ").join(sql.SQL(t) for t in tables)  # regclass text is quoted
        blocker.execute(sql.SQL("LOCK TABLE {} IN ACCESS SHARE MODE").format(names))


def _watch(monitor: psycopg.Connection[Any], pid: int, worker: _Worker) -> set[tuple[int, str]]:
    deadline = time.monotonic() + TIMEOUT_S
    while worker.is_alive() and time.monotonic() < deadline:
        row = monitor.execute(_WAITING, (pid,)).fetchone()
        if row and row[0]:
            rows = monitor.execute(_LOCKS_OF, (pid,)).fetchall()
            return {(int(oid), str(mode)) for oid, mode in rows}
        time.sleep(POLL_S)
    return set()


class _Worker(threading.Thread):
    """Runs the statement; re-raises its error in the caller on `join`."""

    def __init__(self, run: Callable[[], None]) -> None:
        super().__init__(daemon=True)
        self._run = run
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self._run()
        except BaseException as error:  # handed to the caller's thread
            self.error = error

    def join(self, timeout: float | None = None) -> None:
        super().join(timeout)
        if self.error is not None:
            raise self.error
