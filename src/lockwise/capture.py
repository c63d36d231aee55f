"""Run one revision on a scratch database and record what each statement did.

Two passes over clones of the database at the preceding revision:

1. Record. The revision runs through the project's own env.py, as `lockwise test`
   runs it. A SQLAlchemy `before_cursor_execute` listener keeps every statement whose
   call stack passes through the revision file (so Alembic's own bookkeeping and
   introspection are left out) with the line of that file it came from, and whether
   it ran inside a transaction or in an autocommit block.
2. Measure. The recorded statements are replayed in order on a twin clone, each in a
   transaction of its own, so a lock taken by an earlier statement cannot hide the
   locks a later one needs. Inside that transaction, right after the statement:
   its locks (`pg_locks` for this backend), the relations it rewrote (`relfilenode`
   changed) and the tables it scanned (`pg_stat_xact_user_tables.seq_scan`).
   Statements that ran outside a transaction (CONCURRENTLY) are replayed the same
   way in autocommit; their locks are gone by the time they return, so theirs are
   not measured (`locks_measured` is false).
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from lockwise.database.scratch import ScratchDatabase, ScratchSession
from lockwise.project import Project, Revision
from lockwise.testing.runner import (
    Direction,
    MigrationFailure,
    StepFailed,
    accepts_connection,
    run_step,
    shared_connection,
)

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
_SCANS = """
SELECT CASE WHEN schemaname = 'public' THEN '' ELSE schemaname || '.' END || relname
FROM pg_stat_xact_user_tables WHERE seq_scan > 0
"""


@dataclass(frozen=True)
class Lock:
    """A lock a statement held on a relation, spelled as `pg_locks.mode` spells it."""

    relation: str
    mode: str


@dataclass(frozen=True)
class Recorded:
    """A statement as the migration sent it to the driver."""

    sql: str
    parameters: Any
    executemany: bool
    line: int | None
    transactional: bool


@dataclass(frozen=True)
class Statement:
    """One statement of a revision, where it came from and what PostgreSQL did for it."""

    revision: str
    direction: Direction
    file: str
    line: int | None
    sql: str
    transactional: bool
    duration_ms: float
    locks: tuple[Lock, ...]
    rewrites: tuple[str, ...]
    scans: tuple[str, ...]
    created_before: tuple[str, ...]
    locks_measured: bool = True


@dataclass(frozen=True)
class Capture:
    """What one direction of one revision did, statement by statement."""

    revision: str
    direction: Direction
    statements: tuple[Statement, ...]
    failure: MigrationFailure | None = None


# --- pass 1: record ------------------------------------------------------------------


@contextmanager
def recording(migration_file: Path) -> Iterator[list[Recorded]]:
    """Collect the statements issued from `migration_file` while the block runs."""
    target = str(migration_file.resolve())
    recorded: list[Recorded] = []

    def before(
        conn: Connection, _cursor: Any, sql: str, parameters: Any, _ctx: Any, many: bool
    ) -> None:
        line = _line_in_stack(target)
        if line is not None:
            recorded.append(Recorded(sql, parameters, many, line, not _autocommit(conn)))

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield recorded
    finally:
        event.remove(Engine, "before_cursor_execute", before)


def _line_in_stack(target: str) -> int | None:
    for frame in reversed(traceback.extract_stack()):
        if frame.filename == target or str(Path(frame.filename).resolve()) == target:
            return frame.lineno
    return None


def _autocommit(conn: Connection) -> bool:
    dbapi = conn.connection.dbapi_connection
    return bool(getattr(dbapi, "autocommit", False))


def record(
    project: Project, database: ScratchDatabase, revision: Revision, direction: Direction
) -> tuple[list[Recorded], MigrationFailure | None]:
    """Run one step of `revision` on `database`; return its statements and any failure."""
    connection = (
        shared_connection(database.url) if accepts_connection(project, database.url) else None
    )
    try:
        with recording(revision.path) as recorded:
            run_step(project, database.url, revision, direction, connection)
    except StepFailed as error:
        return recorded, error.failure
    finally:
        if connection is not None:
            connection.close()
    return recorded, None


# --- pass 2: measure -------------------------------------------------------------------


def measure(database: ScratchDatabase, recorded: Sequence[Recorded]) -> list[_Facts]:
    """Replay `recorded` in order on `database`, one transaction each; return their facts."""
    facts = []
    with psycopg.connect(database.url, autocommit=True) as conn:
        created: set[str] = set()
        existing = set(_relations(conn).values())
        for statement in recorded:
            facts.append(_replay(conn, statement, frozenset(created)))
            created |= set(_relations(conn).values()) - existing
    return facts


@dataclass(frozen=True)
class _Facts:
    duration_ms: float
    locks: tuple[Lock, ...]
    rewrites: tuple[str, ...]
    scans: tuple[str, ...]
    created_before: tuple[str, ...]
    locks_measured: bool


def _replay(conn: psycopg.Connection[Any], statement: Recorded, created: frozenset[str]) -> _Facts:
    before = _relfilenodes(conn)
    conn.autocommit = not statement.transactional
    try:
        return _measured(conn, statement, created, before)
    except psycopg.Error:
        # It ran in the recording pass, so it needed state a lone replay lacks (a SET
        # LOCAL, a temporary table): keep the statement, without facts.
        conn.rollback()
        return _Facts(0.0, (), (), (), tuple(sorted(created)), locks_measured=False)
    finally:
        conn.autocommit = True


def _measured(
    conn: psycopg.Connection[Any],
    statement: Recorded,
    created: frozenset[str],
    before: Mapping[int, tuple[str, int]],
) -> _Facts:
    started = time.perf_counter()
    _execute(conn, statement)
    duration = (time.perf_counter() - started) * 1000
    after = _relfilenodes(conn)
    names = {oid: name for oid, (name, _) in (*before.items(), *after.items())}
    locks = _locks(conn, names) if statement.transactional else ()
    scans = _scans(conn) if statement.transactional else ()
    conn.commit()
    return _Facts(
        duration_ms=round(duration, 3),
        locks=locks,
        rewrites=_rewritten(before, after),
        scans=scans,
        created_before=tuple(sorted(created)),
        locks_measured=statement.transactional,
    )


def _execute(conn: psycopg.Connection[Any], statement: Recorded) -> None:
    with conn.cursor() as cursor:
        if statement.executemany:
            cursor.executemany(statement.sql, statement.parameters)
        else:
            cursor.execute(statement.sql, statement.parameters)


def _relations(conn: psycopg.Connection[Any]) -> dict[int, str]:
    return {oid: name for oid, (name, _) in _relfilenodes(conn).items()}


def _relfilenodes(conn: psycopg.Connection[Any]) -> dict[int, tuple[str, int]]:
    rows = conn.execute(_USER_RELATIONS).fetchall()
    return {int(oid): (str(name), int(node)) for oid, name, node in rows}


def _locks(conn: psycopg.Connection[Any], names: Mapping[int, str]) -> tuple[Lock, ...]:
    rows = conn.execute(_OWN_LOCKS).fetchall()
    found = {Lock(names[int(oid)], str(mode)) for oid, mode in rows if int(oid) in names}
    return tuple(sorted(found, key=lambda lock: (lock.relation, lock.mode)))


def _scans(conn: psycopg.Connection[Any]) -> tuple[str, ...]:
    return tuple(sorted(str(row[0]) for row in conn.execute(_SCANS).fetchall()))


def _rewritten(
    before: Mapping[int, tuple[str, int]], after: Mapping[int, tuple[str, int]]
) -> tuple[str, ...]:
    changed = {
        after[oid][0]
        for oid, (_, node) in before.items()
        if oid in after and after[oid][1] != node and node != 0
    }
    return tuple(sorted(changed))


# --- both passes -----------------------------------------------------------------------


def capture(
    project: Project,
    session: ScratchSession,
    base: ScratchDatabase,
    revision: Revision,
    direction: Direction = "upgrade",
) -> Capture:
    """Record and measure one step of `revision`, starting from the database `base`.

    `base` is left as it was: both passes run on clones of it.
    """
    first = session.create(base)
    try:
        recorded, failure = record(project, first, revision, direction)
    finally:
        session.drop(first)
    twin = session.create(base)
    try:
        facts = measure(twin, recorded) if failure is None else []
    finally:
        session.drop(twin)
    statements = tuple(
        _statement(project, revision, direction, item, fact)
        for item, fact in zip(recorded, facts, strict=False)
    )
    return Capture(revision.id, direction, statements, failure)


def _statement(
    project: Project, revision: Revision, direction: Direction, item: Recorded, fact: _Facts
) -> Statement:
    return Statement(
        revision=revision.id,
        direction=direction,
        file=project.relative(revision.path),
        line=item.line,
        sql=item.sql.strip(),
        transactional=item.transactional,
        duration_ms=fact.duration_ms,
        locks=fact.locks,
        rewrites=fact.rewrites,
        scans=fact.scans,
        created_before=fact.created_before,
        locks_measured=fact.locks_measured,
    )
