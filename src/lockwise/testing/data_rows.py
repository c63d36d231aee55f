"""Synthetic rows: empty tables filled on the server, one INSERT ... SELECT per table.

Each table gets `rows` rows from `generate_series`, every value derived from the row's
index and the seed, so a run is deterministic. The rows respect types and NOT NULL;
unique columns (primary keys, unique constraints and indexes) count 1, 2, 3, ...;
other columns repeat a value now and then and hold NULL in some rows when nullable,
as real data does; strings and numbers with a declared size reach it in some rows;
enums cycle through their labels; foreign keys take the parent's existing keys
(parents are filled first). Integers, identity keys included, start at 1001 (see
`_typed`); generated columns are left to PostgreSQL.

A CHECK or something unforeseen may still reject the rows. Each table then gets
plainer attempts (defaults where there are any, NULL in nullable columns under a
CHECK, no values at the declared size, then a single row), and is left empty after
the last one. Filling never fails the run.
"""

from __future__ import annotations

import graphlib
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

TableName = tuple[str, str]  # (schema, name)

# One query for every column of the tables to fill: type (through a domain), size,
# NOT NULL, default, identity, uniqueness, CHECK, and the foreign key it is part of.
# System catalogs: https://www.postgresql.org/docs/current/catalogs.html
_COLUMNS = """
WITH c AS MATERIALIZED (
    SELECT c.oid, n.nspname, c.relname FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE (n.nspname, c.relname) IN (SELECT * FROM unnest(%s::text[], %s::text[]))
)
SELECT c.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
    a.attnotnull,
    a.attgenerated <> '', a.attidentity = 'a',
    d.adbin IS NOT NULL,
    CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,
    b.typname, format_type(b.oid, NULL), b.typtype = 'e',
    e.typname, format_type(e.oid, NULL), e.typtype = 'e',
    EXISTS (SELECT FROM pg_index x WHERE x.indrelid = c.oid AND x.indisunique
        AND (a.attnum = ANY(x.indkey::int2[]) OR EXISTS (SELECT FROM pg_depend p
            WHERE p.classid = 'pg_class'::regclass AND p.objid = x.indexrelid
            AND p.refobjid = c.oid AND p.refobjsubid = a.attnum))),
    EXISTS (SELECT FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'c'
        AND a.attnum = ANY(k.conkey)),
    f.schema, f.name, f.column, f.ordering
FROM c JOIN pg_attribute a ON a.attrelid = c.oid
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
LEFT JOIN pg_type e ON e.oid = b.typelem AND b.typcategory = 'A'
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN LATERAL (
    SELECT rn.nspname AS schema, r.relname AS name,
        (SELECT ra.attname FROM pg_attribute ra WHERE ra.attrelid = k.confrelid
            AND ra.attnum = k.confkey[array_position(k.conkey, a.attnum)]) AS column,
        ARRAY(SELECT ra.attname FROM unnest(k.confkey) WITH ORDINALITY u(num, pos)
            JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = u.num
            ORDER BY u.pos)::text[] AS ordering
    FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid
    JOIN pg_namespace rn ON rn.oid = r.relnamespace
    WHERE k.conrelid = c.oid AND k.contype = 'f' AND a.attnum = ANY(k.conkey)
    ORDER BY k.conname LIMIT 1
) f ON true
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.nspname, c.relname, a.attnum
"""


@dataclass(frozen=True)
class BaseType:
    """A column's type through any domain (or an array's element type)."""

    name: str  # pg_type.typname: int8, varchar, ...
    spelled: str  # as format_type spells it, schema-qualified when needed
    is_enum: bool


@dataclass(frozen=True)
class Column:
    """What filling needs to know of one column."""

    table: TableName
    name: str
    type: str  # as format_type spells it, ready for a cast
    not_null: bool
    generated: bool  # GENERATED ALWAYS AS (...): never written
    identity_always: bool  # GENERATED ALWAYS AS IDENTITY: written with OVERRIDING SYSTEM VALUE
    has_default: bool
    typmod: int
    base: BaseType
    element: BaseType | None
    unique: bool
    in_check: bool
    references: TableName | None = None
    referenced_column: str | None = None
    referenced_order: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fill:
    """How one attempt fills a table."""

    rows: int
    seed: int
    plain: bool  # defaults where there are any, NULL under a CHECK, nothing at full size


def fill_tables(
    conn: psycopg.Connection[Any], tables: Sequence[TableName], rows: int, seed: int
) -> dict[TableName, str]:
    """Fill `tables` (all empty) with synthetic rows, parents before children.

    Returns the tables left empty, each with PostgreSQL's last error.
    """
    columns = _columns(conn, tables)
    attempts = (Fill(rows, seed, False), Fill(rows, seed, True), Fill(1, seed, True))
    left: dict[TableName, str] = {}
    with conn.transaction():
        for table in _parents_first(tables, columns):
            error = _first_that_works(conn, table, columns.get(table, []), attempts)
            if error:
                left[table] = error
    return left


