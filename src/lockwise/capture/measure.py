"""Pass 2: replay recorded statements on a twin database and measure each one.

Each statement runs in a transaction of its own, so a lock taken by an earlier
statement cannot hide the locks a later one needs. Inside that transaction, right
after the statement: its locks (`pg_locks` for this backend), the relations it
rewrote (`relfilenode` changed) and the tables it scanned
(`pg_stat_xact_user_tables.seq_scan`). Statements that ran outside a transaction
(CONCURRENTLY) are replayed in autocommit, and their locks observed while they wait
(see `observe.py`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from lockwise.capture.facts import Lock, Recorded
from lockwise.capture.observe import observed_locks
from lockwise.database.scratch import ScratchDatabase

_USER_RELATIONS = """
SELECT c.oid, CASE WHEN n.nspname = 'public' THEN '' ELSE n.nspname || '.' END || c.relname,
       c.relfilenode
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm', 'i', 'I', 'S')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
"""
_OWN_LOCKS = """
SELECT relation, mode FROM pg_locks
WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted
"""
# Since PostgreSQL 15 the xact view also shows counts of earlier transactions of this
# backend not yet flushed to shared statistics: a statement's scans are the difference.
# https://www.postgresql.org/docs/current/monitoring-stats.html
_SCANS = """
SELECT CASE WHEN schemaname = 'public' THEN '' ELSE schemaname || '.' END || relname, seq_scan
FROM pg_stat_xact_user_tables WHERE seq_scan > 0
"""


Relfilenodes = Mapping[int, tuple[str, int]]


def measure(
    database: ScratchDatabase,
    recorded: Sequence[Recorded],
    conn: psycopg.Connection[Any] | None = None,
) -> list[Facts]:
    """Replay `recorded` in order on `database`, one transaction each; return their facts.

    `conn`: an idle autocommit connection to `database` to reuse (else one is opened).
    """
    if conn is None:
        with psycopg.connect(database.url, autocommit=True) as own:
            return measure(database, recorded, own)
    facts = []
    created: set[str] = set()
    # Each statement's "after" is the next one's "before".
    current: Relfilenodes = _relfilenodes(conn)
    existing = {name for name, _ in current.values()}
    for statement in recorded:
        fact, current = _replay(database.url, conn, statement, frozenset(created), current)
        facts.append(fact)
        created |= {name for name, _ in current.values()} - existing
    return facts


@dataclass(frozen=True)
class Facts:
    duration_ms: float
    locks: tuple[Lock, ...]
    rewrites: tuple[str, ...]
    scans: tuple[str, ...]
    created_before: tuple[str, ...]
    locks_measured: bool

    @classmethod
    def unmeasured(cls) -> Facts:
        """Facts of a statement that was recorded but could not be replayed."""
        return cls(0.0, (), (), (), (), locks_measured=False)


def _replay(
    url: str,
    conn: psycopg.Connection[Any],
    statement: Recorded,
    created: frozenset[str],
    before: Relfilenodes,
) -> tuple[Facts, Relfilenodes]:
    """Replay one statement; return its facts and the relations as it left them."""
    conn.autocommit = not statement.transactional
    try:
        return _measured(url, conn, statement, created, before)
    except (psycopg.Error, TypeError, ValueError):
        # It ran in the recording pass, so it needed state a lone replay lacks (a SET
        # LOCAL, a temporary table), or parameters of a type psycopg cannot send:
        # keep the statement, without facts.
        conn.rollback()
        conn.autocommit = True
        unmeasured = Facts(0.0, (), (), (), tuple(sorted(created)), locks_measured=False)
        return unmeasured, _relfilenodes(conn)
    finally:
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()
        conn.autocommit = True


def _measured(
    url: str,
    conn: psycopg.Connection[Any],
    statement: Recorded,
    created: frozenset[str],
    before: Mapping[int, tuple[str, int]],
) -> tuple[Facts, Relfilenodes]:
    if not statement.transactional:
        return _outside_transaction(url, conn, statement, created, before)
    scans_before = _scan_counts(conn)  # opens the statement's transaction
    started = time.perf_counter()
    _execute(conn, statement)
    duration = (time.perf_counter() - started) * 1000
    after = _relfilenodes(conn)
    names = {oid: name for oid, (name, _) in (*before.items(), *after.items())}
    locks, scans = _locks(conn, names), _scanned(scans_before, _scan_counts(conn))
    conn.commit()
    facts = Facts(
        duration_ms=round(duration, 3),
        locks=locks,
        rewrites=_rewritten(before, after),
        scans=scans,
        created_before=tuple(sorted(created)),
        locks_measured=True,
    )
    return facts, after


def _outside_transaction(
    url: str,
    conn: psycopg.Connection[Any],
    statement: Recorded,
    created: frozenset[str],
    before: Mapping[int, tuple[str, int]],
) -> tuple[Facts, Relfilenodes]:
    started = time.perf_counter()
    seen = observed_locks(url, conn.info.backend_pid, lambda: _execute(conn, statement))
    duration = time.perf_counter() - started - seen.held_s
    after = _relfilenodes(conn)
    names = {oid: name for oid, (name, _) in (*before.items(), *after.items())}
    locks = {Lock(names[oid], mode) for oid, mode in seen.locks if oid in names}
    facts = Facts(
        duration_ms=round(duration * 1000, 3),
        locks=tuple(sorted(locks, key=lambda lock: (lock.relation, lock.mode))),
        rewrites=_rewritten(before, after),
        scans=(),
        created_before=tuple(sorted(created)),
        locks_measured=seen.waited,
    )
    return facts, after


def _execute(conn: psycopg.Connection[Any], statement: Recorded) -> None:
    """Replay through psycopg what the migration's driver sent.

    psycopg2's statements are replayed as it rendered them; psycopg's and pg8000's
    placeholders (`%s`, `%(name)s`) are psycopg's own; asyncpg's are PostgreSQL's
    native `$1`, which psycopg's raw cursor takes as they are.
    """
    if statement.rendered is not None:
        with conn.cursor() as cursor:
            for text in statement.rendered:
                cursor.execute(text.encode())
        return
    raw = statement.driver == "asyncpg" and bool(statement.parameters)
    with psycopg.RawCursor(conn) if raw else conn.cursor() as cursor:
        if statement.executemany:
            cursor.executemany(statement.sql, statement.parameters)
        else:
            cursor.execute(statement.sql, statement.parameters)


def _relfilenodes(conn: psycopg.Connection[Any]) -> dict[int, tuple[str, int]]:
    rows = conn.execute(_USER_RELATIONS).fetchall()
    return {int(oid): (str(name), int(node)) for oid, name, node in rows}


def _locks(conn: psycopg.Connection[Any], names: Mapping[int, str]) -> tuple[Lock, ...]:
    rows = conn.execute(_OWN_LOCKS).fetchall()
    found = {Lock(names[int(oid)], str(mode)) for oid, mode in rows if int(oid) in names}
    return tuple(sorted(found, key=lambda lock: (lock.relation, lock.mode)))


def _scan_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    return {str(name): int(count) for name, count in conn.execute(_SCANS).fetchall()}


def _scanned(before: Mapping[str, int], after: Mapping[str, int]) -> tuple[str, ...]:
    return tuple(sorted(name for name, count in after.items() if count > before.get(name, 0)))


def _rewritten(
    before: Mapping[int, tuple[str, int]], after: Mapping[int, tuple[str, int]]
) -> tuple[str, ...]:
    changed = {
        after[oid][0]
        for oid, (_, node) in before.items()
        if oid in after and after[oid][1] != node and node != 0
    }
    return tuple(sorted(changed))
