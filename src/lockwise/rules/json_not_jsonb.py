"""LW314 json-not-jsonb: a column of type json instead of jsonb."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_TYPED = (AlterTableType.AT_AddColumn, AlterTableType.AT_AlterColumnType)
_ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag json columns in CREATE TABLE, ADD COLUMN and ALTER COLUMN ... TYPE."""
    for statement in facts.statements:
        for table, column, definition in _columns(statement.node):
            if definition.typeName and definition.typeName.names[-1].sval == "json":
                yield Hit(
                    f"{table}.{column} is json: json has no equality operator, so SELECT "
                    f"DISTINCT, UNION and GROUP BY over rows of {table} that include it fail, "
                    "and every read parses the text again; jsonb has neither problem",
                    statement.index,
                )


def _columns(node: ast.Node | None) -> Iterator[tuple[str, str, Any]]:
    """(table, column, ColumnDef) for each column a CREATE TABLE or ALTER TABLE types."""
    if isinstance(node, ast.CreateStmt) and node.relation:
        for element in node.tableElts or ():
            if isinstance(element, ast.ColumnDef):
                yield relation_name(node.relation), str(element.colname), element
    elif isinstance(node, ast.AlterTableStmt) and node.relation:
        for cmd in node.cmds or ():
            if cmd.subtype in _TYPED:
                yield relation_name(node.relation), str(cmd.name or cmd.def_.colname), cmd.def_


RULE = Rule(
    id="LW314",
    name="json-not-jsonb",
    severity="warning",
    summary="sa.JSON / json column instead of postgresql.JSONB",
    lock="",
    blocks="nothing by itself; the harm is to queries on the table",
    why=(
        "PostgreSQL's json type keeps the text as given and has no equality operator, so "
        'every query that compares its values fails with "could not identify an equality '
        'operator for type json": SELECT DISTINCT over the row, UNION, GROUP BY, =. Adding a '
        "json column to an existing table breaks such queries that already run (SELECT "
        "DISTINCT orders.* ...). jsonb is stored parsed, compares, supports containment (@>) "
        "and GIN indexes, and is what sa.JSON should become on PostgreSQL."
    ),
    # The comparison operators are available for jsonb, not for json; json keeps the text:
    # https://www.postgresql.org/docs/current/datatype-json.html
    # https://www.postgresql.org/docs/current/functions-json.html
    fix=(
        "from sqlalchemy.dialects import postgresql\n\n"
        'op.add_column("orders", sa.Column("meta", postgresql.JSONB(), nullable=True))'
    ),
    check=check,
    bad=(
        Example(setup=_ORDERS, upgrade='op.add_column("orders", sa.Column("meta", sa.JSON()))'),
        Example(
            upgrade=(
                'op.create_table("events", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("payload", sa.JSON(), nullable=False))'
            ),
        ),
    ),
    good=(
        Example(
            setup=_ORDERS,
            upgrade=(
                "from sqlalchemy.dialects import postgresql\n"
                'op.add_column("orders", sa.Column("meta", postgresql.JSONB(), nullable=True))'
            ),
        ),
    ),
    aliases={"strong_migrations": "add_column_json"},
)
