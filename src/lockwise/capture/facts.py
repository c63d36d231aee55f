"""The facts lockwise records for each statement a migration issues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lockwise.migrate.steps import Direction, MigrationFailure

# pg_locks.mode names of the table-level lock modes, weakest first.
LOCK_MODES = (
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
)


@dataclass(frozen=True)
class Lock:
    """A lock a statement held on a relation, spelled as `pg_locks.mode` spells it."""

    relation: str
    mode: str


@dataclass(frozen=True)
class Recorded:
    """A statement as the migration sent it to the driver.

    Attributes:
        sql: The text the driver received, in its own placeholder style.
        parameters: The parameters it received with it (one set, or several).
        executemany: `parameters` holds several sets (a DBAPI `executemany`).
        line: The line of the migration file that issued it.
        transactional: It ran inside a transaction (not in an autocommit block).
        driver: The DBAPI driver that sent it, as SQLAlchemy names it (`psycopg2`...).
        rendered: The exact SQL a client-side driver (psycopg2) sent to the server,
            one per parameter set, to replay without parameters; None otherwise.
    """

    sql: str
    parameters: Any
    executemany: bool
    line: int | None
    transactional: bool
    driver: str = "psycopg"
    rendered: tuple[str, ...] | None = None


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
    created: tuple[str, ...] = ()  # the relations this statement made


@dataclass(frozen=True)
class Capture:
    """What one direction of one revision did, statement by statement."""

    revision: str
    direction: Direction
    statements: tuple[Statement, ...]
    failure: MigrationFailure | None = None
