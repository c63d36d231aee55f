"""Data survives: rows in every table before a revision, their checksums after each step.

Before a revision is upgraded, every empty table gets synthetic rows (`data_rows`) and
the project's own rows for that revision (`data_fixtures`); tables filled earlier keep
theirs. Checksums (`data_sums`) taken before the upgrade, after it, after the downgrade
and after upgrading again are compared per column:

- changed: the upgrade (or upgrading again) overwrote values of a column it does not
  alter. Filling NULLs is no change: that is a backfill.
- lost: values held before the upgrade are gone after the downgrade (a column dropped
  and re-created empty, rows deleted).
- fails on data: the upgrade fails with rows in the tables and passes on empty ones.
- a column or table the upgrade drops while it holds values, and rows it deletes, are
  reported as data loss too, without failing: dropping is often the point.

The project's checks for the revision run after the upgrade and after upgrading
again; one that does not hold counts as changed data.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import psycopg
from psycopg import sql

from lockwise.database.tracking import TrackedCatalog, narrowed
from lockwise.migrate.steps import MigrationFailure
from lockwise.testing.data_compare import (
    TouchedColumns,
    again_changes,
    downgrade_losses,
    upgrade_changes,
)
from lockwise.testing.data_fixtures import (
    RevisionData,
    insert_rows,
    load_revision_data,
    run_checks,
)
from lockwise.testing.data_rows import fill_tables
from lockwise.testing.data_sums import (
    Checksums,
    DataState,
    TableName,
    empty_state,
    label,
    table_name,
    tables_of,
)

if TYPE_CHECKING:
    from lockwise.config import Settings
    from lockwise.project import Project

Stage = Literal["up", "down", "up again"]
DATA_ROWS = 50

# Outcomes that fail the revision, worst first.
FAILING = ("fails on data", "lost", "changed")


@dataclass(frozen=True)
class DataOptions:
    """How to fill the tables: rows per table, the seed, and the project's revision data."""

    rows: int = DATA_ROWS
    seed: int = 0
    revision_data: Mapping[str, RevisionData] = field(default_factory=dict)


class DataChecks:
    """The data checks of one run: fills tables and takes checksums on the working database."""

    def __init__(self, options: DataOptions) -> None:
        self.options = options
        self.sums = Checksums(options.seed)
        self._refused: dict[TableName, tuple[str, ...]] = {}  # tables left empty, by columns
        self._last: tuple[psycopg.Connection[Any], DataState] | None = None

    def before(
        self, conn: psycopg.Connection[Any], revision: str, schema: TrackedCatalog
    ) -> RevisionWatch:
        """Fill the empty tables, load the project's rows, and take the checksums."""
        state = self._current(conn, schema)
        project = self.options.revision_data.get(revision)
        empty = self._to_fill(schema, state, project)
        notes = self._fill(conn, schema, empty) if empty else []
        if project:
            insert_rows(conn, project, revision, column_types(schema))
        if project:  # its rows may fire triggers that write elsewhere: all tables again
            state = self.take(conn, schema)
        elif empty:
            state = self.take(conn, schema, state, empty)
        return RevisionWatch(self, schema, state, notes, project)

    def take(
        self,
        conn: psycopg.Connection[Any],
        schema: TrackedCatalog,
        state: DataState | None = None,
        tables: list[TableName] | None = None,
    ) -> DataState:
        """The checksums of the database behind `conn` now (of `tables` only, over `state`)."""
        state = {**(state or {}), **self.sums.take(conn, schema, tables)}
        self._last = (conn, state)
        return state

    def after_step(
        self,
        conn: psycopg.Connection[Any],
        schema: TrackedCatalog,
        written: Collection[TableName] | None,
    ) -> DataState:
        """The checksums after a step that may have written `written` (None: any table).

        Only those tables, and tables new since the last checksums on `conn`, are read
        again; the others keep their last checksums.
        """
        if written is None or self._last is None or self._last[0] is not conn:
            return self.take(conn, schema)
        last = self._last[1]
        tables = tables_of(schema)
        stale = [table for table in tables if table in written or table not in last]
        kept = {table: last[table] for table in tables if table in last and table not in stale}
        return self.take(conn, schema, kept, stale)

    def _current(self, conn: psycopg.Connection[Any], schema: TrackedCatalog) -> DataState:
        """The checksums last taken on `conn`, else now.

        The cycle closes its connection whenever it rebuilds or clones the database, so
        on the same connection only the steps the checksums were taken after changed it.
        """
        if self._last is not None and self._last[0] is conn:
            return self._last[1]
        return self.take(conn, schema)

    def _to_fill(
        self, schema: TrackedCatalog, state: DataState, project: RevisionData | None
    ) -> list[TableName]:
        """The empty tables, but those the project gives rows for and those refused before."""
        if not self.options.rows:
            return []
        tables = tables_of(schema)
        named = {table_name(text) for text in project.rows} if project else set()
        return [
            table
            for table, data in state.items()
            if data.rows == 0 and table not in named and self._refused.get(table) != tables[table]
        ]

    def _fill(
        self, conn: psycopg.Connection[Any], schema: TrackedCatalog, tables: list[TableName]
    ) -> list[str]:
        """Fill `tables`; one note per table left empty (not tried again while it stays as is)."""
        refused = fill_tables(conn, tables, self.options.rows, self.options.seed)
        columns = tables_of(schema)
        self._refused.update({table: columns[table] for table in refused})
        return [
            f"table {label(table)}: left empty, synthetic rows refused: {error}"
            for table, error in refused.items()
        ]

    def empty(self, conn: psycopg.Connection[Any], schema: TrackedCatalog) -> None:
        """Empty every table of `schema` (Alembic's version table is not in it)."""
        tables = [sql.Identifier(*table) for table in tables_of(schema)]
        if tables:
            conn.execute(
                sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(sql.SQL(", ").join(tables))
            )


