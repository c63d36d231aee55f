"""`lockwise verify`: a database against the models and the migration head.

The database is a scratch one upgraded to the head(s) in one run, or the one `--url`
names, read in one read-only transaction. The models are created with `create_all` in
a second scratch database, on lockwise's own server, and both are read with
`catalog.snapshot`: the comparison is catalog against catalog, so it sees what
autogenerate does not (see `catalog_drift`). The version table says where the
database stands in the history (see `version_status`).
"""

from __future__ import annotations

import glob
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData

from lockwise.database.catalog import Catalog, snapshot
from lockwise.database.read_only import read_only
from lockwise.database.scratch import ScratchSession
from lockwise.errors import BadInput, LockwiseError
from lockwise.migrate.baseline import fresh_database
from lockwise.migrate.steps import (
    Target,
    check_database,
    database_name,
    driver_url,
    probe,
    run_steps,
    shared_connection,
)
from lockwise.migrate.versions import VersionStatus, read_versions, version_status
from lockwise.project import Project
from lockwise.testing.catalog_drift import Comparison, compare
from lockwise.testing.describe import IndexEntry, TableDescription, describe
from lockwise.testing.models_catalog import create_extensions, models_catalog, models_ddl
from lockwise.urls import redact, redact_text

SCRATCH = "a scratch database upgraded to head"


