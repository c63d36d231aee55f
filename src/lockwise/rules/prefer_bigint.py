"""LW501 prefer-bigint: int or smallint key columns, and uuid primary keys."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ConstrType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

# 4- and 2-byte integers, as the parser names them (integer is int4, serial stays serial):
# https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-INT
_NARROW = {"int2": "smallint", "serial2": "smallserial", "smallserial": "smallserial"}
_NARROW |= {"int4": "integer", "serial": "serial", "serial4": "serial"}
# Constraint type -> (what it makes a column, the field listing a table constraint's columns)
_KEYS: dict[object, tuple[str, str]] = {
    ConstrType.CONSTR_PRIMARY: ("primary key", "keys"),
    ConstrType.CONSTR_FOREIGN: ("foreign key", "fk_attrs"),
}
_GOOD = (
    'op.create_table("items", sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),'
    '\n                sa.Column("quantity", sa.Integer()))'
)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag narrow integer keys and uuid primary keys in CREATE TABLE and ADD COLUMN.

    Not a uuid primary key in a project whose `primary_key` setting names uuid.
    """
    uuid_keys = "uuid" in str(facts.settings.get("primary_key", "")).lower()
    for statement in facts.statements:
        node = statement.node
        if not isinstance(node, ast.CreateStmt | ast.AlterTableStmt) or node.relation is None:
            continue
        table, keys = relation_name(node.relation), _keys(node)
        for name, column in _columns(node):
            kind = keys.get(name)
            if uuid_keys and kind == "primary key" and _type(column) == "uuid":
                continue
            if problem := _problem(kind, _type(column)):
                yield Hit(f"{table}.{name} {problem}", statement.index)


def _problem(kind: str | None, type_: str) -> str:
    if kind and type_ in _NARROW:
        limit = "32,767" if _NARROW[type_].startswith("small") else "2,147,483,647"
        return (
            f"is {_NARROW[type_]} ({kind}): it runs out at {limit}, and widening it later "
            "rewrites the table and its indexes under ACCESS EXCLUSIVE"
        )
    if kind == "primary key" and type_ == "uuid":
        return (
            "is a uuid primary key: 16 bytes in its index and in every foreign key to it, "
            "and random values spread inserts over the whole index, where a bigint identity "
            "key takes 8 and appends"
        )
    return ""


def _columns(node: ast.CreateStmt | ast.AlterTableStmt) -> Iterator[tuple[str, ast.ColumnDef]]:
    """The columns a CREATE TABLE defines or an ALTER TABLE adds, by name."""
    items = node.tableElts if isinstance(node, ast.CreateStmt) else node.cmds
    for item in items or ():
        column = getattr(item, "def_", item)  # an ALTER TABLE command holds its column
        if isinstance(column, ast.ColumnDef) and column.colname:
            yield str(column.colname), column


def _type(column: ast.ColumnDef) -> str:
    names = column.typeName.names if column.typeName else ()
    return str(getattr(names[-1], "sval", "")) if names else ""


def _keys(node: ast.CreateStmt | ast.AlterTableStmt) -> dict[str, str]:
    """Column -> "primary key" or "foreign key", from the constraints the statement declares."""
    keys: dict[str, str] = {}
    elements = node.tableElts if isinstance(node, ast.CreateStmt) else ()
    for constraint in (item for item in elements or () if isinstance(item, ast.Constraint)):
        kind, attribute = _KEYS.get(constraint.contype, ("", ""))
        for key in getattr(constraint, attribute, None) or ():
            keys.setdefault(str(key.sval), kind)
    for name, column in _columns(node):
        for constraint in column.constraints or ():
            if constraint.contype in _KEYS:
                keys.setdefault(name, _KEYS[constraint.contype][0])
    return keys


RULE = Rule(
    id="LW501",
    name="prefer-bigint",
    severity="warning",
    summary="A primary or foreign key of type int/smallint/serial (or a uuid primary key)",
    lock="",
    blocks="nothing today; widening the key later rewrites the table under ACCESS EXCLUSIVE",
    why=(
        "integer keys stop at 2,147,483,647 and smallint at 32,767; past that every insert "
        "fails. Widening the key then means ALTER COLUMN TYPE bigint on the table and on "
        "every table referencing it, each a full rewrite with its indexes under ACCESS "
        "EXCLUSIVE, for a saving of 4 bytes a row. uuid primary keys are twice as wide as "
        "bigint and, being random, spread inserts over the whole index; a project that keys "
        'on uuid on purpose says so with `primary_key = "uuid"` in `[tool.lockwise]`.'
    ),  # https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-INT
    fix=_GOOD,
    check=check,
    bad=(
        Example(
            upgrade='op.create_table("items", sa.Column("id", sa.Integer(), primary_key=True))'
        ),
        Example(
            setup="CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)",
            upgrade='op.create_table("items", sa.Column("id", sa.Uuid(), primary_key=True),'
            ' sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id")))',
        ),
    ),
    good=(Example(upgrade=_GOOD),),
    aliases={"squawk": "prefer-bigint-over-int, prefer-bigint-over-smallint"},
    downgrades=False,
)
