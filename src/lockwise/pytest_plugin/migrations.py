"""`migrator`: moves a test's scratch database through the history with the project's env.py.

Targets are spelled as for `alembic upgrade` and `alembic downgrade` (a revision,
`head`, `heads`, `base`, `+1`, `-1`, `branch@head`), and Alembic's own revision map
picks the steps. They run in one env.py run, as `alembic upgrade` runs them, on a
connection handed to env.py when it takes one (Alembic's "Sharing a Connection"
recipe), just as `lockwise test` runs them.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, Table, text
from sqlalchemy.engine import Connection

from lockwise.commands import in_project_folder
from lockwise.errors import LockwiseError
from lockwise.migrate.steps import (
    Direction,
    MigrationFailure,
    Target,
    explain,
    run_steps,
    shared_connection,
)
from lockwise.project import Project, Revision
from lockwise.pytest_plugin.database import LockwiseDatabase
from lockwise.pytest_plugin.texts import step_text
from lockwise.testing.cycle import StepResult


class MigrationFailed(Exception):
    """A migration raised while `migrator` ran it: the message says where and why.

    Attributes:
        failure: The revision, direction, file and line, SQL and PostgreSQL's message.
    """

    def __init__(self, message: str, failure: MigrationFailure) -> None:
        super().__init__(message)
        self.failure = failure


class Migrator:
    """A scratch database and the project whose history it moves through."""

    def __init__(self, project: Project, database: LockwiseDatabase, target: Target) -> None:
        self.project = project
        self.database = database
        self.target = target

    @property
    def current(self) -> tuple[str, ...]:
        """The revisions the database is at (several on unmerged branches; none at base)."""
        heads: set[str] = set()
        with self.database.sync_engine.connect() as connection:
            for table in self.target.version_tables:
                schema, _, name = table.rpartition(".")
                options = {"version_table": name, "version_table_schema": schema or None}
                context = MigrationContext.configure(connection, opts=options)
                heads.update(context.get_current_heads())
        return tuple(r.id for r in self.project.revisions if r.id in heads)

    def up(self, to: str = "heads") -> None:
        """Upgrade to `to`, as `alembic upgrade <to>` would.

        Raises:
            MigrationFailed: a migration raised.
        """
        __tracebackhide__ = True  # pytest shows the test's line, then the failure
        scripts = self.project.script.iterate_revisions(to, self.current, implicit_base=True)
        self._run([s.revision for s in reversed(list(scripts))], "upgrade")

    def down(self, to: str) -> None:
        """Downgrade to `to`, as `alembic downgrade <to>` would.

        Raises:
            MigrationFailed: a migration raised.
        """
        __tracebackhide__ = True
        scripts = self.project.script.iterate_revisions(self.current, to, select_for_downgrade=True)
        self._run([s.revision for s in scripts], "downgrade")

    def insert(self, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Insert `rows` (column name -> value) into `table` (`name` or `schema.name`)."""
        schema, _, name = table.rpartition(".")
        with self.database.sync_engine.begin() as connection:
            reflected = Table(name, MetaData(), schema=schema or None, autoload_with=connection)
            connection.execute(reflected.insert(), [dict(row) for row in rows])

    def execute(
        self, sql: str, parameters: Mapping[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """Run `sql` (`:name` parameters) and commit; return the rows it returns."""
        with self.database.sync_engine.begin() as connection:
            result = connection.execute(text(sql), dict(parameters or {}))
            return [tuple(row) for row in result] if result.returns_rows else []

    def _run(self, revisions: list[str], direction: Direction) -> None:
        __tracebackhide__ = True
        if not revisions:
            return
        project, url = self.project, self.database.url
        steps = [
            project.upgrade_step(r) if direction == "upgrade" else project.downgrade_step(r)
            for r in revisions
        ]
        with in_project_folder(project.root), self._handed() as connection:
            try:
                run_steps(project, url, steps, connection)
            except LockwiseError:
                raise
            except Exception as error:
                revision = self._failed(revisions, error)
                failure = explain(project, revision, direction, error, url)
                raise MigrationFailed(self._failure_text(revision, failure), failure) from None

    @contextmanager
    def _handed(self) -> Iterator[Connection | None]:
        if not self.target.takes_connection:
            yield None
            return
        with shared_connection(self.project, self.database.url) as connection:
            yield connection

    def _failure_text(self, revision: Revision, failure: MigrationFailure) -> str:
        """What `lockwise test` prints for a revision that fails this way."""
        file = self.project.relative(revision.path)
        step = StepResult(revision.id, revision.message, file, "failed", failure=failure)
        if failure.direction == "downgrade":
            step = StepResult(revision.id, revision.message, file, "ok", "failed", failure=failure)
        return step_text(step)

    def _failed(self, revisions: list[str], error: BaseException) -> Revision:
        """The revision whose file raised (the innermost one in the traceback)."""
        by_path = {self.project.revision(r).path.resolve(): r for r in revisions}
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            found = by_path.get(Path(frame.filename).resolve())
            if found:
                return self.project.revision(found)
        return self.project.revision(revisions[0])