@dataclass
class RevisionWatch:
    """The data of one revision's cycle: before it, and after each step that ran."""

    run: DataChecks
    schema: TrackedCatalog
    before: DataState
    notes: list[str]
    project: RevisionData | None = None
    seen: dict[Stage, tuple[TrackedCatalog, DataState]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (outcome, line)

    def see(
        self,
        stage: Stage,
        conn: psycopg.Connection[Any],
        catalog: TrackedCatalog,
        written: Collection[TableName] | None = None,
    ) -> None:
        """Take the checksums after `stage`; run the project's checks after an upgrade.

        `written`: the tables the step may have written (None: any).
        """
        self.seen[stage] = (catalog, self.run.after_step(conn, catalog, written))
        if self.project and stage != "down":
            when = "after the upgrade" if stage == "up" else "after upgrading again"
            for line in run_checks(conn, self.project.checks):
                self.problems.append(("changed", f"{when}: {line}"))

    def holds_rows(self) -> bool:
        """True when some table held rows before the upgrade."""
        return any(table.rows for table in self.before.values())

    def fails_on_data(self, failure: MigrationFailure) -> None:
        """The upgrade failed on the filled tables and passed once they were emptied.

        Its problem reads as three lines: where, the SQL, and PostgreSQL's error. A
        failure with no SQL (the migration's Python code raised) is a note instead.
        """
        where = f"{failure.file}:{failure.line}" if failure.line else failure.file
        self.before = empty_state(self.before)
        if not failure.sql:
            # The migration's own Python code, not PostgreSQL, refused lockwise's made-up
            # values (optuna's v3.0.0.a parses a text column as JSON): production rows
            # may well suit it, so this is a note, and the project's own rows can test it.
            self.problems.append(
                (
                    "ok",
                    f"note: the upgrade's own code failed on lockwise's synthetic rows at {where}"
                    f" ({failure.error}) and passes on empty tables; give this revision"
                    " realistic rows in the revision_data folder to test it",
                )
            )
            return
        lines = [f"upgrade failed at {where}; it passes on empty tables"]
        lines.append(f"SQL: {failure.sql}")
        lines.append(f"PostgreSQL: {failure.error}")
        self.problems.append(("fails on data", "\n".join(lines)))

    def verdict(self) -> tuple[str, tuple[str, ...]]:
        """The data outcome (`ok`, `skipped`, or one of `FAILING`) and one line per finding."""
        if "up" not in self.seen:
            return "skipped", tuple(self.notes)
        up_schema, up = self.seen["up"]
        touched = TouchedColumns(*narrowed(self.schema, up_schema))
        found = [*self.problems, *upgrade_changes(self.before, up, touched)]
        if "down" in self.seen:
            found += downgrade_losses(self.before, up, self.seen["down"][1])
        if "up again" in self.seen:
            found += again_changes(up, self.seen["up again"][1], touched)
        outcomes = {outcome for outcome, _ in found}
        worst = next((outcome for outcome in FAILING if outcome in outcomes), "ok")
        return worst, (*self.notes, *(line for _, line in found))


def column_types(schema: TrackedCatalog) -> dict[TableName, dict[str, str]]:
    """Per table of `schema` that holds data, each column's type."""
    types: dict[TableName, dict[str, str]] = {table: {} for table in tables_of(schema)}
    for item in schema.catalog.items:
        if item.kind == "column" and (item.schema, item.table) in types:
            types[(item.schema, item.table)][item.name] = str(dict(item.attrs).get("type"))
    return types


def data_options(settings: Settings, path: Path, project: Project) -> DataOptions:
    """The data checks as the project's settings ask (`path`: where its pyproject.toml is).

    Raises:
        BadInput: the revision_data folder or one of its files is unusable.
    """
    folder = path if path.is_dir() else path.parent
    revision_data = {}
    if settings.revision_data:
        revisions = [revision.id for revision in project.revisions]
        revision_data = load_revision_data(folder / settings.revision_data, revisions)
    return DataOptions(rows=settings.data_rows, revision_data=revision_data)
