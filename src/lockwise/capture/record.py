"""Pass 1: run a revision through env.py and record the statements its file issued.

A SQLAlchemy `before_cursor_execute` listener keeps every statement whose call stack
passes through the revision file, so Alembic's own bookkeeping and introspection are
left out, with the line of that file it came from and whether it ran inside a
transaction or in an autocommit block.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from lockwise.capture.facts import Recorded
from lockwise.database.scratch import ScratchDatabase
from lockwise.migrate.steps import (
    Direction,
    MigrationFailure,
    StepFailed,
    run_step,
)
from lockwise.project import Project, Revision


@contextmanager
def recording(migration_file: Path) -> Iterator[list[Recorded]]:
    """Collect the statements issued from `migration_file` while the block runs."""
    statements: list[Recorded] = []
    with recording_files({migration_file: ""}) as recorded:
        try:
            yield statements
        finally:
            statements.extend(statement for _, statement in recorded)


@contextmanager
def recording_files(files: Mapping[Path, str]) -> Iterator[list[tuple[str, Recorded]]]:
    """Collect statements issued from any of `files`, each with the key of its file."""
    keys = {str(path): key for path, key in files.items()}
    keys |= {str(path.resolve()): key for path, key in files.items()}
    recorded: list[tuple[str, Recorded]] = []

    def before(
        conn: Connection, cursor: Any, sql: str, parameters: Any, _ctx: Any, many: bool
    ) -> None:
        found = _origin(keys)
        if found is not None:
            key, line = found
            recorded.append((key, _recorded(conn, cursor, sql, parameters, many, line)))

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield recorded
    finally:
        event.remove(Engine, "before_cursor_execute", before)


def _recorded(
    conn: Connection, cursor: Any, sql: str, parameters: Any, many: bool, line: int
) -> Recorded:
    # SQLAlchemy's "insertmanyvalues" batches (bulk_insert) arrive flagged executemany
    # with one parameter set for one multi-row INSERT: the driver runs a plain execute.
    many = many and isinstance(parameters, (list, tuple)) and not isinstance(parameters, str)
    many = many and all(isinstance(item, (Mapping, list, tuple)) for item in parameters)
    driver = str(conn.dialect.driver)
    rendered = _mogrified(cursor, sql, parameters, many) if driver == "psycopg2" else None
    return Recorded(sql, parameters, many, line, not in_autocommit(conn), driver, rendered)


def _mogrified(cursor: Any, sql: str, parameters: Any, many: bool) -> tuple[str, ...] | None:
    """What psycopg2 sent: it binds parameters on the client, and `mogrify` says how."""
    if parameters is None:
        return None
    try:
        sets = list(parameters) if many else [parameters]
        return tuple(bytes(cursor.mogrify(sql, one)).decode("utf-8") for one in sets)
    except Exception:  # an odd parameter type: the replay falls back to sql + parameters
        return None


def _origin(keys: Mapping[str, str]) -> tuple[str, int] | None:
    # Frames carry the path Alembic loaded the file by; no resolving per frame.
    frame = inspect.currentframe()
    while frame is not None:
        key = keys.get(frame.f_code.co_filename)
        if key is not None:
            return key, frame.f_lineno
        frame = frame.f_back
    return None


def in_autocommit(conn: Connection) -> bool:
    """True when `conn` runs statements outside a transaction (an autocommit block)."""
    dbapi = conn.connection.dbapi_connection
    return bool(getattr(dbapi, "autocommit", False))


def record(
    project: Project,
    database: ScratchDatabase,
    revision: Revision,
    direction: Direction,
    connection: Connection | None = None,
) -> tuple[list[Recorded], MigrationFailure | None]:
    """Run one step of `revision` on `database`; return its statements and any failure.

    `connection`, open on `database`, is handed to env.py when given (see
    `runner.accepts_connection`); otherwise env.py gets the URL only.
    """
    try:
        with recording(revision.path) as recorded:
            run_step(project, database.url, revision, direction, connection)
    except StepFailed as error:
        return recorded, error.failure
    return recorded, None
