"""Helpers for migration authors: lock-light schema changes, called from `upgrade()`.

Each helper acts through `alembic.op` on the migration's own connection, so it works
in any Alembic migration run online on PostgreSQL, with any sync driver (psycopg,
psycopg2). The slow part of each change (building an index, scanning a table to
validate a constraint, updating rows) runs inside `op.get_context().autocommit_block()`,
outside the migration's DDL transaction, under a lock that lets reads and writes go on:

- `create_index_concurrently`: CREATE INDEX CONCURRENTLY, after dropping an INVALID
  index of the same name left by a failed build.
- `add_foreign_key`, `add_check`: add the constraint NOT VALID (a brief lock, no scan),
  then VALIDATE it under SHARE UPDATE EXCLUSIVE, or leave that to a later revision.
- `add_not_null`: a NOT NULL proven by a validated constraint, so that no statement
  scans the table under ACCESS EXCLUSIVE.
- `add_unique`: a unique index built concurrently, then attached as a constraint.
- `backfill`: UPDATE in primary-key batches, each its own short transaction.

Each helper is safe to rerun after a failure or an interruption: it looks in the
catalog for what an earlier run left (an invalid index, a NOT VALID constraint, rows
already updated) and carries on from there. Note that the autocommit block commits
the migration's transaction so far; see Alembic's `MigrationContext.autocommit_block`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from alembic import op
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import ExecutableDDLElement
from sqlalchemy.sql.compiler import DDLCompiler

__all__ = [
    "BackfillStopped",
    "add_check",
    "add_foreign_key",
    "add_not_null",
    "add_unique",
    "backfill",
    "create_index_concurrently",
]

Validate = Literal["separately", "later"]

# https://www.postgresql.org/docs/current/errcodes-appendix.html
LOCK_NOT_AVAILABLE = "55P03"
_VIOLATIONS = {"23502", "23514"}  # not_null_violation, check_violation
MAX_IDENTIFIER_BYTES = 63  # NAMEDATALEN - 1
NOT_NULL_CONSTRAINTS_SINCE = 180000  # server_version_num of PostgreSQL 18

_RELATION = """
SELECT c.oid, n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = :name AND coalesce(n.nspname = :schema, pg_table_is_visible(c.oid))
"""
_INDEX_VALID = """
SELECT i.indisvalid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
WHERE c.relname = :name
  AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = :table)
"""
_CONSTRAINT_VALID = (
    "SELECT convalidated FROM pg_constraint WHERE conrelid = :table AND conname = :name"
)
# Since PostgreSQL 18 a NOT NULL is also a row of pg_constraint (contype 'n'), which may
# be NOT VALID; attnotnull is then already true. https://www.postgresql.org/docs/18/catalog-pg-constraint.html
_NOT_NULL = """
SELECT a.attnotnull, c.conname, c.convalidated FROM pg_attribute a
LEFT JOIN pg_constraint c
  ON c.conrelid = a.attrelid AND c.contype = 'n' AND c.conkey = ARRAY[a.attnum]
