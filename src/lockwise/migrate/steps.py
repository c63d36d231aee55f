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
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from lockwise.database.scratch import is_run_role
from lockwise.drivers import SYNC_FALLBACK
from lockwise.errors import BadInput, LockwiseError
from lockwise.project import EnvExit, Project, Revision
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
    `config.attributes["connection"]`; use it only when `probe` said env.py takes it.

    Raises:
        StepFailed: the migration raised, or called `sys.exit()`.
        BadInput: env.py connected somewhere else than the scratch database.
    """
    step = (
        project.upgrade_step(revision.id)
        if direction == "upgrade"
        else project.downgrade_step(revision.id)
    )
    try:
        run_steps(project, url, [step], connection)
    except LockwiseError:
        raise
    except Exception as error:
        raise StepFailed(explain(project, revision, direction, error, url)) from error


def run_steps(
    project: Project, url: str, steps: list[MigrationStep], connection: Connection | None = None
) -> None:
    """Run several Alembic steps in one env.py run, as `alembic upgrade head` would.

    Raises whatever the migrations raise (`EnvExit` for a `sys.exit()`); callers that
    need `MigrationFailure` details run revisions one by one with `run_step`.
    """
    expected = database_name(url)

    def all_steps(_rev: Any, context: MigrationContext) -> list[Any]:
        check_database(context, expected, url, handed=connection)
        return list(steps)

    try:
        project.run_env(driver_url(project, url), all_steps, connection)
    finally:
        if connection is not None and connection.in_transaction():
            # What leaving env.py's own `with engine.connect()` block would do.
            connection.rollback()


def upgrade_in_one_run(
    project: Project, url: str, revisions: list[Revision], connection: Connection | None = None
) -> bool:
    """Upgrade through `revisions` in one env.py run, as a fresh install's `alembic upgrade`.

    Returns False when a migration raised: the database is then as it left it.
    """
    steps = [project.upgrade_step(r.id) for r in revisions]
    try:
        run_steps(project, url, steps, connection)
    except LockwiseError:
        raise
    except Exception:
        return False
    return True


def shared_connection(project: Project, url: str) -> Connection:
    """Open a connection to hand to env.py: the project's own driver, no pool.

    An async driver's connection cannot be used outside an event loop, and env.py's
    connection recipe runs a handed connection synchronously: those projects get psycopg.
    """
    driver = SYNC_FALLBACK if project.driver.asynchronous else project.driver.name
    engine = create_engine(sqlalchemy_url(url, driver), poolclass=NullPool)
    return engine.connect()


@dataclass(frozen=True)
class Target:
    """What the first env.py run taught lockwise about the project's environment.

    Attributes:
        version_tables: The version tables env.py configures (`alembic_version` unless
            it says otherwise), as `name` or `schema.name`: bookkeeping, not schema.
        async_env: env.py migrates through an asyncio driver.
        takes_connection: env.py migrates on a connection handed to it in
            `config.attributes["connection"]` (Alembic's connection-sharing recipe).
    """

    version_tables: frozenset[str]
    async_env: bool
    takes_connection: bool


def probe(project: Project, url: str) -> Target:
    """Run env.py once without migrating: where does it connect, and does it take a connection?

    The run hands env.py an open connection, as every later step may: env.py files
    that require one (and those that fall back to a settings URL without it) run as
    they will run. `dont_mutate` keeps Alembic from creating its version table before
    lockwise can look at where env.py connected. Only when that run fails is env.py
    run once more with the URL alone.

    Raises:
        BadInput: env.py connected somewhere else, or fails either way.
    """
    with shared_connection(project, url) as connection:
        try:
            return _look(project, url, connection)
        except LockwiseError:
            raise
        except Exception:
            connection.rollback()
    try:
        return _look(project, url, None)
    except LockwiseError:
        raise
    except Exception as error:
        env_py = project.env_py.resolve()
        lines = [f.lineno for f in _frames(error) if Path(f.filename).resolve() == env_py]
        where = project.relative(project.env_py) + (f":{lines[-1]}" if lines else "")
        raise BadInput(f"{where}: env.py failed: {redact_text(_message(error), url)}") from None


def _look(project: Project, url: str, connection: Connection | None) -> Target:
    expected = database_name(url)
    tables: set[str] = set()
    seen: list[Connection] = []

    def look(_rev: Any, context: MigrationContext) -> list[Any]:
        check_database(context, expected, url)
        tables.add(_version_table(context))
        assert context.connection is not None
        seen.append(context.connection)
        return []

    project.run_env(driver_url(project, url), look, connection, dont_mutate=True)
    own = bool(seen) and all(c is connection for c in seen)
    asynchronous = project.driver.asynchronous or any(c.dialect.is_async for c in seen)
    return Target(frozenset(tables or {DEFAULT_VERSION_TABLE}), asynchronous, own)


DEFAULT_VERSION_TABLE = "alembic_version"


def _version_table(context: MigrationContext) -> str:
    name = str(context.opts.get("version_table") or DEFAULT_VERSION_TABLE)
    schema = context.opts.get("version_table_schema")
    return f"{schema}.{name}" if schema else name


def database_name(url: str) -> str:
    """The database a libpq URL names."""
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def check_database(
    context: MigrationContext, expected: str, url: str, handed: Connection | None = None
) -> None:
    """Refuse to go on when env.py opened another database than the one handed to it.

    `handed`: the connection lockwise opened on that database for env.py; when env.py
    migrates on it, the server is not asked which database it is.
    """
    if context.connection is None:
        raise BadInput("env.py configured no connection: it runs in offline (--sql) mode only")
    dialect = context.connection.dialect.name
    if dialect != "postgresql":
        raise BadInput(
            f"env.py connected to a {dialect} database, not to the PostgreSQL scratch database"
            " lockwise handed it as sqlalchemy.url: if env.py reads its URL from an"
            ' environment variable, name it in [tool.lockwise] url_env = ["..."]'
        )
    if handed is not None and context.connection is handed:
        return
    actual = context.connection.exec_driver_sql("SELECT current_database()").scalar()
    if actual != expected:
        raise BadInput(
            f"env.py connected to database {actual!r}, not to the scratch database "
            f"{redact(url)} lockwise handed it; make env.py read config's sqlalchemy.url"
            " (or name the environment variable it reads in [tool.lockwise] url_env)"
        )


def driver_url(project: Project, url: str) -> str:
    """Spell `url` with the project's driver (see `lockwise.drivers`)."""
    return sqlalchemy_url(url, project.driver.name)


def explain(
    project: Project, revision: Revision, direction: Direction, error: BaseException, url: str
) -> MigrationFailure:
    """Turn an exception raised by a migration into a `MigrationFailure`."""
    path, line = _where(project, revision, error)
    return MigrationFailure(
        revision=revision.id,
        direction=direction,
        file=project.relative(path),
        line=line,
        sql=str(error.statement).strip() if isinstance(error, DBAPIError) else None,
        error=redact_text(_message(error) + _hint(project, revision, error, url), url),
    )


def _where(project: Project, revision: Revision, error: BaseException) -> tuple[Path, int | None]:
    """The revision file's line that raised; else env.py's, when the error came from there."""
    frames = _frames(error)
    for path in (revision.path, project.env_py):
        target = path.resolve()
        lines = [f.lineno for f in frames if Path(f.filename).resolve() == target]
        if lines:
            return path, lines[-1]
    return revision.path, None


def _frames(error: BaseException) -> list[traceback.FrameSummary]:
    """The frames of `error` and of the exception it was raised from (a SystemExit)."""
    frames = list(traceback.extract_tb(error.__traceback__))
    if isinstance(error, EnvExit) and error.__cause__ is not None:
        frames += traceback.extract_tb(error.__cause__.__traceback__)
    return frames


UNDEFINED_TABLE = "42P01"
INSUFFICIENT_PRIVILEGE = "42501"


def _hint(project: Project, revision: Revision, error: BaseException, url: str) -> str:
    """What to set when the failure comes from how lockwise set the database up."""
    code = sqlstate(error)
    first = not revision.down and not revision.depends
    if first and code == UNDEFINED_TABLE and project.invocation.baseline is None:
        return (
            "; the first revision expects tables that no revision creates: name them in"
            ' [tool.lockwise] baseline = "package.module:Base.metadata" (or a .sql file)'
        )
    if code == INSUFFICIENT_PRIVILEGE and is_run_role(make_url(url).username or ""):
        return (
            "; lockwise runs migrations on its embedded server as a role without superuser"
            " rights: set [tool.lockwise] superuser = true if this history needs one"
        )
    return ""


def sqlstate(error: BaseException) -> str | None:
    """PostgreSQL's error code, whichever driver raised it."""
    original = error.orig if isinstance(error, DBAPIError) else error
    for name in ("sqlstate", "pgcode"):  # psycopg and asyncpg; psycopg2
        code = getattr(original, name, None)
        if isinstance(code, str):
            return code
    return None


_ASYNCPG_PREFIX = re.compile(r"^<class '[\w.]+'>: ")


def _message(error: BaseException) -> str:
    """The error's first line, with PostgreSQL's DETAIL (which key is duplicated, say)."""
    if isinstance(error, EnvExit):
        return str(error)
    source = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    lines = str(source).strip().splitlines()
    text = _ASYNCPG_PREFIX.sub("", lines[0]) if lines else ""
    if not isinstance(error, DBAPIError):
        return f"{type(error).__name__}: {text}" if text else type(error).__name__
    detail = _detail(source)
    return f"{text} (DETAIL: {detail})" if detail else text


def _detail(error: BaseException) -> str | None:
    """PostgreSQL's DETAIL field: psycopg and psycopg2 keep it in `diag`, asyncpg in `detail`."""
    for candidate in (error, error.__cause__):
        diag = getattr(candidate, "diag", None)
        detail = getattr(diag, "message_detail", None) or getattr(candidate, "detail", None)
        if isinstance(detail, str) and detail.strip():
            return " ".join(detail.split())
    return None