def _first_that_works(
    conn: psycopg.Connection[Any], table: TableName, columns: list[Column], attempts: Iterable[Fill]
) -> str:
    error = ""
    for fill in attempts:
        try:
            with conn.transaction():
                conn.execute(insert_sql(table, columns, fill))
            return ""
        except psycopg.Error as failed:
            error = failed.diag.message_primary or str(failed)
    return error


def _columns(
    conn: psycopg.Connection[Any], tables: Sequence[TableName]
) -> dict[TableName, list[Column]]:
    found: dict[TableName, list[Column]] = {}
    for row in conn.execute(_COLUMNS, [[t[0] for t in tables], [t[1] for t in tables]]):
        schema, table, name, spelled, not_null, generated, always, has_default, typmod, *rest = row
        base = BaseType(*rest[0:3])
        element = BaseType(*rest[3:6]) if rest[3] else None
        unique, in_check, ref_schema, ref_name, ref_column, ordering = rest[6:]
        column = Column(
            (schema, table),
            *(name, spelled, not_null, generated, always, has_default, typmod, base, element),
            *(unique, in_check, (ref_schema, ref_name) if ref_name else None, ref_column),
            tuple(ordering or ()),
        )
        found.setdefault((schema, table), []).append(column)
    return found


def _parents_first(
    tables: Sequence[TableName], columns: dict[TableName, list[Column]]
) -> list[TableName]:
    graph = {
        table: {c.references for c in columns.get(table, []) if c.references in tables}
        for table in tables
    }
    try:
        return [t for t in graphlib.TopologicalSorter(graph).static_order() if t is not None]
    except graphlib.CycleError:  # foreign keys in a cycle: some get NULL, or the table stays empty
        return list(tables)


def insert_sql(table: TableName, columns: list[Column], fill: Fill) -> sql.Composed:
    """`WITH parent keys INSERT INTO table (...) SELECT ... FROM generate_series(1, rows)`."""
    parents = sorted({c.references for c in columns if c.references})
    values = {c.name: _value(c, fill, parents) for c in columns}
    filled = [c for c in columns if values[c.name] is not None]
    sources = [sql.SQL("generate_series(1, {}) AS g(i)").format(fill.rows)]
    sources += [sql.SQL("parent{}").format(i) for i in range(len(parents))]
    keys = [_parent_keys(parent, i, filled) for i, parent in enumerate(parents)]
    head = sql.SQL("WITH {} ").format(sql.SQL(", ").join(keys)) if keys else sql.SQL("")
    overriding = any(c.identity_always for c in filled)
    return sql.SQL("{}INSERT INTO {} ({}){} SELECT {} FROM {}").format(
        head,
        sql.Identifier(*table),
        sql.SQL(", ").join(sql.Identifier(c.name) for c in filled),
        sql.SQL(" OVERRIDING SYSTEM VALUE" if overriding else ""),
        sql.SQL(", ").join(values[c.name] for c in filled),
        sql.SQL(", ").join(sources),
    )


def _parent_keys(parent: TableName, index: int, columns: list[Column]) -> sql.Composed:
    """A CTE holding the parent's keys, one array per referenced column, in one row order."""
    referencing = [c for c in columns if c.references == parent and c.referenced_column]
    referenced = sorted({str(c.referenced_column) for c in referencing})
    order = referencing[0].referenced_order if referencing else ()
    ordering = sql.SQL(", ").join(sql.Identifier(name) for name in order or referenced)
    arrays: list[sql.Composable] = [
        sql.SQL("array_agg({} ORDER BY {}) AS {}").format(
            sql.Identifier(name), ordering, sql.Identifier(f"keys {name}")
        )
        for name in referenced
    ]
    return sql.SQL("parent{} AS (SELECT {} FROM {})").format(
        index, sql.SQL(", ").join(arrays or [sql.SQL("NULL")]), sql.Identifier(*parent)
    )


def _value(column: Column, fill: Fill, parents: list[TableName]) -> sql.Composable | None:
    """The column's value in row `g.i`, cast to its type; None leaves it to its default."""
    if column.generated or (fill.plain and column.has_default):
        return None
    salt = zlib.crc32(f"{fill.seed}:{column.table}:{column.name}".encode()) % 997
    number = "g.i" if column.unique else "(g.i - (g.i % 7 = 0)::int)"  # some values repeat
    if column.references and column.referenced_column:
        keys = (
            f'parent{parents.index(column.references)}."keys {_unquoted(column.referenced_column)}"'
        )
        value: str | None = f"{keys}[1 + ({number} - 1) % NULLIF(cardinality({keys}), 0)]"
    else:
        value = _typed(column, number, salt, plain=fill.plain)
    if value is None:  # a type without a generator: its default, NULL, or a cast from text
        if column.has_default:
            return None
        value = f"{number}::text" if column.not_null else "NULL"
    if not column.not_null:
        if fill.plain and column.in_check:
            value = "NULL"
        else:
            value = f"CASE WHEN (g.i + {salt}) % 5 = 0 THEN NULL ELSE {value} END"
    return sql.SQL("({})::{}").format(sql.SQL(value), sql.SQL(column.type))


