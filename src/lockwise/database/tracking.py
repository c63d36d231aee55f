"""Catalog snapshots that re-read only what moved: a digest per owner, computed on the server.

A walk that snapshots its database after every step (`lockwise test` does, three times a
revision) must not read the whole schema each time, or it grows with the square of the
history. So the catalog is kept per owner (see `catalog.read_items`: a relation with its
columns, constraints, indexes and triggers; a type; a function; a schema; an extension),
each with a digest of its catalog rows, and `track` re-reads only the owners whose
digest moved since the previous snapshot of the same database, plus the owners whose
definitions name them (from `pg_depend`: a renamed type changes the columns of that type).

An owner's digest is the number of catalog rows that describe it and the newest of their
row versions (`xmin`, the transaction that wrote the row). PostgreSQL writes a new row
version, with a transaction id newer than any before it, for each catalog change a
command makes: a row added or changed makes the newest version newer, a row removed
makes the count smaller. What VACUUM and ANALYZE write in place (page counts, frozen
ids) keeps the row's version and moves nothing; whether an index is valid may be
written in place too, so valid indexes count by name. Two databases cloned from one
template share row versions but may then diverge unseen (each removing another row), so
a snapshot is only trusted by the next snapshot of the same database.
https://www.postgresql.org/docs/current/ddl-system-columns.html

Compare two snapshots with `diff(*narrowed(before, after))`: the lines are those of
`diff(before.catalog, after.catalog)`, built from the owners that differ only.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import psycopg

from lockwise.database.catalog import Catalog, Item, excluded, read_items, reading


@dataclass(frozen=True)
class Part:
    """One owner's objects, the digest of its catalog rows, and the owners it names.

    `names`: the owners its objects depend on (`pg_depend`), so whose names may appear
    in its definitions. It changes only with the owner's own catalog rows: a new
    dependency is recorded with the object that has it.
    """

    family: str
    digest: str
    items: tuple[Item, ...]
    names: frozenset[int] = frozenset()

    @cached_property
    def tables(self) -> Mapping[tuple[str, str], tuple[Item, tuple[str, ...]]]:
        """Its tables by (schema, name), each with its columns' names in catalog order."""
        tables = {(i.schema, i.name): i for i in self.items if i.kind == "table"}
        columns: dict[tuple[str, str], list[str]] = {table: [] for table in tables}
        for item in self.items:
            if item.kind == "column" and (item.schema, item.table) in columns:
                columns[(item.schema, item.table)].append(item.name)
        return {table: (tables[table], tuple(sorted(columns[table]))) for table in tables}


@dataclass(frozen=True)
class TrackedCatalog:
    """A catalog kept per owner (by oid), ready to be re-read in part by `track`.

    Attributes:
        parts: Each owner's objects; the parts `track` did not re-read are shared with
            the snapshot it started from.
        exclude_tables: The tables left out, as `catalog.snapshot` takes them.
        database: The name of the database it was read from.
    """

    parts: Mapping[int, Part]
    exclude_tables: frozenset[str] = frozenset()
    database: str = ""

    @cached_property
    def catalog(self) -> Catalog:
        """Every object, as `catalog.snapshot` returns them."""
        return Catalog.of(item for part in self.parts.values() for item in part.items)

    @property
    def digest(self) -> str:
        """The whole catalog's digest: equal to what `digest(conn)` returned at the time."""
        text = ",".join(f"{owner}={self.parts[owner].digest}" for owner in sorted(self.parts))
        return hashlib.md5(text.encode()).hexdigest()


