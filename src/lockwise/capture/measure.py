"""Pass 2: replay recorded statements on a twin database and measure each one.

Each statement runs in a transaction of its own, so a lock taken by an earlier
statement cannot hide the locks a later one needs. Inside that transaction, right
after the statement, one query reads the relations this backend locked (`pg_locks`)
with their names, their files (a `relfilenode` that changed is a rewrite) and how
often this transaction scanned them (a sequential scan is counted on a table the
statement locked, at least in ACCESS SHARE): a statement that touches two tables
costs the same in a schema of two thousand. Statements that ran outside a transaction
(CONCURRENTLY) are replayed in autocommit, and their locks observed while they wait
(see `observe.py`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from lockwise.capture.facts import Lock, Recorded
from lockwise.capture.observe import observed_locks
from lockwise.database.scratch import ScratchDatabase

_USER_RELATION = """c.relkind IN ('r', 'p', 'm', 'i', 'I', 'S')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"""
_NAME = "CASE WHEN n.nspname = 'public' THEN '' ELSE n.nspname || '.' END || c.relname"
# Since PostgreSQL 15 the xact counts also hold earlier transactions' counts of this
# backend that are not flushed to shared statistics yet. The queries below ask for a
# flush, which the backend makes when it next goes idle (after the COMMIT, before it
# answers): so the next statement's transaction starts from zero.
# https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-STATS-FUNCTIONS
_FLUSHING = "WITH flush AS MATERIALIZED (SELECT pg_stat_force_next_flush())"
_USER_RELATIONS = f"""{_FLUSHING}
SELECT c.oid, {_NAME}, c.relfilenode
FROM flush, pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {_USER_RELATION}"""
# The relations this backend holds locks on, each user relation with its name and file
# as they are now (no name: dropped, or not a user relation), and the sequential scans
# of the transaction so far (what `pg_stat_xact_user_tables.seq_scan` shows).
_LOCKED = f"""{_FLUSHING}
SELECT l.relation, l.mode, u.name, u.relfilenode, u.scans
FROM flush, pg_locks l LEFT JOIN LATERAL (
    SELECT {_NAME} AS name, c.relfilenode, CASE WHEN c.relkind IN ('r', 'p', 'm')
        THEN pg_stat_get_xact_numscans(c.oid) END AS scans
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = l.relation AND {_USER_RELATION}
) u ON true
WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted"""


def measure(
    database: ScratchDatabase,
    recorded: Sequence[Recorded],
    conn: psycopg.Connection[Any] | None = None,
    relations: Relations | None = None,
) -> list[Facts]:
    """Replay `recorded` in order on `database`, one transaction each; return their facts.

    Args:
        database: Where to replay.
        recorded: The statements, in order.
        conn: An idle autocommit connection to `database` to reuse (else one is opened).
        relations: What an earlier `measure` on `conn` left, when nothing else changed
            the database since; kept up to date. Else every relation is read first.
    """
    if conn is None:
        with psycopg.connect(database.url, autocommit=True) as own:
            return measure(database, recorded, own, relations)
    if relations is None:
        relations = Relations.read(conn)
    relations.start()
    facts = []
    for statement in recorded:
        created = tuple(sorted(relations.created))
        facts.append(_replay(database.url, conn, statement, created, relations))
    return facts


@dataclass(frozen=True)
class Facts:
    duration_ms: float
    locks: tuple[Lock, ...]
    rewrites: tuple[str, ...]
    scans: tuple[str, ...]
    created_before: tuple[str, ...]
    locks_measured: bool
    created: tuple[str, ...] = ()  # relations the statement itself made

    @classmethod
    def unmeasured(cls) -> Facts:
        """Facts of a statement that was recorded but could not be replayed."""
        return cls(0.0, (), (), (), (), locks_measured=False)


@dataclass
class Relations:
    """The user relations as the replays left them, and those made during a `measure`.

    Attributes:
        files: oid -> (name, relfilenode).
        existing: The names when the `measure` began.
        created: The names that appeared since (a relation made, or renamed).
    """

    files: dict[int, tuple[str, int]]
    existing: frozenset[str] = frozenset()
    created: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, conn: psycopg.Connection[Any]) -> Relations:
        """Every user relation, read from the catalog."""
        return cls(_relfilenodes(conn))

    def start(self) -> None:
        """A new series of statements (a revision) begins here."""
        self.existing = frozenset(name for name, _ in self.files.values())
        self.created = set()

    def seen(self, files: dict[int, tuple[str, int]]) -> None:
        """Every user relation, read again."""
        self.files = files
        self.created |= {name for name, _ in files.values()} - self.existing

    def changed(self, locked: Sequence[_Locked]) -> None:
        """The relations a statement locked, as it left them: only those can change."""
        for relation in locked:
            if relation.name is None:
                self.files.pop(relation.oid, None)
            else:
                self.files[relation.oid] = (relation.name, relation.node)
                if relation.name not in self.existing:
                    self.created.add(relation.name)


def _replay(
    url: str,
    conn: psycopg.Connection[Any],
    statement: Recorded,
    created: tuple[str, ...],
    relations: Relations,
) -> Facts:
    """Replay one statement; return its facts, and update `relations` as it left them."""
    try:
        if not statement.transactional:
            return _outside_transaction(url, conn, statement, created, relations)
        return _measured(conn, statement, created, relations)
    except (psycopg.Error, TypeError, ValueError):
        # It ran in the recording pass, so it needed state a lone replay lacks (a SET
        # LOCAL, a temporary table), or parameters of a type psycopg cannot send:
        # keep the statement, without facts.
        conn.rollback()
        relations.seen(_relfilenodes(conn))
        return Facts(0.0, (), (), (), created, locks_measured=False)
    finally:
        conn.rollback()  # no-op unless the statement left its transaction open


def _measured(
    conn: psycopg.Connection[Any],
    statement: Recorded,
    created: tuple[str, ...],
    relations: Relations,
) -> Facts:
    # The connection stays in autocommit: the transaction is opened by hand, with the
    # statement in one round trip when it has no parameters (the simple protocol).
    plain = not statement.parameters and not statement.executemany and not statement.rendered
    if not plain:
        conn.execute("BEGIN")
    started = time.perf_counter()
    _execute(conn, statement, begin=plain)
    duration = (time.perf_counter() - started) * 1000
    locked = _locked_and_committed(conn)
    before = {relation.oid: relations.files.get(relation.oid) for relation in locked}
    relations.changed(locked)
    names = {r.oid: r.name or (before[r.oid] or ("", 0))[0] for r in locked}
    return Facts(
        duration_ms=round(duration, 3),
        locks=_sorted_locks((names[r.oid], r.mode) for r in locked if names[r.oid]),
        rewrites=tuple(sorted({r.name for r in locked if r.name and _moved(before[r.oid], r)})),
        scans=tuple(sorted({r.name for r in locked if r.name is not None and r.scans > 0})),
        created_before=created,
        locks_measured=True,
        created=tuple(sorted({names[r.oid] for r in locked if before[r.oid] is None} - {""})),
    )


def _moved(before: tuple[str, int] | None, relation: _Locked) -> bool:
    """The relation got a new file (it was rewritten); one without storage (0) never does."""
    return before is not None and before[1] != 0 and before[1] != relation.node


def _sorted_locks(pairs: Iterable[tuple[str, str]]) -> tuple[Lock, ...]:
    return tuple(Lock(name, mode) for name, mode in sorted(set(pairs)))


def _outside_transaction(
    url: str,
    conn: psycopg.Connection[Any],
    statement: Recorded,
    created: tuple[str, ...],
    relations: Relations,
) -> Facts:
    before = relations.files
    started = time.perf_counter()
    seen = observed_locks(url, conn.info.backend_pid, lambda: _execute(conn, statement))
    duration = time.perf_counter() - started - seen.held_s
    after = _relfilenodes(conn)
    relations.seen(after)
    names = {oid: name for oid, (name, _) in (*before.items(), *after.items())}
    return Facts(
        duration_ms=round(duration * 1000, 3),
        locks=_sorted_locks((names[oid], mode) for oid, mode in seen.locks if oid in names),
        rewrites=_rewritten(before, after),
        scans=(),
        created_before=created,
        locks_measured=seen.waited,
        created=tuple(sorted({name for oid, (name, _) in after.items() if oid not in before})),
    )


def _execute(conn: psycopg.Connection[Any], statement: Recorded, begin: bool = False) -> None:
    """Replay through psycopg what the migration's driver sent.

    psycopg2's statements are replayed as it rendered them; psycopg's and pg8000's
    placeholders (`%s`, `%(name)s`) are psycopg's own; asyncpg's are PostgreSQL's
    native `$1`, which psycopg's raw cursor takes as they are. With `begin`, a
    statement without parameters is sent after a BEGIN, in the same query.
    """
    if begin:
        conn.execute(f"BEGIN; {statement.sql}", statement.parameters, prepare=False)
        return
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


@dataclass(frozen=True)
class _Locked:
    """A relation this backend holds a lock on; no name once dropped."""

    oid: int
    mode: str
    name: str | None
    node: int
    scans: int


def _locked_and_committed(conn: psycopg.Connection[Any]) -> list[_Locked]:
    """The relations this backend locked, as they are now; then COMMIT, in one round trip."""
    rows = conn.execute(f"{_LOCKED}; COMMIT", prepare=False).fetchall()
    return [
        _Locked(int(oid), str(mode), name, int(node or 0), int(scans or 0))
        for oid, mode, name, node, scans in rows
    ]


def _rewritten(
    before: Mapping[int, tuple[str, int]], after: Mapping[int, tuple[str, int]]
) -> tuple[str, ...]:
    changed = {
        after[oid][0]
        for oid, (_, node) in before.items()
        if oid in after and after[oid][1] != node and node != 0
    }
    return tuple(sorted(changed))
