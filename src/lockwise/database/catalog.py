"""Catalog snapshots: a database's user schemas read from pg_catalog, and their diff.

A snapshot takes one query per object kind, never one per table, so a schema of a
thousand tables is read in a fraction of a second. Every object becomes an `Item`:
its kind, its schema-qualified key, the table it hangs on, and its attributes. Two
catalogs are equal exactly when `diff` finds nothing between them.

What is left out, on purpose:
- objects that belong to an extension (the extension itself is listed);
- indexes that back a primary key, unique or exclusion constraint (the constraint is
  listed instead), and PostgreSQL 18's not-null constraints (nullability is a column
  attribute);
- column positions, so a column dropped and re-added at the end compares equal;
- the ` NOT VALID` that ends a constraint's definition (it is its `validated` attribute);
- sequence values, object owners and privileges.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

Value = str | int | bool | None | tuple[str, ...]

# Kinds in the order diff reports them.
KINDS = (
    "schema",
    "extension",
    "enum type",
    "domain",
    "composite type",
    "sequence",
    "table",
    "column",
    "constraint",
    "index",
    "view",
    "materialized view",
    "function",
    "procedure",
    "aggregate",
    "trigger",
)
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
_RELATIONS = frozenset({"table", "view", "materialized view"})
_DEPENDENTS = frozenset({"column", "constraint", "index", "trigger"})
_TABLE_SCOPED = frozenset({"column", "constraint", "trigger"})
_SEARCH_PATH = "public"


@dataclass(frozen=True)
class Item:
    """One catalog object.

    Attributes:
        kind: One of `KINDS`.
        schema: The schema it lives in ("" for schemas themselves).
        name: Its name; a function's name carries its argument types.
        table: The table (or view) it hangs on, in the same schema; "" if none.
        attrs: Its attributes, in a fixed order per kind.
        position: A column's ordinal among live columns; not compared.
    """

    kind: str
    schema: str
    name: str
    table: str = ""
    attrs: tuple[tuple[str, Value], ...] = ()
    position: int = field(default=0, compare=False)

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What identifies the object across snapshots."""
        table = self.table if self.kind in _TABLE_SCOPED else ""
        return (self.kind, self.schema, table, self.name)

    @property
    def label(self) -> str:
        """How diff lines name the object, e.g. `constraint ck_age on users`."""
        if self.kind == "column":
            return f"column {_qualify(self.schema, self.table)}.{self.name}"
        if self.kind in _TABLE_SCOPED:
            return f"{self.kind} {self.name} on {_qualify(self.schema, self.table)}"
        return f"{self.kind} {_qualify(self.schema, self.name)}"