def track(
    conn: psycopg.Connection[Any],
    previous: TrackedCatalog | None = None,
    *,
    exclude_tables: frozenset[str] = frozenset(),
) -> TrackedCatalog:
    """Snapshot the database behind `conn`, re-reading only what moved since `previous`.

    Reads in one consistent transaction, as `catalog.snapshot` does, in two round trips:
    the digests; then the objects of the owners that moved and of those naming them
    (known from `previous`), with what these name now.

    Args:
        conn: A psycopg 3 connection, autocommit or not.
        previous: An earlier snapshot of the same database, taken while no other session
            was changing its schema; with another (or none), everything is read.
        exclude_tables: As `catalog.snapshot` takes them.
    """
    kept = _trusted(conn, previous, exclude_tables)
    with reading(conn):
        digests = _digests(conn)
        moved = {owner for owner, (_, digest) in digests.items() if _moved(kept, owner, digest)}
        moved |= _naming(kept, moved) & digests.keys()
        reads = read_items(conn, _scope({owner: digests[owner][0] for owner in moved}))
        names = conn.execute(_NAMES, {"owners": sorted(moved)}) if moved else None
    read = _by_owner(reads.items(), exclude_tables)
    named = _names(names.fetchall() if names else [])
    parts = {
        owner: Part(family, digest, read.get(owner, ()), named.get(owner, frozenset()))
        if owner in moved
        else kept[owner]
        for owner, (family, digest) in digests.items()
    }
    return TrackedCatalog(parts, exclude_tables, conn.info.dbname)


def _trusted(
    conn: psycopg.Connection[Any], previous: TrackedCatalog | None, exclude_tables: frozenset[str]
) -> Mapping[int, Part]:
    """The parts of `previous` that `track` may keep: none unless it is of this database."""
    if previous is None or previous.database != conn.info.dbname:
        return {}
    return previous.parts if previous.exclude_tables == exclude_tables else {}


def narrowed(before: TrackedCatalog, after: TrackedCatalog) -> tuple[Catalog, Catalog]:
    """The parts of `before` and `after` that differ, as two catalogs.

    `diff` and `only_validated` give the same answers on these as on the whole
    catalogs, and take time in proportion to what moved.
    """
    owners = before.parts.keys() | after.parts.keys()
    moved = [owner for owner in owners if before.parts.get(owner) is not after.parts.get(owner)]
    return _catalog_of(before, moved), _catalog_of(after, moved)


def digest(conn: psycopg.Connection[Any]) -> str:
    """The whole catalog's digest, in one query; `TrackedCatalog.digest` is the same.

    Between two moments of one database: equal digests, equal catalogs. A template clone
    starts with its template's digest; a database built the same way has another.
    """
    with reading(conn):
        row = conn.execute(_WHOLE_DIGEST).fetchone()
    return str(row[0]) if row else ""


def _moved(kept: Mapping[int, Part], owner: int, digest: str) -> bool:
    part = kept.get(owner)
    return part is None or part.digest != digest


def _catalog_of(tracked: TrackedCatalog, owners: Iterable[int]) -> Catalog:
    parts = [tracked.parts[owner] for owner in owners if owner in tracked.parts]
    return Catalog.of(item for part in parts for item in part.items)


def _digests(conn: psycopg.Connection[Any]) -> dict[int, tuple[str, str]]:
    """Each owner's family and digest."""
    rows = conn.execute(_DIGESTS).fetchall()
    return {int(owner): (str(family), str(digest)) for owner, family, digest in rows}


def _naming(kept: Mapping[int, Part], moved: Collection[int]) -> set[int]:
    """The owners whose definitions may name one of `moved`: a renamed type, say."""
    return {owner for owner, part in kept.items() if not part.names.isdisjoint(moved)}


def _scope(families: Mapping[int, str]) -> dict[str, list[int]]:
    """`read_items`'s scope: the owners in `families` (owner -> family), by family."""
    scope: dict[str, list[int]] = defaultdict(list)
    for owner, family in families.items():
        scope[family].append(owner)
    return scope


def _by_owner(
    pairs: Iterable[tuple[int, Item]], exclude_tables: frozenset[str]
) -> dict[int, tuple[Item, ...]]:
    grouped: dict[int, list[Item]] = defaultdict(list)
    for owner, item in pairs:
        if not excluded(item, exclude_tables):
            grouped[owner].append(item)
    return {owner: tuple(items) for owner, items in grouped.items()}


def _names(rows: Iterable[tuple[Any, ...]]) -> dict[int, frozenset[int]]:
    named: dict[int, set[int]] = defaultdict(set)
    for owner, name in rows:
        if name is not None and int(name) != int(owner):
            named[int(owner)].add(int(name))
    return {owner: frozenset(names) for owner, names in named.items()}


# --- The queries. System catalogs: https://www.postgresql.org/docs/current/catalogs.html

