"""Checksums of the tables' data, computed on the server and compared per column.

A table's digest is its row count and the sum of a hash of each row's text: one
query covers every table. Only a table whose digest is new is read in detail: per
column, the hashes of its non-NULL values, as a multiset (order and row identity do
not matter, so a rewrite or a new primary key type changes nothing). Details are
cached by digest, so a table the revisions leave alone is read in detail once.

Hashes are PostgreSQL's `hashtextextended(value::text, seed)`: values compare as
their text, which survives a type change that keeps them (integer to bigint).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from lockwise.database.tracking import TrackedCatalog

TableName = tuple[str, str]  # (schema, name)


@dataclass(frozen=True)
class TableSum:
    """One table's data: its row count, and per column the hashes of its non-NULL values."""

    rows: int
    digest: int
    values: Mapping[str, Counter[int]] = field(default_factory=dict)


DataState = Mapping[TableName, TableSum]


def label(table: TableName) -> str:
    """How messages name a table: without schema when it is in `public`."""
    return table[1] if table[0] == "public" else f"{table[0]}.{table[1]}"


def table_name(text: str) -> TableName:
    """`users` or `billing.invoices` as (schema, name)."""
    schema, _, name = text.rpartition(".")
    return (schema or "public", name)


def tables_of(schema: TrackedCatalog) -> dict[TableName, tuple[str, ...]]:
    """The tables that hold data in `schema` (not partitions, nor foreign tables), with columns.

    In the catalog's order. Worked out per owner, once per owner's snapshot, so a step
    that changed one table costs one table's work, not the whole schema's.
    """
    found = {
        table: columns
        for part in schema.parts.values()
        for table, (item, columns) in part.tables.items()
        if _holds_data(dict(item.attrs))
    }
    return dict(sorted(found.items()))


def _holds_data(attrs: Mapping[str, object]) -> bool:
    return attrs.get("kind") != "foreign table" and not attrs.get("partition_of")


class Checksums:
    """Takes checksums of every table, reading a table in detail only when its digest is new."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._details: dict[tuple[TableName, tuple[str, ...], int, int], TableSum] = {}
        # Composing SQL costs more than running these queries: each piece is made once.
        self._digest_sql: dict[TableName, bytes] = {}
        self._detail_sql: dict[tuple[TableName, tuple[str, ...]], bytes] = {}

    def take(
        self,
        conn: psycopg.Connection[Any],
        catalog: TrackedCatalog,
        only: Collection[TableName] | None = None,
    ) -> dict[TableName, TableSum]:
        """The data of every table in `catalog` (or `only` those), as it is now in the database."""
        tables = tables_of(catalog)
        if only is not None:
            tables = {table: columns for table, columns in tables.items() if table in only}
        digests = self._digests(conn, list(tables))
        keys = {table: (table, tables[table], *digests[table]) for table in tables}
        new = [table for table in tables if keys[table] not in self._details]
        for table in new:
            if digests[table][0] == 0:
                self._details[keys[table]] = TableSum(0, 0)
        full = [table for table in new if digests[table][0]]
        for table, values in zip(full, self._values(conn, full, tables), strict=True):
            self._details[keys[table]] = TableSum(*digests[table], values)
        return {table: self._details[keys[table]] for table in tables}

    def _digests(
        self, conn: psycopg.Connection[Any], tables: list[TableName]
    ) -> dict[TableName, tuple[int, int]]:
        # One statement per table, all sent at once: five times faster than one UNION ALL
        # of them all, which opens every table in one plan (and may start parallel workers).
        with conn.pipeline():
            cursors = [conn.execute(self._digest_of(conn, table)) for table in tables]
        found = zip(tables, cursors, strict=True)
        return {table: _counted(cursor.fetchone()) for table, cursor in found}

    def _digest_of(self, conn: psycopg.Connection[Any], table: TableName) -> bytes:
        if table not in self._digest_sql:
            one = sql.SQL(
                "SELECT count(*), COALESCE(sum(hashtextextended(ROW(r.*)::text, {seed})), 0)"
                " FROM {table} AS r"
            ).format(seed=self.seed, table=sql.Identifier(*table))
            self._digest_sql[table] = one.as_bytes(conn)
        return self._digest_sql[table]

    def _values(
        self,
        conn: psycopg.Connection[Any],
        tables: list[TableName],
        columns: Mapping[TableName, tuple[str, ...]],
    ) -> Iterable[dict[str, Counter[int]]]:
        """Per table, per column, the multiset of its non-NULL values' hashes (one pipeline)."""
        with conn.pipeline():
            cursors = [conn.execute(self._detail(conn, table, columns[table])) for table in tables]
        for cursor, table in zip(cursors, tables, strict=True):
            row = cursor.fetchone() or ()
            # A table without columns still gets one (NULL) value: zip stops at the columns.
            yield {name: Counter(h or ()) for name, h in zip(columns[table], row, strict=False)}

    def _detail(
        self, conn: psycopg.Connection[Any], table: TableName, columns: tuple[str, ...]
    ) -> bytes:
        if (table, columns) not in self._detail_sql:
            query = self._detail_query(table, columns)
            self._detail_sql[(table, columns)] = query.as_bytes(conn)
        return self._detail_sql[(table, columns)]

    def _detail_query(self, table: TableName, columns: tuple[str, ...]) -> sql.Composed:
        aggregates: list[sql.Composable] = [
            sql.SQL(
                "array_agg(hashtextextended(r.{c}::text, {seed})) FILTER (WHERE r.{c} IS NOT NULL)"
            ).format(c=sql.Identifier(name), seed=self.seed)
            for name in columns
        ]
        return sql.SQL("SELECT {} FROM {} AS r").format(
            sql.SQL(", ").join(aggregates or [sql.SQL("NULL")]), sql.Identifier(*table)
        )


def _counted(row: tuple[Any, ...] | None) -> tuple[int, int]:
    rows, total = row or (0, 0)
    return int(rows), int(total)


def empty_state(state: DataState) -> dict[TableName, TableSum]:
    """`state` with every table emptied (TRUNCATE)."""
    return {table: TableSum(0, 0) for table in state}
