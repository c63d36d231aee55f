"""Run one Alembic step of a project on a scratch database, and explain failures.

A failure is reported the way a reviewer needs it: the revision and its file, the line
of the `op.*` call that failed, the SQL, and PostgreSQL's own error message.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from alembic.runtime.migration import MigrationContext, MigrationStep
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from lockwise.errors import BadInput, LockwiseError
from lockwise.project import Project, Revision
from lockwise.urls import redact, redact_text, sqlalchemy_url

Direction = Literal["upgrade", "downgrade"]


@dataclass(frozen=True)
class MigrationFailure:
    """A migration that raised: where, what SQL, and what PostgreSQL said."""

    revision: str
    direction: Direction
    file: str
    line: int | None
    sql: str | None
    error: str


class StepFailed(LockwiseError):
    """Raised by `run_step` when the migration itself fails; carries the details."""

    def __init__(self, failure: MigrationFailure) -> None:
        super().__init__(failure.error)
        self.failure = failure


def run_step(
    project: Project,
    url: str,
    revision: Revision,
    direction: Direction,
    connection: Connection | None = None,
) -> None:
    """Apply (upgrade) or revert (downgrade) exactly one revision on the database at `url`.

    With `connection` (open on that database), env.py gets it as
    `config.attributes["connection"]`; use it only when `accepts_connection` said yes.

    Raises:
        StepFailed: the migration raised.
        BadInput: env.py connected somewhere else than the scratch database.
    """
    step = (
        project.upgrade_step(revision.id)
        if direction == "upgrade"
        else project.downgrade_step(revision.id)
    )
    expected = database_name(url)

    def steps(_rev: Any, context: MigrationContext) -> list[Any]:
        check_database(context, expected, url)
        return [step]

    try:
        project.run_env(driver_url(project, url), steps, connection)
    except LockwiseError:
        raise
    except Exception as error:
        raise StepFailed(explain(project, revision, direction, error, url)) from error
    finally:
        if connection is not None and connection.in_transaction():
            # What leaving env.py's own `with engine.connect()` block would do.
            connection.rollback()


def run_steps(
    project: Project, url: str, steps: list[MigrationStep], connection: Connection | None = None
) -> None:
    """Run several Alembic steps in one env.py run, as `alembic upgrade head` would.

    Raises whatever the migrations raise (callers that need `MigrationFailure` details
    run revisions one by one with `run_step`).
    """
    expected = database_name(url)

    def all_steps(_rev: Any, context: MigrationContext) -> list[Any]:
        check_database(context, expected, url)
        return list(steps)

    try:
        project.run_env(driver_url(project, url), all_steps, connection)
    finally:
        if connection is not None and connection.in_transaction():
            connection.rollback()


def shared_connection(url: str) -> Connection:
    """Open a connection to hand to env.py (psycopg, sync, no pool)."""
    engine = create_engine(sqlalchemy_url(url, "psycopg"), poolclass=NullPool)
    return engine.connect()


def accepts_connection(project: Project, url: str) -> bool:
    """True when env.py migrates on a connection handed to it in `config.attributes`.

    Many env.py files follow Alembic's cookbook and use `config.attributes["connection"]`
    when it is set; handing them one open connection saves a server backend and
    SQLAlchemy's dialect setup per step. Others ignore it, or expect an Engine: for
    them lockwise hands over the URL only.
    """
    seen: list[bool] = []
    with shared_connection(url) as connection:

        def look(_rev: Any, context: MigrationContext) -> list[Any]:
            seen.append(context.connection is connection)
            return []

        try:
            project.run_env(driver_url(project, url), look, connection, dont_mutate=True)
        except Exception:
            return False
    return seen == [True]


@dataclass(frozen=True)
class Target:
    """What the first env.py run taught lockwise about the project's environment."""

    version_tables: frozenset[str]
    async_env: bool


def check_target(project: Project, url: str) -> Target:
    """Run env.py once without migrating, to be sure it connects to the database at `url`.

    `dont_mutate` keeps Alembic from creating its version table before lockwise can
    look at where env.py connected.

    Returns:
        The version tables env.py configures (`alembic_version` unless it says
        otherwise), as `name` or `schema.name`: Alembic's bookkeeping, not schema;
        and whether env.py migrates through an async engine.

    Raises:
        BadInput: env.py connected somewhere else.
    """
    expected = database_name(url)
    tables: set[str] = set()
    asynchronous: list[bool] = []

    def look(_rev: Any, context: MigrationContext) -> list[Any]:
        check_database(context, expected, url)
        tables.add(_version_table(context))
        assert context.connection is not None
        asynchronous.append(bool(context.connection.dialect.is_async))
        return []

    try:
        project.run_env(driver_url(project, url), look, dont_mutate=True)
    except LockwiseError:
        raise
    except Exception as error:
        raise BadInput(
            f"{project.relative(project.env_py)}: env.py failed: "
            f"{redact_text(_message(error), url)}"
        ) from None
    return Target(frozenset(tables or {DEFAULT_VERSION_TABLE}), any(asynchronous))


DEFAULT_VERSION_TABLE = "alembic_version"


def _version_table(context: MigrationContext) -> str:
    name = str(context.opts.get("version_table") or DEFAULT_VERSION_TABLE)
    schema = context.opts.get("version_table_schema")
    return f"{schema}.{name}" if schema else name


def database_name(url: str) -> str:
    """The database a libpq URL names."""
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def check_database(context: MigrationContext, expected: str, url: str) -> None:
    """Refuse to go on when env.py opened another database than the one handed to it."""
    if context.connection is None:
        raise BadInput("env.py configured no connection: it runs in offline (--sql) mode only")
    actual = context.connection.exec_driver_sql("SELECT current_database()").scalar()
    if actual != expected:
        raise BadInput(
            f"env.py connected to database {actual!r}, not to the scratch database "
            f"{redact(url)} lockwise handed it; make env.py read config's sqlalchemy.url"
        )


def driver_url(project: Project, url: str) -> str:
    """Spell `url` with the driver the project's own sqlalchemy.url names (default psycopg)."""
    configured = _configured_url(project)
    driver = "psycopg"
    if "+asyncpg" in configured:
        driver = "asyncpg"
    return sqlalchemy_url(url, driver)


def _configured_url(project: Project) -> str:
    try:
        return project.config.get_main_option("sqlalchemy.url") or ""
    except Exception:  # interpolation of a missing variable, for instance
        return ""


def explain(
    project: Project, revision: Revision, direction: Direction, error: BaseException, url: str
) -> MigrationFailure:
    """Turn an exception raised by a migration into a `MigrationFailure`."""
    return MigrationFailure(
        revision=revision.id,
        direction=direction,
        file=project.relative(revision.path),
        line=_line_in(revision.path, error),
        sql=str(error.statement).strip() if isinstance(error, DBAPIError) else None,
        error=redact_text(_message(error), url),
    )


def _line_in(path: Path, error: BaseException) -> int | None:
    target = path.resolve()
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if Path(frame.filename).resolve() == target
    ]
    return frames[-1].lineno if frames else None


_ASYNCPG_PREFIX = re.compile(r"^<class '[\w.]+'>: ")


def _message(error: BaseException) -> str:
    source = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    lines = str(source).strip().splitlines()
    text = _ASYNCPG_PREFIX.sub("", lines[0]) if lines else ""
    if not isinstance(error, DBAPIError):
        text = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return text