# Values per type, from the row's number `{n}` and the column's salt `{k}`.
# Data types: https://www.postgresql.org/docs/current/datatype.html
_BY_TYPE = {
    "int2": "({o} + {n} % 30000)",
    "int4": "({o} + {n})",
    "int8": "({o} + {n})",
    "float4": "({n} + 0.5)",
    "float8": "({n} + 0.5)",
    "money": "{n}::numeric",
    "bool": "(({n} + {k}) % 2 = 0)",
    "uuid": "md5('{k}:' || {n})::uuid",
    "date": "(date '2024-01-01' + ({n} + {k}))",
    "timestamp": "(timestamp '2024-01-01' + make_interval(days => {n}, mins => {k}))",
    "timestamptz": "(timestamptz '2024-01-01 00:00+00' + make_interval(days => {n}, mins => {k}))",
    "time": "(time '08:00' + make_interval(mins => {n} + {k}))",
    "timetz": "(time '08:00' + make_interval(mins => {n} + {k}))",
    "interval": "make_interval(hours => {n})",
    "json": "jsonb_build_object('n', {n})",
    "jsonb": "jsonb_build_object('n', {n})",
    "bytea": "convert_to({n}::text, 'UTF8')",
    "inet": "('10.0.' || ({n} / 250) || '.' || ({n} % 250 + 1))",
    "cidr": "('10.0.' || ({n} / 250) || '.' || ({n} % 250 + 1) || '/32')",
}
_STRINGS = frozenset({"text", "varchar", "bpchar", "citext", "name"})


def _typed(column: Column, number: str, salt: int, plain: bool) -> str | None:
    """The value's expression, before NULLs; None for a type without a generator.

    Integers count from 1001, identity and serial keys too (their sequence stays), so
    the small explicit ids of seed data that a later revision inserts remain free, and
    an integer column that refers to another table without a foreign key yet holds its
    keys. Under a CHECK, a plain fill counts from 1.
    """
    offset = 0 if plain and column.in_check else 1000
    if column.element is not None:
        element = _of_type(column.element, column, number, salt, edges=False, offset=offset)
        return f"ARRAY[{element}]" if element else None
    return _of_type(column.base, column, number, salt, edges=not plain, offset=offset)


def _of_type(
    base: BaseType, column: Column, number: str, salt: int, edges: bool, offset: int
) -> str | None:
    if base.is_enum:
        labels = f"enum_range(NULL::{base.spelled})"
        return f"({labels})[1 + ({number} + {salt}) % cardinality({labels})]"
    if base.name in _STRINGS:
        return _string(column.name, number, column.typmod, edges)
    if base.name == "numeric":  # the largest value repeats: not for a unique column
        return _numeric(number, column.typmod, edges and not column.unique)
    template = _BY_TYPE.get(base.name)
    return template.format(n=number, k=salt, o=offset) if template else None


def _string(name: str, number: str, typmod: int, edges: bool) -> str:
    """`17 email`: the number first, so a value cut or padded to its length stays unique."""
    text = f"({number} || ' ' || {_literal(name)})"
    if typmod < 4:  # no declared length
        return text
    length = typmod - 4  # varchar(n) and char(n) store n + 4 (VARHDRSZ)
    if not edges:
        return f"left({text}, {length})"
    return (
        f"CASE WHEN g.i % 10 = 3 THEN rpad({text}, {length}, '.') ELSE left({text}, {length}) END"
    )


def _numeric(number: str, typmod: int, edges: bool) -> str:
    if typmod < 4:  # no declared precision
        return f"({number} + 0.25)"
    precision, scale = ((typmod - 4) >> 16) & 0xFFFF, (typmod - 4) & 0xFFFF
    whole = precision - scale
    if scale > precision or whole <= 0:  # a negative scale, or no digit before the point
        return "0"
    value = f"round((({number} % {10**whole}) + 0.25)::numeric, {scale})"
    if not edges:
        return value
    largest = "9" * whole + ("." + "9" * scale if scale else "")  # numeric(5, 2): 999.99
    return f"CASE WHEN g.i % 10 = 3 THEN {largest} ELSE {value} END"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _unquoted(name: str | None) -> str:
    return str(name).replace('"', '""')
