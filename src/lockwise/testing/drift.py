"""Models vs schema: Alembic's own autogenerate comparison, run through the project's env.py.

The comparison uses the `target_metadata` and the comparison options (compare_type,
include_object, ...) that env.py hands to `context.configure`, so lockwise sees the
drift `alembic revision --autogenerate` would turn into a migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.runtime.migration import MigrationContext

from lockwise.errors import LockwiseError
from lockwise.migrate.steps import check_database, database_name, driver_url, shared_connection
from lockwise.project import Project
from lockwise.urls import redact_text


@dataclass(frozen=True)
class Drift:
    """The differences between the models and the migrated schema, as Alembic ops."""

    checked: bool
    ops: tuple[str, ...] = ()
    reason: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        """True when the models match the schema (or env.py declares no models)."""
        return not self.ops and not self.error


def compare_models(project: Project, url: str, share_connection: bool = False) -> Drift:
    """Compare env.py's `target_metadata` with the schema of the database at `url`.

    With `share_connection` (env.py takes a handed connection, see `runner.probe`),
    env.py gets one, as the migrations did: some env.py files connect to a database of
    their own settings without it.
    """
    found: list[Drift] = []
    expected = database_name(url)

    def compare(_rev: Any, context: MigrationContext) -> list[Any]:
        check_database(context, expected, url)
        found.append(_drift(context))
        return []

    try:
        if share_connection:
            with shared_connection(project, url) as connection:
                project.run_env(driver_url(project, url), compare, connection)
        else:
            project.run_env(driver_url(project, url), compare)
    except LockwiseError:
        raise
    except Exception as error:
        text = redact_text(f"{type(error).__name__}: {error}".splitlines()[0], url)
        return Drift(checked=False, reason="the comparison failed", error=text)
    return found[0] if found else Drift(checked=False, reason="env.py did not run migrations")


def _drift(context: MigrationContext) -> Drift:
    metadata = context.opts.get("target_metadata")
    if metadata is None:
        return Drift(checked=False, reason="env.py passes no target_metadata to context.configure")
    script = produce_migrations(context, metadata)
    if script.upgrade_ops is None or script.upgrade_ops.is_empty():
        return Drift(checked=True)
    # A context of its own: rendering with env.py's makes Alembic look for
    # target_metadata where only the autogenerate command puts it.
    renderer = MigrationContext.configure(dialect=context.dialect)
    code = render_python_code(script.upgrade_ops, migration_context=renderer)
    return Drift(checked=True, ops=tuple(_op_lines(code)))


def _op_lines(code: str) -> list[str]:
    lines = [line for line in code.splitlines() if not line.strip().startswith("#")]
    return [line[4:] if line.startswith("    ") else line for line in lines if line.strip()]
