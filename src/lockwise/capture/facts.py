"""The facts lockwise records for each statement a migration issues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lockwise.testing.runner import Direction, MigrationFailure


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