# Objects made after initdb have oids from here on: catalog rows of user objects.
# https://www.postgresql.org/docs/current/datatype-oid.html
_FIRST_USER_OID = 16384
_USER_SCHEMAS = (
    "SELECT n.oid FROM pg_namespace n WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
    " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'"
)
_OWNED_BY_USERS = (
    "{} IN (SELECT oid FROM user_schemas) AND {} NOT IN (SELECT oid FROM extension_members)"
)


def _rows(catalog: str, key: str, where: str = "true") -> str:
    """Rows of `catalog` that describe a user object (by oid `key`): no family, one version."""
    return (
        f"SELECT {key}, NULL, age(xmin), 0 FROM {catalog}"
        f" WHERE {key} >= {_FIRST_USER_OID} AND {where}"
    )


# Every catalog row that describes an owner, keyed by the owner's oid: the owner's own
# row names its family; the rows of its columns, constraints, indexes... name none.
_VERSIONS = "\n    UNION ALL\n    ".join(
    (
        f"""SELECT CASE WHEN c.relkind = 'c' THEN c.reltype ELSE c.oid END,
        CASE WHEN c.relkind <> 'c' THEN 'relation' END, age(c.xmin), 0
    FROM pg_class c WHERE c.oid >= {_FIRST_USER_OID}
        AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'c')
        AND {_OWNED_BY_USERS.format("c.relnamespace", "c.oid")}""",
        f"""SELECT t.oid, 'type', age(t.xmin), 0
    FROM pg_type t LEFT JOIN pg_class r ON r.oid = t.typrelid
    WHERE t.oid >= {_FIRST_USER_OID} AND (t.typtype IN ('e', 'd') OR r.relkind = 'c')
        AND {_OWNED_BY_USERS.format("t.typnamespace", "t.oid")}""",
        f"""SELECT p.oid, 'function', age(p.xmin), 0 FROM pg_proc p
    WHERE p.oid >= {_FIRST_USER_OID} AND {_OWNED_BY_USERS.format("p.pronamespace", "p.oid")}""",
        # The public schema and plpgsql come with initdb, below the first user oid.
        f"""SELECT n.oid, 'schema', age(n.xmin), 0 FROM pg_namespace n
    WHERE {_OWNED_BY_USERS.format("n.oid", "n.oid")}""",
        "SELECT e.oid, 'extension', age(e.xmin), 0 FROM pg_extension e",
        _rows("pg_attribute", "attrelid", "attnum > 0"),
        # A composite type's fields are columns of its pg_class row.
        f"""SELECT r.reltype, NULL, age(a.xmin), 0
    FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid
    WHERE a.attrelid >= {_FIRST_USER_OID} AND a.attnum > 0 AND r.relkind = 'c'""",
        _rows("pg_attrdef", "adrelid"),
        _rows("pg_constraint", "conrelid"),
        _rows("pg_constraint", "contypid"),
        _rows("pg_trigger", "tgrelid", "NOT tgisinternal"),
        _rows("pg_rewrite", "ev_class"),
        _rows("pg_sequence", "seqrelid"),
        _rows("pg_inherits", "inhrelid"),
        _rows("pg_partitioned_table", "partrelid"),
        _rows("pg_enum", "enumtypid"),
        # A sequence's owning column (OWNED BY) is a pg_depend row.
        """SELECT d.objid, NULL, age(d.xmin), 0
    FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid
    WHERE d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')""",
        # An index is its pg_class row (its name) and its pg_index row; whether it is
        # valid may be written in place, so valid indexes count by oid.
        f"""SELECT x.indrelid, NULL, least(age(x.xmin), age(i.xmin)),
        CASE WHEN x.indisvalid THEN hashint4(x.indexrelid::int4) ELSE 0 END
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid >= {_FIRST_USER_OID}""",
        # Comments, on the owner itself or on what hangs on it.
        f"""SELECT COALESCE(x.indrelid, NULLIF(k.conrelid, 0), k.contypid, g.tgrelid, ds.objoid),
        NULL, age(ds.xmin), 0
    FROM pg_description ds
    LEFT JOIN pg_index x ON ds.classoid = 'pg_class'::regclass AND x.indexrelid = ds.objoid
    LEFT JOIN pg_constraint k ON ds.classoid = 'pg_constraint'::regclass AND k.oid = ds.objoid
    LEFT JOIN pg_trigger g ON ds.classoid = 'pg_trigger'::regclass AND g.oid = ds.objoid
    WHERE ds.objoid >= {_FIRST_USER_OID}
        OR ds.classoid IN ('pg_namespace'::regclass, 'pg_extension'::regclass)""",
    )
)

