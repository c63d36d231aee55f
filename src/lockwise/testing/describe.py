"""`\\d+`-style descriptions of tables, and the index list, built from a catalog snapshot.

Everything comes from the `Item`s of `catalog.snapshot` (one query per object kind): a
description costs no query of its own. Indexes that back a primary key, unique or
exclusion constraint are listed from the constraint, as psql lists them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from lockwise.database.catalog import Catalog, Item, Value
from lockwise.errors import BadInput

ALL = "all"
_INDEX_CONSTRAINTS = {"primary key": "PRIMARY KEY", "unique": "UNIQUE", "exclusion": "EXCLUDE"}
_REFERENCES = re.compile(r'REFERENCES ((?:"(?:[^"]|"")*"|[^\s("])+)\(')
_USING = re.compile(r" USING (.*)$")


@dataclass(frozen=True)
class ColumnDescription:
    """One row of a `\\d+` column listing."""

    name: str
    type: str
    collation: str
    nullable: bool
    default: str
    comment: str


@dataclass(frozen=True)
class IndexEntry:
    """One index, as `\\di+` lists it and `\\d+` shows it under its table.

    Attributes:
        kind: `primary key`, `unique`, `exclusion` (a constraint's index), or `index`.
        definition: psql's short form, e.g. `btree (email) WHERE (deleted_at IS NULL)`.
        valid: False for an index a failed CONCURRENTLY build left behind.
    """

    schema: str
    name: str
    table: str
    kind: str
    unique: bool
    definition: str
    valid: bool = True
    comment: str = ""


@dataclass(frozen=True)
class TableDescription:
    """A table as `\\d+` describes it: columns, indexes, constraints, triggers, references."""

    schema: str
    name: str
    kind: str
    comment: str
    columns: tuple[ColumnDescription, ...]
    indexes: tuple[IndexEntry, ...]
    checks: tuple[str, ...]
    foreign_keys: tuple[str, ...]
    referenced_by: tuple[str, ...]
    triggers: tuple[str, ...]
    options: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        """`schema.name`, as psql titles the description."""
        return f"{self.schema}.{self.name}"


def describe(
    catalog: Catalog, wanted: str, hidden: frozenset[str] = frozenset()
) -> tuple[tuple[TableDescription, ...], tuple[IndexEntry, ...]]:
    """Describe the table `wanted` (`name`, `schema.name`, or `all`) and list its indexes.

    Args:
        catalog: The snapshot to describe.
        wanted: A table, or `all` for every table.
        hidden: Tables `all` leaves out (the version table), as `name` or `schema.name`.

    Raises:
        BadInput: no such table (close names are suggested), or a name two schemas share.
    """
    tables = [item for item in catalog.items if item.kind == "table"]
    if wanted == ALL:
        chosen = [t for t in tables if not {t.name, f"{t.schema}.{t.name}"} & hidden]
    else:
        chosen = [_find(tables, wanted)]
    names = {(t.schema, t.name) for t in chosen}
    indexes = tuple(e for e in index_list(catalog) if (e.schema, e.table) in names)
    on_table: dict[tuple[str, str], list[Item | IndexEntry]] = {}
    everything: list[Item | IndexEntry] = [*catalog.items, *indexes]
    for part in everything:
        if part.table and (part.schema, part.table) in names:
            on_table.setdefault((part.schema, part.table), []).append(part)
    referenced = _references(catalog)
    return tuple(
        _describe(table, on_table.get((table.schema, table.name), []), referenced)
        for table in chosen
    ), indexes


def index_list(catalog: Catalog) -> list[IndexEntry]:
    """Every index of the catalog, those backing constraints included, by table and name."""
    entries = [_index(item) for item in catalog.items if item.kind == "index"]
    entries += [
        _constraint_index(item)
        for item in catalog.items
        if item.kind == "constraint" and _attr(item, "type") in _INDEX_CONSTRAINTS
    ]
    return sorted(entries, key=lambda e: (e.schema, e.table, e.kind != "primary key", e.name))


def _find(tables: list[Item], wanted: str) -> Item:
    schema, _, name = wanted.rpartition(".")
    found = [t for t in tables if t.name == name and schema in ("", t.schema)]
    if len(found) > 1:
        public = [t for t in found if t.schema == "public"]
        if not public:
            both = ", ".join(f"{t.schema}.{t.name}" for t in found)
            raise BadInput(f"--describe {wanted}: more than one table has that name: {both}")
        found = public
    if not found:
        known = sorted({_display(t.schema, t.name) for t in tables})
        close = difflib.get_close_matches(wanted, known, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise BadInput(f"--describe {wanted}: no such table{hint}")
    return found[0]


def _describe(
    table: Item, parts: list[Item | IndexEntry], referenced: dict[str, list[str]]
) -> TableDescription:
    items = [part for part in parts if isinstance(part, Item)]
    constraints = [i for i in items if i.kind == "constraint"]
    return TableDescription(
        schema=table.schema,
        name=table.name,
        kind=str(_attr(table, "kind")),
        comment=str(_attr(table, "comment") or ""),
        columns=tuple(_column(i) for i in sorted(items, key=_position) if i.kind == "column"),
        indexes=tuple(part for part in parts if isinstance(part, IndexEntry)),
        checks=tuple(_constraint(i) for i in constraints if _attr(i, "type") == "check"),
        foreign_keys=tuple(
            _constraint(i) for i in constraints if _attr(i, "type") == "foreign key"
        ),
        referenced_by=tuple(referenced.get(_display(table.schema, table.name), ())),
        triggers=tuple(_trigger(i) for i in items if i.kind == "trigger"),
        options=_listed(_attr(table, "options")),
    )


def _position(item: Item) -> int:
    return item.position


def _column(item: Item) -> ColumnDescription:
    return ColumnDescription(
        name=item.name,
        type=str(_attr(item, "type")),
        collation=str(_attr(item, "collation") or ""),
        nullable=bool(_attr(item, "nullable")),
        default=_default(item),
        comment=str(_attr(item, "comment") or ""),
    )


def _default(item: Item) -> str:
    """What psql prints in the Default column: the default, identity or generation."""
    identity, generated = _attr(item, "identity"), _attr(item, "generated")
    if identity:
        return f"generated {identity} as identity"
    if isinstance(generated, str):
        how, _, expression = generated.partition(" ")
        return f"generated always as ({expression}) {how}"
    return str(_attr(item, "default") or "")


def _index(item: Item) -> IndexEntry:
    definition = str(_attr(item, "definition"))
    using = _USING.search(definition)
    unique = bool(_attr(item, "unique"))
    short = using.group(1) if using else definition
    return IndexEntry(
        schema=item.schema,
        name=item.name,
        table=item.table,
        kind="index",
        unique=unique,
        definition=f"UNIQUE, {short}" if unique else short,
        valid=bool(_attr(item, "valid")),
        comment=str(_attr(item, "comment") or ""),
    )


def _constraint_index(item: Item) -> IndexEntry:
    kind = str(_attr(item, "type"))
    return IndexEntry(
        schema=item.schema,
        name=item.name,
        table=item.table,
        kind=kind,
        unique=kind != "exclusion",
        definition=str(_attr(item, "definition")),
        comment=str(_attr(item, "comment") or ""),
    )


def _constraint(item: Item) -> str:
    valid = "" if _attr(item, "validated") else " NOT VALID"
    return f"{item.name} {_attr(item, 'definition')}{valid}"


def _trigger(item: Item) -> str:
    definition = str(_attr(item, "definition")).removeprefix("CREATE ").removeprefix("TRIGGER ")
    state = _attr(item, "state")
    return definition if state == "enabled" else f"{definition} ({state})"


def _references(catalog: Catalog) -> dict[str, list[str]]:
    """The foreign keys of the catalog, by the table they reference (as definitions name it)."""
    found: dict[str, list[str]] = {}
    for item in catalog.items:
        if item.kind != "constraint" or _attr(item, "type") != "foreign key":
            continue
        target = _REFERENCES.search(str(_attr(item, "definition")))
        if target:
            line = f"{_display(item.schema, item.table)} {_constraint(item)}"
            found.setdefault(_unquoted(target.group(1)), []).append(line)
    return found


def _unquoted(name: str) -> str:
    """`"Odd Schema"."T"` -> `Odd Schema.T`: PostgreSQL quotes only the names that need it."""
    parts = re.findall(r'"((?:[^"]|"")*)"|([^."]+)', name)
    return ".".join(quoted.replace('""', '"') or plain for quoted, plain in parts)


def _display(schema: str, name: str) -> str:
    return name if schema == "public" else f"{schema}.{name}"


def _listed(value: Value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else ()


def _attr(item: Item, name: str) -> Value:
    return dict(item.attrs).get(name)