WHERE a.attrelid = :table AND a.attname = :column AND a.attnum > 0 AND NOT a.attisdropped
"""
_PRIMARY_KEY = """
SELECT a.attname FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
WHERE i.indrelid = :table AND i.indisprimary
"""


class BackfillStopped(Exception):
    """A backfill batch gave up waiting for a row lock (lock_timeout); rows done stay done."""

    def __init__(self, table: str, rows_done: int) -> None:
        super().__init__(
            f"backfill of {table} stopped by lock_timeout after {rows_done} rows updated;"
            " those are committed, and rerunning the migration continues where it stopped"
        )
        self.table = table
        self.rows_done = rows_done


@dataclass(frozen=True)
class _Relation:
    """A table as the catalog knows it: its oid, name and the schema it lives in."""

    oid: int
    name: str
    schema: str


class _AlterTable(ExecutableDDLElement):
    """`ALTER TABLE <table> <action>`, with each of `names` quoted into a `{}` of `action`."""

    inherit_cache = False

    def __init__(self, table: str, schema: str | None, action: str, *names: str) -> None:
        self.table = sa.table(table, schema=schema)
        self.action = action
        self.names = names


@compiles(_AlterTable)
def _compile_alter_table(element: _AlterTable, compiler: DDLCompiler, **kw: Any) -> str:
    preparer = compiler.preparer
    action = element.action.format(*(preparer.quote(name) for name in element.names))
    return f"ALTER TABLE {preparer.format_table(element.table)} {action}"


def create_index_concurrently(
    index_name: str,
    table_name: str,
    columns: Sequence[str | sa.TextClause | sa.ColumnElement[Any]],
    *,
    schema: str | None = None,
    unique: bool = False,
    **kw: Any,
) -> None:
    """Build an index without blocking writes (CREATE INDEX CONCURRENTLY).

    A concurrent build that fails (a duplicate for a unique index, a cancel) leaves an
    INVALID index behind, which IF NOT EXISTS would then take for done: such an index
    is dropped (concurrently) first. A valid index of that name is left as it is.

    Args:
        index_name: The index to build.
        table_name: Its table.
        columns: As for `op.create_index`: names, or `sa.text` expressions.
        schema: The table's schema (default: found through the search_path).
        unique: Build a unique index.
        **kw: Passed on to `op.create_index` (`postgresql_where=`, ...).
    """
    with _outside_transaction():
        table = _relation(table_name, schema)
        if _index_valid(table, index_name) is False:
            op.drop_index(
                index_name,
                table_name,
                schema=table.schema,
                postgresql_concurrently=True,
                if_exists=True,
            )
        op.create_index(
            index_name,
            table_name,
            columns,
            schema=schema,
            unique=unique,
            postgresql_concurrently=True,
            if_not_exists=True,
            **kw,
        )


def add_foreign_key(
    constraint_name: str,
    source_table: str,
    referent_table: str,
    local_cols: list[str],
    remote_cols: list[str],
    *,
    validate: Validate = "separately",
    source_schema: str | None = None,
    referent_schema: str | None = None,
    **kw: Any,
) -> None:
    """Add a foreign key NOT VALID, then validate it in a transaction of its own.

    Adding it NOT VALID takes SHARE ROW EXCLUSIVE on both tables for a moment, without
    a scan; VALIDATE holds SHARE UPDATE EXCLUSIVE, under which reads and writes go on.
    A constraint of that name already on the table (an earlier run) is not added again.

    Args:
        constraint_name: The constraint's name.
        source_table: The referencing table.
        referent_table: The referenced table.
        local_cols: The referencing columns.
        remote_cols: The referenced columns.
        validate: "separately" validates now, in an autocommit block; "later" leaves the
            constraint NOT VALID, for a later revision to validate.
        source_schema: The referencing table's schema.
        referent_schema: The referenced table's schema.
        **kw: Passed on to `op.create_foreign_key` (`ondelete=`, ...).
    """
    _check_validate(validate)
    valid = _constraint_valid(_relation(source_table, source_schema), constraint_name)
    if valid is None:
        op.create_foreign_key(
            constraint_name,
            source_table,
            referent_table,
            local_cols,
            remote_cols,
            source_schema=source_schema,
            referent_schema=referent_schema,
            postgresql_not_valid=True,
            **kw,
        )
    if validate == "separately" and not valid:
        _validate_separately(source_table, source_schema, constraint_name)


def add_check(
    constraint_name: str,
    table_name: str,
    condition: str,
    *,
    schema: str | None = None,
    validate: Validate = "separately",
) -> None:
    """Add a CHECK constraint NOT VALID, then validate it in a transaction of its own.

    Args:
        constraint_name: The constraint's name.
        table_name: Its table.
        condition: The SQL condition, as for `op.create_check_constraint`.
        schema: The table's schema.
        validate: "separately" or "later", as for `add_foreign_key`.
    """
    _check_validate(validate)
    valid = _constraint_valid(_relation(table_name, schema), constraint_name)
    if valid is None:
        op.create_check_constraint(
            constraint_name, table_name, condition, schema=schema, postgresql_not_valid=True
        )
    if validate == "separately" and not valid:
        _validate_separately(table_name, schema, constraint_name)


def add_not_null(table_name: str, column_name: str, *, schema: str | None = None) -> None:
    """Make an existing column NOT NULL without scanning the table under ACCESS EXCLUSIVE.

    On PostgreSQL 18 and later: `ADD CONSTRAINT <table>_<column>_not_null NOT NULL
    <column> NOT VALID`, then VALIDATE in an autocommit block. Before 18: a CHECK
    (<column> IS NOT NULL) of that name added NOT VALID, validated in an autocommit
    block, after which SET NOT NULL needs no scan (PostgreSQL 12+) and the CHECK is
    dropped. A column already NOT NULL is left alone; a constraint of that name left
    by an interrupted run is reused. If a NULL is found, PostgreSQL's error is raised
    and the helper's constraint is dropped, leaving the column nullable.

    Args:
        table_name: The table.
        column_name: The column, which must exist.
        schema: The table's schema.
    """
    table = _relation(table_name, schema)
    name = _not_null_name(table_name, column_name)
    if _server_version() >= NOT_NULL_CONSTRAINTS_SINCE:
        _not_null_constraint(table, schema, column_name, name)
    else:
        _not_null_by_check(table, schema, column_name, name)


def add_unique(
    constraint_name: str, table_name: str, columns: list[str], *, schema: str | None = None
) -> None:
    """Add a UNIQUE constraint on an index built concurrently, of the same name.

    Args:
        constraint_name: The constraint's (and its index's) name.
        table_name: Its table.
        columns: The columns that must be unique together.
        schema: The table's schema.
    """
    if _constraint_valid(_relation(table_name, schema), constraint_name) is not None:
        return
    create_index_concurrently(constraint_name, table_name, columns, schema=schema, unique=True)
    op.execute(
        _AlterTable(
            table_name,
            schema,
            "ADD CONSTRAINT {} UNIQUE USING INDEX {}",
            constraint_name,
            constraint_name,
        )
    )


def backfill(
    table_name: str,
    set: Mapping[str, str],
    *,
    where: str | None = None,
    batch_size: int = 1000,
    pause: float = 0.0,
    schema: str | None = None,
    progress: bool | None = None,
) -> int:
    """Update rows in primary-key order, `batch_size` at a time, each batch committed.

    The batches run in an autocommit block, so each UPDATE is a short transaction of
    its own and rows done stay done. The table needs a single-column primary key.

    Args:
        table_name: The table.
        set: Column name -> SQL expression, e.g. `{"status": "'active'"}`.
        where: Which rows to update, as SQL; for a rerun to resume, it should leave out
            rows already done. Default: those where some column differs from its
            expression (IS DISTINCT FROM), i.e. rows not done yet.
        batch_size: Rows per batch.
        pause: Seconds to sleep between batches, to let replicas and vacuum keep up.
        schema: The table's schema.
        progress: Show a progress bar on stderr (default: when stderr is a terminal).

    Returns:
        The number of rows updated.

    Raises:
        ValueError: The table has no primary key, or a composite one.
        BackfillStopped: A batch hit lock_timeout (SQLSTATE 55P03).
    """
    if batch_size < 1 or not set:
        raise ValueError("backfill needs a batch_size of at least 1 and a column to set")
    key = _primary_key(_relation(table_name, schema))
    table = sa.table(table_name, *(sa.column(name) for name in {key, *set}), schema=schema)
    values: dict[str, sa.ColumnElement[Any]] = {
        name: sa.literal_column(f"({expression})") for name, expression in set.items()
    }
    condition = _not_done(table, values) if where is None else sa.literal_column(f"({where})")
    first = _batch(table, key, values, condition, resume=False)
    following = _batch(table, key, values, condition, resume=True)
    shown = sys.stderr.isatty() if progress is None else progress
    with _outside_transaction(), _progress(table_name, shown) as advance:
        return _run_batches(table_name, first, following, batch_size, pause, advance)


def _relation(name: str, schema: str | None) -> _Relation:
    row = op.get_bind().execute(sa.text(_RELATION), {"name": name, "schema": schema}).first()
    if row is None:
        where = f"schema {schema}" if schema else "the search_path"
        raise ValueError(f"table {name} not found in {where}")
    return _Relation(oid=int(row[0]), name=name, schema=str(row[1]))


def _index_valid(table: _Relation, name: str) -> bool | None:
    query = sa.text(_INDEX_VALID)
    valid = op.get_bind().execute(query, {"name": name, "table": table.oid}).scalar()
    return None if valid is None else bool(valid)


def _constraint_valid(table: _Relation, name: str) -> bool | None:
    query = sa.text(_CONSTRAINT_VALID)
    valid = op.get_bind().execute(query, {"name": name, "table": table.oid}).scalar()
    return None if valid is None else bool(valid)


def _check_validate(validate: str) -> None:
    if validate not in ("separately", "later"):
        raise ValueError(f'validate must be "separately" or "later", not {validate!r}')


def _validate_separately(table: str, schema: str | None, name: str) -> None:
    with _outside_transaction():
        op.execute(_AlterTable(table, schema, "VALIDATE CONSTRAINT {}", name))


def _server_version() -> int:
    query = sa.text("SELECT current_setting('server_version_num')::int")
    return int(op.get_bind().execute(query).scalar_one())


def _not_null_name(table: str, column: str) -> str:
    return f"{table}_{column}_not_null".encode()[:MAX_IDENTIFIER_BYTES].decode(errors="ignore")


def _not_null_state(table: _Relation, column: str) -> tuple[bool, str | None, bool]:
    """(attnotnull, the column's NOT NULL constraint if any, whether it is validated)."""
    row = op.get_bind().execute(sa.text(_NOT_NULL), {"table": table.oid, "column": column}).first()
    if row is None:
        raise ValueError(f"column {column} not found in table {table.schema}.{table.name}")
    return bool(row[0]), row[1], bool(row[2])


def _not_null_constraint(table: _Relation, schema: str | None, column: str, name: str) -> None:
    # Verified on PostgreSQL 18.6: once validated, attnotnull is true and both
    # information_schema and SQLAlchemy's reflection say NOT NULL, and VALIDATE holds
    # SHARE UPDATE EXCLUSIVE; no need for the CHECK path. While NOT VALID, they already
    # say NOT NULL too (NULLs or not), hence the drop when validation finds a NULL.
    notnull, existing, validated = _not_null_state(table, column)
    if notnull and validated:
        return
    if existing is None:
        action = "ADD CONSTRAINT {} NOT NULL {} NOT VALID"
        op.execute(_AlterTable(table.name, schema, action, name, column))
    constraint = existing or name  # PostgreSQL allows one NOT NULL constraint per column
    with _outside_transaction():
        _validate_or_drop(table.name, schema, constraint, drop=constraint == name)


def _not_null_by_check(table: _Relation, schema: str | None, column: str, name: str) -> None:
    if _not_null_state(table, column)[0]:
        return
    leftover = _constraint_valid(table, name)
    if leftover is None:
        condition = sa.column(column).is_not(None)
        op.create_check_constraint(
            name, table.name, condition, schema=schema, postgresql_not_valid=True
        )
    if not leftover:
        with _outside_transaction():
            _validate_or_drop(table.name, schema, name, drop=True)
    # https://www.postgresql.org/docs/current/sql-altertable.html: SET NOT NULL skips
    # the scan when a valid CHECK constraint proves the column has no NULL.
    op.alter_column(table.name, column, nullable=False, schema=schema)
    op.drop_constraint(name, table.name, type_="check", schema=schema)


def _validate_or_drop(table: str, schema: str | None, name: str, *, drop: bool) -> None:
    """VALIDATE `name`; if a row violates it and `drop`, drop it before re-raising."""
    try:
        op.execute(_AlterTable(table, schema, "VALIDATE CONSTRAINT {}", name))
    except sa.exc.DBAPIError as error:
        if drop and _sqlstate(error) in _VIOLATIONS:
            op.drop_constraint(name, table, schema=schema)
        raise


def _sqlstate(error: sa.exc.DBAPIError) -> str | None:
    # psycopg names it `sqlstate`, psycopg2 `pgcode`.
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return None if code is None else str(code)


def _primary_key(table: _Relation) -> str:
    rows = op.get_bind().execute(sa.text(_PRIMARY_KEY), {"table": table.oid}).all()
    if len(rows) != 1:
        kind = "no primary key" if not rows else "a composite primary key"
        raise ValueError(
            f"cannot backfill table {table.name}: it has {kind}, and backfill walks the table"
            " in batches by a single-column primary key"
        )
    return str(rows[0][0])


def _not_done(
    table: sa.TableClause, values: Mapping[str, sa.ColumnElement[Any]]
) -> sa.ColumnElement[Any]:
    done = (table.c[name].is_not_distinct_from(value) for name, value in values.items())
    return sa.not_(sa.and_(*done))


def _batch(
    table: sa.TableClause,
    key: str,
    values: Mapping[str, sa.ColumnElement[Any]],
    condition: sa.ColumnElement[Any],
    *,
    resume: bool,
) -> sa.Select[Any]:
    """One batch: (last key scanned, rows scanned, rows updated).

    The scan and the update are apart, so that rows the UPDATE skips (changed by
    another session meanwhile) still advance the keyset: each row is read once.
    """
    pk = table.c[key]
    scan = sa.select(pk).where(condition).order_by(pk).limit(sa.bindparam("n"))
    if resume:
        scan = scan.where(pk > sa.bindparam("last"))
    scanned = scan.cte("lockwise_batch")
    update = sa.update(table).where(pk.in_(sa.select(scanned.c[key])), condition)
    updated = update.values(dict(values)).returning(pk).cte("lockwise_updated")
    return sa.select(
        sa.select(sa.func.max(scanned.c[key])).scalar_subquery(),
        sa.select(sa.func.count()).select_from(scanned).scalar_subquery(),
        sa.select(sa.func.count()).select_from(updated).scalar_subquery(),
    )


def _run_batches(
    table: str,
    first: sa.Select[Any],
    following: sa.Select[Any],
    batch_size: int,
    pause: float,
    advance: Callable[[int], None],
) -> int:
    done, last = 0, None
    while True:
        statement = first if last is None else following
        try:
            row = op.get_bind().execute(statement, {"n": batch_size, "last": last}).one()
        except sa.exc.DBAPIError as error:
            if _sqlstate(error) == LOCK_NOT_AVAILABLE:
                raise BackfillStopped(table, done) from error
            raise
        last, scanned, updated = row
        done += int(updated)
        advance(int(updated))
        if scanned < batch_size:
            return done
        time.sleep(pause)


@contextmanager
def _outside_transaction() -> Iterator[None]:
    """Alembic's autocommit block, unless the caller already opened one (they do not nest)."""
    if op.get_bind().get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        yield
        return
    with op.get_context().autocommit_block():
        yield


@contextmanager
def _progress(table: str, shown: bool) -> Iterator[Callable[[int], None]]:
    if not shown:
        yield lambda rows: None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("backfill {task.description}: {task.completed:,.0f} rows", markup=False),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(table, total=None)
        yield lambda rows: bar.advance(task, rows)