@dataclass(frozen=True)
class Catalog:
    """Every object of a database's user schemas, sorted by kind and key."""

    items: tuple[Item, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the catalog as plain JSON types."""
        return {"format": 1, "items": [_item_to_json(item) for item in self.items]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Catalog:
        """Rebuild a catalog from what `to_json` returned."""
        return cls.of(_item_from_json(raw) for raw in data["items"])

    @classmethod
    def of(cls, items: Iterable[Item]) -> Catalog:
        """The catalog of `items`, in the order of `KINDS`, then by key."""
        return cls(tuple(sorted(items, key=lambda item: _order(item.key))))


def snapshot(
    conn: psycopg.Connection[Any], *, exclude_tables: frozenset[str] = frozenset()
) -> Catalog:
    """Read the user schemas of the database behind `conn`.

    Runs in a transaction of its own (repeatable read, read only) when `conn` is idle,
    or in a savepoint of the caller's. Writes nothing; the search path is set to
    `public` while reading, so definitions name public objects without schema.

    Args:
        conn: A psycopg 3 connection, autocommit or not.
        exclude_tables: Tables to leave out with all that hangs on them, named
            `name` or `schema.name` (e.g. Alembic's `alembic_version`).

    Returns:
        The catalog, ready to compare with `diff` or to store with `to_json`.
    """
    with reading(conn):
        reads = read_items(conn)
    return Catalog.of(item for _, item in reads.items() if not excluded(item, exclude_tables))


@contextmanager
def reading(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """Read the catalog consistently in the block: see `snapshot` for how.

    Queries run in the block see one snapshot of the catalog, with `public` as the
    search path; the caller's transaction and search path are left as they were.
    The block is a pipeline: a query is sent at once and answered when its results
    are first read, or when the block ends. The set-up travels with the first query
    answered, and the answers not read yet (see `read_items`) with the COMMIT.
    """
    owns_transaction = conn.info.transaction_status == TransactionStatus.IDLE
    with conn.pipeline(), conn.transaction():
        if owns_transaction:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        search_path = conn.execute("SELECT current_setting('search_path')")
        conn.execute("SELECT set_config('search_path', %s, true)", [_SEARCH_PATH])
        yield
        if not owns_transaction:
            conn.execute("SELECT set_config('search_path', %s, true)", [_read_one(search_path)])


@dataclass(frozen=True)
class Reads:
    """Catalog queries sent by `read_items`: their answers come when `reading` ends."""

    cursors: tuple[psycopg.Cursor[tuple[Any, ...]], ...]

    def items(self) -> list[tuple[int, Item]]:
        """Each object read, with the oid of its owner; after the `reading` block."""
        return [pair for cursor in self.cursors for pair in _items(cursor)]


def read_items(
    conn: psycopg.Connection[Any], scope: Mapping[str, Collection[int]] | None = None
) -> Reads:
    """Send the queries that read catalog objects; inside `reading`.

    An object's owner is what a migration alters to change it: the relation that a
    column, constraint, index or trigger hangs on; otherwise the object itself (a
    relation, type, function, schema or extension).

    Args:
        conn: A connection inside `reading`.
        scope: Only these owners, by family (a key of `OWNER_FAMILIES`); all when None.
    """
    chosen = [
        (query, None) if scope is None else (query, sorted(scope[query.family]))
        for query in _QUERIES
        if scope is None or scope.get(query.family)
    ]
    cursors = tuple(conn.cursor() for _ in chosen)
    for cursor, (query, owners) in zip(cursors, chosen, strict=True):
        if owners is None:
            cursor.execute(query.everything)
        else:
            cursor.execute(query.owned, [owners])
    return Reads(cursors)


def diff(before: Catalog, after: Catalog) -> list[str]:
    """Describe what changed from `before` to `after`, one line per difference.

    Objects come in the order of `KINDS`, then by name. What hangs on a table that was
    added or removed (its columns, constraints, indexes, triggers) is folded into the
    table's own line.

    Returns:
        Lines such as `column users.phone: nullable yes -> no`; empty when equal.
    """
    old = {item.key: item for item in before.items}
    new = {item.key: item for item in after.items}
    folded = _added_or_removed_relations(old, new)
    lines: list[str] = []
    for key in sorted(old.keys() | new.keys(), key=_order):
        item = old.get(key) or new[key]
        if not (item.kind in _DEPENDENTS and (item.schema, item.table) in folded):
            lines += _item_lines(old.get(key), new.get(key))
    return lines


def only_validated(before: Catalog, after: Catalog) -> bool:
    """True when the only differences are constraints that became valid (VALIDATE).

    Validating changes no definition a downgrade could restore: there is nothing to undo.
    """
    old = {item.key: item for item in before.items}
    new = {item.key: item for item in after.items}
    if old.keys() != new.keys():
        return False
    changed = [(old[key], new[key]) for key in old if old[key] != new[key]]
    return bool(changed) and all(_validated_only(a, b) for a, b in changed)


def _validated_only(old: Item, new: Item) -> bool:
    if old.kind != "constraint":
        return False
    first, second = dict(old.attrs), dict(new.attrs)
    first.pop("validated", None)
    second.pop("validated", None)
    return first == second


def _qualify(schema: str, name: str) -> str:
    return name if schema in ("", _SEARCH_PATH) else f"{schema}.{name}"


def _order(key: tuple[str, str, str, str]) -> tuple[int, str, str, str]:
    kind, schema, table, name = key
    return (_RANK.get(kind, len(KINDS)), schema, table, name)


def excluded(item: Item, exclude_tables: frozenset[str]) -> bool:
    """True when `item` is, or hangs on, one of `exclude_tables` (`name` or `schema.name`)."""
    qualified = f"{item.schema}.{item.table}"
    return bool(item.table) and (item.table in exclude_tables or qualified in exclude_tables)


def _added_or_removed_relations(
    old: Mapping[tuple[str, str, str, str], Item], new: Mapping[tuple[str, str, str, str], Item]
) -> set[tuple[str, str]]:
    changed = (old.keys() - new.keys()) | (new.keys() - old.keys())
    return {(schema, name) for kind, schema, _, name in changed if kind in _RELATIONS}


def _item_lines(before: Item | None, after: Item | None) -> list[str]:
    if after is None:
        return [f"{before.label}: removed"] if before else []
    if before is None:
        return [f"{after.label}: added"]
    old, new = dict(before.attrs), dict(after.attrs)
    names = list(new) + [name for name in old if name not in new]
    return [
        _change_line(after.label, name, old.get(name), new.get(name))
        for name in names
        if old.get(name) != new.get(name)
    ]


def _change_line(label: str, attr: str, old: Value, new: Value) -> str:
    if attr == "comment":
        return f"comment on {label}: {old!r} -> {new!r}"
    if attr == "body":
        return f"{label}: body changed"
    return f"{label}: {attr.replace('_', ' ')} {_show(old)} -> {_show(new)}"


def _show(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    return str(value)


def _item_to_json(item: Item) -> dict[str, Any]:
    attrs = {name: list(value) if isinstance(value, tuple) else value for name, value in item.attrs}
    head = {"kind": item.kind, "schema": item.schema, "name": item.name, "table": item.table}
    return {**head, "position": item.position, "attrs": attrs}


def _item_from_json(raw: Mapping[str, Any]) -> Item:
    attrs = tuple((name, _value(value)) for name, value in raw["attrs"].items())
    head = (str(raw["kind"]), str(raw["schema"]), str(raw["name"]), str(raw["table"]))
    return Item(*head, attrs=attrs, position=int(raw["position"]))


def _value(raw: object) -> Value:
    if isinstance(raw, list | tuple):
        return tuple(str(element) for element in raw)
    if raw is None or isinstance(raw, str | int | bool):
        return raw
    return str(raw)


def _read_one(cursor: psycopg.Cursor[tuple[Any, ...]]) -> str:
    row = cursor.fetchone()
    return str(row[0]) if row else ""


def _items(cursor: psycopg.Cursor[tuple[Any, ...]]) -> list[tuple[int, Item]]:
    rows = cursor.fetchall()
    names = [column.name for column in cursor.description or ()][6:]
    return [_item(row, names) for row in rows]


def _item(row: tuple[Any, ...], names: list[str]) -> tuple[int, Item]:
    """Build an item from a row: six identifying columns (owner last), then the attributes."""
    kind, schema, name, table, position, owner, *values = row
    attrs = tuple(zip(names, map(_column_value, values), strict=True))
    return int(owner), Item(kind, schema, name, table, attrs, position)


def _column_value(raw: Any) -> Value:
    # Catalog queries return text, integers, booleans, NULL or text arrays.
    return tuple(raw) if isinstance(raw, list) else raw


# --- The queries: one per object kind. The first six columns identify the item (see
# `_item`); the others are its attributes, named as the query names them.
# System catalogs: https://www.postgresql.org/docs/current/catalogs.html

_USER_SCHEMA = (
    "n.nspname NOT IN ('pg_catalog', 'information_schema')"
    " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'"
)


def _not_member(catalog: str, oid: str) -> str:
    """SQL true unless the object belongs to an extension (pg_depend deptype 'e')."""
    return (
        f"NOT EXISTS (SELECT FROM pg_depend x WHERE x.classid = '{catalog}'::regclass"
        f" AND x.objid = {oid} AND x.deptype = 'e')"
    )


def _comment(catalog: str, oid: str, subid: str = "0") -> str:
    return (
        f"(SELECT d.description FROM pg_description d WHERE d.classoid = '{catalog}'::regclass"
        f" AND d.objoid = {oid} AND d.objsubid = {subid}) AS comment"
    )


def _user_relation(relkinds: str) -> str:
    return f"c.relkind IN ({relkinds}) AND {_USER_SCHEMA} AND {_not_member('pg_class', 'c.oid')}"


def _user_type(typtype: str) -> str:
    return f"t.typtype = '{typtype}' AND {_USER_SCHEMA} AND {_not_member('pg_type', 't.oid')}"


_FROM_CLASS = "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"

# The families of owners (see `read_items`), and the catalog each one's oid is from.
OWNER_FAMILIES = {
    "schema": "pg_namespace",
    "extension": "pg_extension",
    "type": "pg_type",
    "relation": "pg_class",
    "function": "pg_proc",
}


@dataclass(frozen=True)
class _Query:
    """One query of a kind of object: over everything, or over chosen owners (`%s`)."""

    family: str
    everything: str
    owned: str


def _query(family: str, owner: str, sql: str) -> _Query:
    """`sql` ends with a `{scope}` slot where the owned variant filters on `owner`."""
    # The owned variant takes a parameter, so its own percent signs are doubled.
    owned = sql.replace("%", "%%").format(scope=f" AND {owner} = ANY(%s::oid[])")
    return _Query(family, sql.format(scope=""), owned)


_FROM_TYPE = "pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
_FK_ACTIONS = (
    "WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'"
    " WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default'"
)
_FUNCTION_BODY = "COALESCE(pg_get_function_sqlbody(p.oid), p.prosrc)"

_QUERIES = (
    _query(
        "schema",
        "n.oid",
        f"""SELECT 'schema' AS _kind, '' AS _schema, n.nspname AS _name, '' AS _table,
        0 AS _position, n.oid AS _owner,
        {_comment("pg_namespace", "n.oid")}
    FROM pg_namespace n WHERE {_USER_SCHEMA} AND {_not_member("pg_namespace", "n.oid")}{{scope}}""",
    ),
    _query(
        "extension",
        "e.oid",
        f"""SELECT 'extension' AS _kind, '' AS _schema, e.extname AS _name, '' AS _table,
        0 AS _position,
        e.oid AS _owner, e.extversion AS version, n.nspname AS schema,
        {_comment("pg_extension", "e.oid")}
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE true{{scope}}""",
    ),
    _query(
        "type",
        "t.oid",
        f"""SELECT 'enum type' AS _kind, n.nspname AS _schema, t.typname AS _name, '' AS _table,
        0 AS _position,
        t.oid AS _owner, ARRAY(SELECT e.enumlabel::text FROM pg_enum e
            WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS values,
        {_comment("pg_type", "t.oid")}
    FROM {_FROM_TYPE} WHERE {_user_type("e")}{{scope}}""",
    ),
    _query(
        "type",
        "t.oid",
        f"""SELECT 'domain' AS _kind, n.nspname AS _schema, t.typname AS _name, '' AS _table,
        0 AS _position,
        t.oid AS _owner, format_type(t.typbasetype, t.typtypmod) AS type,
        NOT t.typnotnull AS nullable, t.typdefault AS default,
        ARRAY(SELECT k.conname || ' ' || pg_get_constraintdef(k.oid) FROM pg_constraint k
            WHERE k.contypid = t.oid AND k.contype <> 'n' ORDER BY k.conname) AS constraints,
        {_comment("pg_type", "t.oid")}
    FROM {_FROM_TYPE} WHERE {_user_type("d")}{{scope}}""",
    ),
    _query(
        "type",
        "t.oid",
        f"""SELECT 'composite type' AS _kind, n.nspname AS _schema, t.typname AS _name,
        '' AS _table, 0 AS _position,
        t.oid AS _owner, ARRAY(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0
            AND NOT a.attisdropped ORDER BY a.attnum) AS fields,
        {_comment("pg_type", "t.oid")}
    FROM {_FROM_TYPE} JOIN pg_class c ON c.oid = t.typrelid
    WHERE c.relkind = 'c' AND {_user_type("c")}{{scope}}""",
    ),
    _query(
        "relation",
        "c.oid",
        f"""SELECT 'sequence' AS _kind, n.nspname AS _schema, c.relname AS _name,
        COALESCE(o.relname, '') AS _table, 0 AS _position,
        c.oid AS _owner, format_type(s.seqtypid, NULL) AS type,
        s.seqstart AS start, s.seqincrement AS increment, s.seqmin AS min, s.seqmax AS max,
        s.seqcycle AS cycle, o.relname || '.' || a.attname AS owned_by,
        {_comment("pg_class", "c.oid")}
    FROM pg_sequence s JOIN {_FROM_CLASS} ON c.oid = s.seqrelid
    LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
        AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_class o ON o.oid = d.refobjid
    LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE {_user_relation("'S'")}{{scope}}""",
    ),
    _query(
        "relation",
        "c.oid",
        f"""SELECT 'table' AS _kind, n.nspname AS _schema, c.relname AS _name, c.relname AS _table,
        0 AS _position,
        c.oid AS _owner, CASE c.relkind WHEN 'p' THEN 'partitioned table'
            WHEN 'f' THEN 'foreign table' ELSE 'table' END AS kind,
        CASE c.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'permanent' END AS persistence,
        pg_get_partkeydef(c.oid) AS partition_key,
        (SELECT i.inhparent::regclass::text FROM pg_inherits i
            WHERE i.inhrelid = c.oid AND c.relispartition) AS partition_of,
        pg_get_expr(c.relpartbound, c.oid) AS partition_bound,
        ARRAY(SELECT i.inhparent::regclass::text FROM pg_inherits i
            WHERE i.inhrelid = c.oid AND NOT c.relispartition ORDER BY i.inhseqno) AS inherits,
        c.reloptions AS options, c.relrowsecurity AS row_security,
        {_comment("pg_class", "c.oid")}
    FROM {_FROM_CLASS} WHERE {_user_relation("'r', 'p', 'f'")}{{scope}}""",
    ),
    _query(
        "relation",
        "c.oid",
        f"""SELECT 'column' AS _kind, n.nspname AS _schema, a.attname AS _name, c.relname AS _table,
        row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum) AS _position,
        c.oid AS _owner,
        format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
        CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS default,
        CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity,
        CASE a.attgenerated WHEN 's' THEN 'stored ' WHEN 'v' THEN 'virtual ' END
            || pg_get_expr(ad.adbin, ad.adrelid) AS generated,
        CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END AS collation,
        {_comment("pg_class", "c.oid", "a.attnum")}
    FROM pg_attribute a JOIN {_FROM_CLASS} ON c.oid = a.attrelid
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
    WHERE a.attnum > 0 AND NOT a.attisdropped AND {_user_relation("'r', 'p', 'f'")}{{scope}}""",
    ),
    _query(
        "relation",
        "c.oid",
        f"""SELECT 'constraint' AS _kind, n.nspname AS _schema, k.conname AS _name,
        c.relname AS _table, 0 AS _position,
        c.oid AS _owner, CASE k.contype WHEN 'p' THEN 'primary key'
            WHEN 'f' THEN 'foreign key' WHEN 'u' THEN 'unique' WHEN 'c' THEN 'check'
            WHEN 'x' THEN 'exclusion' END AS type,
        regexp_replace(pg_get_constraintdef(k.oid), ' NOT VALID$', '') AS definition,
        k.condeferrable AS deferrable,
        k.condeferred AS deferred, k.convalidated AS validated,
        CASE WHEN k.contype = 'f' THEN CASE k.confupdtype {_FK_ACTIONS} END END AS on_update,
        CASE WHEN k.contype = 'f' THEN CASE k.confdeltype {_FK_ACTIONS} END END AS on_delete,
        {_comment("pg_constraint", "k.oid")}
    FROM pg_constraint k JOIN {_FROM_CLASS} ON c.oid = k.conrelid
    WHERE k.contype IN ('p', 'f', 'u', 'c', 'x') AND {_user_relation("'r', 'p', 'f'")}{{scope}}""",
    ),
    _query(
        "relation",
        "c.oid",
        f"""SELECT 'index' AS _kind, n.nspname AS _schema, i.relname AS _name, c.relname AS _table,
        0 AS _position,
        c.oid AS _owner, pg_get_indexdef(i.oid) AS definition, x.indisunique AS unique,
        pg_get_expr(x.indpred, x.indrelid) AS predicate, x.indisvalid AS valid,
        {_comment("pg_class", "i.oid")}
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN {_FROM_CLASS} ON c.oid = x.indrelid
    WHERE {_user_relation("'r', 'p', 'm', 'f'")} AND NOT EXISTS (SELECT FROM pg_constraint k
        WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x')){{scope}}""",
    ),
    _query(
        "relation",
        "c.oid",
        f"""SELECT CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END AS _kind,
        n.nspname AS _schema, c.relname AS _name, c.relname AS _table, 0 AS _position,
        c.oid AS _owner,
        regexp_replace(btrim(pg_get_viewdef(c.oid)), '\\s+', ' ', 'g') AS definition,
        c.reloptions AS options, {_comment("pg_class", "c.oid")}
    FROM {_FROM_CLASS} WHERE {_user_relation("'v', 'm'")}{{scope}}""",
    ),
    _query(
        "function",
        "p.oid",
        f"""SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
            ELSE 'function' END AS _kind, n.nspname AS _schema,
        p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS _name,
        '' AS _table, 0 AS _position,
        p.oid AS _owner, pg_get_function_result(p.oid) AS returns,
        l.lanname AS language, CASE p.provolatile WHEN 'i' THEN 'immutable'
            WHEN 's' THEN 'stable' ELSE 'volatile' END AS volatility,
        p.prosecdef AS security_definer, p.proconfig AS settings,
        encode(sha256(convert_to({_FUNCTION_BODY}, 'UTF8')), 'hex') AS body,
        {_comment("pg_proc", "p.oid")}
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_language l ON l.oid = p.prolang
    WHERE {_USER_SCHEMA} AND {_not_member("pg_proc", "p.oid")}{{scope}}""",
    ),
    _query(
        "relation",
        "c.oid",
        f"""SELECT 'trigger' AS _kind, n.nspname AS _schema, g.tgname AS _name, c.relname AS _table,
        0 AS _position,
        c.oid AS _owner, pg_get_triggerdef(g.oid) AS definition, CASE g.tgenabled
            WHEN 'O' THEN 'enabled' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
            WHEN 'A' THEN 'always' END AS state, {_comment("pg_trigger", "g.oid")}
    FROM pg_trigger g JOIN {_FROM_CLASS} ON c.oid = g.tgrelid
    WHERE NOT g.tgisinternal AND {_user_relation("'r', 'p', 'f', 'v'")}{{scope}}""",
    ),
)