@dataclass(frozen=True)
class VerifyReport:
    """What `lockwise verify` found.

    Attributes:
        database: What was checked: `SCRATCH`, or the `--url` with its password hidden.
        postgres: That database's server version.
        version: Where it stands in the history.
        comparison: Its drift from the models, and what was left out.
        excluded: The names and patterns left out (settings, env.py, version tables).
        tables: The `--describe` descriptions; `indexes`: their index list.
    """

    project: str
    database: str
    postgres: str
    version: VersionStatus
    comparison: Comparison
    excluded: tuple[str, ...] = ()
    tables: tuple[TableDescription, ...] = ()
    indexes: tuple[IndexEntry, ...] = ()
    notes: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the database matches the models and is at the head(s)."""
        return self.version.ok and not self.comparison.differences


@dataclass(frozen=True)
class _Database:
    """A database as read once: its catalog, version table rows and server version."""

    catalog: Catalog
    versions: tuple[str, ...] | None
    postgres: str


@dataclass(frozen=True)
class _Models:
    """What env.py hands `context.configure` that the comparison needs."""

    metadata: tuple[MetaData, ...]
    include_object: Callable[..., bool] | None
    include_name: Callable[..., bool] | None


def verify(
    project: Project,
    session: ScratchSession,
    url: str | None = None,
    exclude: tuple[str, ...] = (),
    wanted: str | None = None,
) -> VerifyReport:
    """Compare the database (`url`, else a scratch one at head) with the models and the head.

    Args:
        project: The loaded project.
        session: Where scratch databases are made (and dropped at its end).
        url: The database to check, read in a read-only transaction; None for a scratch
            database upgraded to head.
        exclude: `verify_exclude` patterns.
        wanted: A table to describe, or `all`; None for no description.

    Raises:
        BadInput: env.py has no models, the history or create_all fails, no read-only
            transaction on `url`, an unknown `wanted` table (exit 2).
        DatabaseUnavailable: `url` cannot be reached (exit 3).
    """
    started = time.perf_counter()
    models_database = session.create()
    target = probe(project, models_database.url)
    checked_url = url or _upgraded(project, session, target)
    # The checked database is read (mostly the server's work) while Python compiles the
    # models' DDL; only env.py runs touch process-wide state, and they run here alone.
    with ThreadPoolExecutor(max_workers=1) as reader:
        reading = reader.submit(read_database, checked_url, target.version_tables)
        models = _read_env(project, models_database.url, target.takes_connection)
        ddl = models_ddl(models.metadata)
        checked = reading.result()
    notes = create_extensions(session.server, models_database, checked.catalog)
    created = models_catalog(session.server, models_database, ddl)
    version_tables = tuple(glob.escape(table) for table in sorted(target.version_tables))
    patterns = (*exclude, *version_tables, *_left_out_by_env(models, checked.catalog))
    tables, indexes = (
        describe(checked.catalog, wanted, target.version_tables) if wanted else ((), ())
    )
    return VerifyReport(
        project=str(project.root),
        database=redact(url) if url else SCRATCH,
        postgres=checked.postgres,
        version=version_status(project, target.version_tables, checked.versions),
        comparison=compare(created, checked.catalog, patterns),
        excluded=patterns,
        tables=tables,
        indexes=indexes,
        notes=tuple(notes),
        seconds=time.perf_counter() - started,
    )


def read_database(url: str, version_tables: Iterable[str]) -> _Database:
    """Read a database's catalog and version table in one read-only transaction.

    Raises:
        BadInput: the server would not make the transaction read-only.
        DatabaseUnavailable: the database cannot be reached.
    """
    with read_only(url, "verify") as conn:
        catalog = snapshot(conn)
        versions = read_versions(conn, version_tables)
        row = conn.execute("SHOW server_version").fetchone()
    return _Database(catalog, versions, str(row[0]).split()[0] if row else "")


def _upgraded(project: Project, session: ScratchSession, target: Target) -> str:
    """A scratch database upgraded to the head(s) in one env.py run; its URL."""
    database = fresh_database(project, session)
    steps = [project.upgrade_step(revision.id) for revision in project.revisions]
    connection = shared_connection(project, database.url) if target.takes_connection else None
    try:
        run_steps(project, database.url, steps, connection)
    except LockwiseError:
        raise
    except Exception as error:
        reason = redact_text(_first_line(error), database.url)
        raise BadInput(
            f"upgrading a scratch database to head failed: {reason}"
            " (lockwise test shows which revision fails)"
        ) from None
    finally:
        if connection is not None:
            connection.close()
    return database.url


def _read_env(project: Project, url: str, takes_connection: bool) -> _Models:
    """Run env.py without migrating, to read its `target_metadata` and include hooks."""
    found: list[_Models] = []
    expected = database_name(url)

    def read(_rev: Any, context: MigrationContext) -> list[Any]:
        check_database(context, expected, url)
        found.append(_models_of(context.opts))
        return []

    connection = shared_connection(project, url) if takes_connection else None
    try:
        project.run_env(driver_url(project, url), read, connection, dont_mutate=True)
    except LockwiseError:
        raise
    except Exception as error:
        raise BadInput(f"env.py failed: {redact_text(_first_line(error), url)}") from None
    finally:
        if connection is not None:
            connection.close()
    if not found or not found[0].metadata:
        raise BadInput(
            "env.py passes no target_metadata to context.configure:"
            " there are no models to verify the database against"
        )
    return found[0]


def _models_of(opts: dict[str, Any]) -> _Models:
    metadata = opts.get("target_metadata")
    listed = () if metadata is None else (metadata,) if isinstance(metadata, MetaData) else metadata
    return _Models(tuple(listed), opts.get("include_object"), opts.get("include_name"))


def _left_out_by_env(models: _Models, checked: Catalog) -> list[str]:
    """Tables env.py's hooks leave out of autogenerate: `include_object` for the models'
    tables, `include_name` for the database's (as Alembic asks them)."""
    names: list[str] = []
    if models.include_object is not None:
        tables = [t for each in models.metadata for t in each.tables.values()]
        names += [
            _qualified(t.schema, t.name)
            for t in tables
            if not _asked(models.include_object, t, t.name, "table", False, None)
        ]
    if models.include_name is not None:
        names += [
            _qualified(i.schema, i.name)
            for i in checked.items
            if i.kind == "table"
            and not _asked(models.include_name, i.name, "table", _parents(i.schema))
        ]
    return [glob.escape(name) for name in names]


def _asked(hook: Callable[..., bool], *args: Any) -> bool:
    try:
        return bool(hook(*args))
    except Exception as error:
        name = getattr(hook, "__name__", "include hook")
        raise BadInput(f"env.py's {name} failed: {_first_line(error)}") from None


def _parents(schema: str) -> dict[str, str | None]:
    return {"schema_name": None if schema == "public" else schema}


def _qualified(schema: str | None, name: str) -> str:
    return f"{schema or 'public'}.{name}"


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