# Each owner: its family, and its digest: how many rows describe it, the newest row
# version as a transaction id (age() counts back from the current one, and the age of
# the first normal id, 3, says which that is; ids wrap around at 2^32), valid indexes.
# https://www.postgresql.org/docs/current/functions-info.html#FUNCTIONS-INFO-XID
_DIGESTS = f"""
WITH user_schemas AS MATERIALIZED ({_USER_SCHEMAS}
), extension_members (oid) AS MATERIALIZED (SELECT objid FROM pg_depend WHERE deptype = 'e')
SELECT key, max(family), count(*)
    || ':' || (age('3'::xid)::bigint + 3 - min(age) + 4294967296) % 4294967296
    || ':' || sum(valid)
FROM (
    {_VERSIONS}
) versions (key, family, age, valid)
GROUP BY key HAVING max(family) IS NOT NULL"""

_WHOLE_DIGEST = f"""
SELECT md5(COALESCE(string_agg(owner::text || '=' || digest, ',' ORDER BY owner), ''))
FROM ({_DIGESTS}) d (owner, family, digest)"""

# What the given owners' objects depend on, as owners: a relation (a column, a sequence
# in a default, the table a foreign key references), a type (an array counts as its
# element type, a table's row type as the table), a function, a schema.
_NAMES = f"""
WITH owners (owner) AS (SELECT unnest(%(owners)s::oid[])
), objects (owner, classid, objid) AS (
    SELECT owner, catalog, owner FROM owners, unnest(ARRAY['pg_class'::regclass,
        'pg_type'::regclass, 'pg_proc'::regclass]) catalog
    UNION ALL SELECT t.oid, 'pg_class'::regclass, t.typrelid FROM pg_type t
    WHERE t.oid = ANY(%(owners)s::oid[]) AND t.typrelid <> 0
    UNION ALL SELECT x.indrelid, 'pg_class'::regclass, x.indexrelid FROM pg_index x
    WHERE x.indrelid = ANY(%(owners)s::oid[])
    UNION ALL SELECT k.conrelid, 'pg_constraint'::regclass, k.oid FROM pg_constraint k
    WHERE k.conrelid = ANY(%(owners)s::oid[])
    UNION ALL SELECT k.contypid, 'pg_constraint'::regclass, k.oid FROM pg_constraint k
    WHERE k.conrelid = 0 AND k.contypid = ANY(%(owners)s::oid[])
    UNION ALL SELECT d.adrelid, 'pg_attrdef'::regclass, d.oid FROM pg_attrdef d
    WHERE d.adrelid = ANY(%(owners)s::oid[])
    UNION ALL SELECT g.tgrelid, 'pg_trigger'::regclass, g.oid FROM pg_trigger g
    WHERE g.tgrelid = ANY(%(owners)s::oid[])
    UNION ALL SELECT r.ev_class, 'pg_rewrite'::regclass, r.oid FROM pg_rewrite r
    WHERE r.ev_class = ANY(%(owners)s::oid[])
)
SELECT DISTINCT o.owner, COALESCE((
    SELECT CASE WHEN t.typelem <> 0 THEN t.typelem WHEN r.relkind <> 'c' THEN r.oid END
    FROM pg_type t LEFT JOIN pg_class r ON r.oid = t.typrelid
    WHERE d.refclassid = 'pg_type'::regclass AND t.oid = d.refobjid
), d.refobjid)
FROM objects o CROSS JOIN LATERAL (
    SELECT refclassid, refobjid FROM pg_depend
    WHERE classid = o.classid AND objid = o.objid
        AND refclassid IN ('pg_class'::regclass, 'pg_type'::regclass, 'pg_proc'::regclass,
            'pg_namespace'::regclass)
        AND (refobjid >= {_FIRST_USER_OID} OR refclassid = 'pg_namespace'::regclass)
    OFFSET 0  -- a look-up per object (pg_depend_depender_index), not a scan of pg_depend
) d"""
