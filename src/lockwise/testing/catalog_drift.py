"""Drift between two catalog snapshots: the database's and the one `create_all` made of the models.

Both sides are `catalog.snapshot`s, so everything the catalog reads is compared, including
what Alembic's autogenerate does not look at: server defaults, enum values, index
expressions and predicates, constraint names, check constraints, sequences, comments.

What is not compared, and why:
- objects a pattern of `verify_exclude` (or env.py's `include_name`/`include_object`, or
  the version table) names, with all that hangs on a table so named;
- kinds SQLAlchemy models cannot declare (extensions, functions, triggers, views, ...),
  unless the models create one of that kind (through DDL events on the metadata);
- schemas the models put nothing in.
Those are listed in `Comparison.not_compared`, never silently dropped.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from lockwise.database.catalog import KINDS, Catalog, Item, Value

Where = Literal["database", "models", "both"]
Key = tuple[str, str, str, str]

# What `metadata.create_all` cannot make, unless DDL events on the metadata do.
UNDECLARABLE = frozenset(
    {
        "extension",
        "composite type",
        "view",
        "materialized view",
        "function",
        "procedure",
        "aggregate",
        "trigger",
    }
)
_DEPENDENTS = frozenset({"column", "constraint", "index", "trigger", "sequence"})
_RELATIONS = frozenset({"table", "view", "materialized view"})
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
_INDEX_NAME = re.compile(r'^(CREATE (?:UNIQUE )?INDEX )("(?:[^"]|"")*"|\S+)( ON )')


@dataclass(frozen=True)
class Difference:
    """One object that is on one side only, differs in one attribute, or is named differently.

    Attributes:
        where: `database` (not in the models), `models` (not in the database), or
            `both` (in both, unlike: `attribute` says how).
        kind: The catalog kind (`column`, `enum type`, ...).
        label: How the object is named, e.g. `column users.phone`.
        attribute: What differs (`default`, `values`, `name`, ...); "" when on one side.
        models: The models' value of `attribute`.
        database: The database's value of `attribute`.
    """

    where: Where
    kind: str
    label: str
    attribute: str = ""
    models: Value = None
    database: Value = None


@dataclass(frozen=True)
class NotCompared:
    """Objects of the database left out of the comparison, and why."""

    reason: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """What `compare` found."""

    differences: tuple[Difference, ...]
    not_compared: tuple[NotCompared, ...] = ()


def _excluder(patterns: tuple[str, ...]) -> Callable[[Item], bool]:
    """A test of whether `patterns` name an item, or the table it hangs on."""
    if not patterns:
        return lambda item: False
    matches = re.compile("|".join(fnmatch.translate(pattern) for pattern in patterns)).match

    @functools.cache
    def named(schema: str, name: str) -> bool:
        return bool(name) and bool(matches(name) or matches(f"{schema}.{name}"))

    return lambda item: (
        named(item.schema, item.table) or named(item.schema, item.name.split("(", 1)[0])
    )


def compare(models: Catalog, database: Catalog, exclude: Iterable[str] = ()) -> Comparison:
    """Compare the models' catalog with the database's, leaving out what `exclude` names.

    Args:
        models: The snapshot of a database where the models were created.
        database: The snapshot of the database to check.
        exclude: `fnmatch` patterns of objects (or tables) not to compare.
    """
    left_out = _excluder(tuple(exclude))
    ours = {i.key: i for i in models.items if not left_out(i)}
    theirs = {i.key: i for i in database.items if not left_out(i)}
    # Extensions are never the models' to declare: the models database gets the
    # database's own, so that types they bring exist for create_all.
    skipped = UNDECLARABLE - ({item.kind for item in ours.values()} - {"extension"})
    schemas = {item.name for item in ours.values() if item.kind == "schema"}
    elsewhere = [i for i in theirs.values() if _schema_of(i) not in schemas]
    undeclared = [
        item
        for key, item in theirs.items()
        if item.kind in skipped and key not in ours and _schema_of(item) in schemas
    ]
    ours = {key: item for key, item in ours.items() if item.kind not in skipped}
    theirs = {
        key: item
        for key, item in theirs.items()
        if item.kind not in skipped and _schema_of(item) in schemas
    }
    return Comparison(
        differences=tuple(_differences(ours, theirs)),
        not_compared=_not_compared(undeclared, elsewhere),
    )


def _schema_of(item: Item) -> str:
    return item.name if item.kind == "schema" else item.schema or "public"


def _not_compared(undeclared: list[Item], elsewhere: list[Item]) -> tuple[NotCompared, ...]:
    groups = []
    if undeclared:
        reason = "kinds the models do not declare"
        groups.append(NotCompared(reason, tuple(item.label for item in undeclared)))
    foreign = sorted({_schema_of(item) for item in elsewhere})
    if foreign:
        counts = {name: sum(1 for i in elsewhere if i.schema == name) for name in foreign}
        labels = tuple(f"schema {name} ({_objects(counts[name])})" for name in foreign)
        groups.append(NotCompared("schemas the models put nothing in", labels))
    return tuple(groups)


def _objects(count: int) -> str:
    return f"{count} object{'' if count == 1 else 's'}"


def _differences(ours: Mapping[Key, Item], theirs: Mapping[Key, Item]) -> list[Difference]:
    only_ours = {k: i for k, i in ours.items() if k not in theirs}
    only_theirs = {k: i for k, i in theirs.items() if k not in ours}
    renamed = _renamed(only_ours, only_theirs)
    paired = {key for pair in renamed for key in (pair[0].key, pair[1].key)}
    gone = _missing_parents(only_ours) | _missing_parents(only_theirs)
    found = [_rename(model, actual) for model, actual in renamed]
    changed = [k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k)]
    for key in sorted(changed, key=_order):
        model, actual = ours.get(key), theirs.get(key)
        if key not in paired and not _folded(model or theirs[key], gone):
            found += _item_differences(model, actual)
    return sorted(found, key=lambda d: _WHERE_ORDER[d.where])


_WHERE_ORDER = {"database": 0, "models": 1, "both": 2}


def _order(key: Key) -> tuple[int, Key]:
    return (_RANK.get(key[0], len(KINDS)), key)


def _missing_parents(only: Mapping[Key, Item]) -> set[tuple[str, str]]:
    """Tables (and their columns) that one side lacks: what hangs on them is folded."""
    tables = {(i.schema, i.name) for i in only.values() if i.kind in _RELATIONS}
    columns = {(i.schema, f"{i.table}.{i.name}") for i in only.values() if i.kind == "column"}
    return tables | columns


def _folded(item: Item, gone: set[tuple[str, str]]) -> bool:
    if item.kind == "sequence":
        owner = dict(item.attrs).get("owned_by")
        if isinstance(owner, str) and (item.schema, owner) in gone:
            return True
    return item.kind in _DEPENDENTS and (item.schema, item.table) in gone


def _item_differences(model: Item | None, actual: Item | None) -> list[Difference]:
    if model is None and actual is not None:
        return [Difference("database", actual.kind, actual.label)]
    if actual is None and model is not None:
        return [Difference("models", model.kind, model.label)]
    assert model is not None and actual is not None
    ours, theirs = dict(model.attrs), dict(actual.attrs)
    names = list(ours) + [name for name in theirs if name not in ours]
    return [
        Difference("both", model.kind, model.label, name, ours.get(name), theirs.get(name))
        for name in names
        if ours.get(name) != theirs.get(name)
    ]


def _renamed(
    only_ours: Mapping[Key, Item], only_theirs: Mapping[Key, Item]
) -> list[tuple[Item, Item]]:
    """Constraints and indexes alike but for their names: one object, named differently."""
    waiting: dict[tuple[object, ...], list[Item]] = {}
    for item in only_theirs.values():
        waiting.setdefault(_shape(item), []).append(item)
    pairs = []
    for item in only_ours.values():
        candidates = waiting.get(_shape(item), [])
        if item.kind in ("constraint", "index") and candidates:
            pairs.append((item, candidates.pop(0)))
    return pairs


def _shape(item: Item) -> tuple[object, ...]:
    """The item without its name (an index definition names its index)."""
    attrs = dict(item.attrs)
    definition = attrs.get("definition")
    if item.kind == "index" and isinstance(definition, str):
        attrs["definition"] = _INDEX_NAME.sub(r"\1?\3", definition)
    return (item.kind, item.schema, item.table, tuple(sorted(attrs.items())))


def _rename(model: Item, actual: Item) -> Difference:
    label = f"{model.kind} on {_qualify(model.schema, model.table)}"
    return Difference("both", model.kind, label, "name", model.name, actual.name)


def _qualify(schema: str, name: str) -> str:
    return name if schema in ("", "public") else f"{schema}.{name}"
