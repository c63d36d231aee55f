"""LW102 add-column-serial-or-identity: a new serial or identity column on an existing table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

SERIALS = {"smallserial", "serial", "bigserial", "serial2", "serial4", "serial8"}


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag ADD COLUMN serial / IDENTITY measured rewriting a table that existed before."""
    measured = facts.measured and facts.failure is None
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        columns = list(_numbered(node))
        if not columns or not facts.existed_before(statement, table):
            continue
        if not measured or table in statement.captured.rewrites:
            yield Hit(
                f"ADD COLUMN {columns[0]} (serial or identity) fills every existing row from a "
                f"sequence: it rewrites {table} under ACCESS EXCLUSIVE, so reads and writes wait "
                "for the whole rewrite of the table and its indexes",
                statement.index,
            )


def _numbered(node: Any) -> Iterator[str]:
    """The added columns whose values come from a sequence (serial types, identity)."""
    for cmd in node.cmds:
        if cmd.subtype != AlterTableType.AT_AddColumn:
            continue
        column = cmd.def_
        kinds = {constraint.contype for constraint in column.constraints or ()}
        if ConstrType.CONSTR_IDENTITY in kinds or column.typeName.names[-1].sval in SERIALS:
            yield str(column.colname)


_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);"
    " INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g"
)
_ADD_NUMBER = 'op.add_column("orders", sa.Column("number", sa.BigInteger(), sa.Identity()))'
_SAFE = (
    'op.execute(sa.schema.CreateSequence(sa.Sequence("orders_number_seq")))\n'
    'op.add_column("orders", sa.Column("number", sa.BigInteger(), nullable=True))\n'
    'op.alter_column("orders", "number",'
    " server_default=sa.text(\"nextval('orders_number_seq')\"))"
)

RULE = Rule(
    id="LW102",
    name="add-column-serial-or-identity",
    severity="error",
    summary="op.add_column of a serial/bigserial or sa.Identity() column on an existing table",
    lock="AccessExclusiveLock",
    blocks="every read and write of the table for the whole rewrite",
    why=(
        "A serial column's default is nextval(), which is volatile, and an identity column "
        "draws from its sequence too: PostgreSQL must store a distinct value in every existing "
        "row, so ADD COLUMN rewrites the table and rebuilds its indexes while it holds ACCESS "
        "EXCLUSIVE. Nothing can read or write the table until the copy is done."
    ),
    fix=_SAFE
    + "\n# backfill existing rows in batches outside this revision, then NOT NULL (LW106)",
    check=check,
    bad=(Example(setup=_SETUP, upgrade=_ADD_NUMBER),),
    good=(
        Example(setup=_SETUP, upgrade=_SAFE),
        Example(
            upgrade=('op.create_table("orders", sa.Column("total", sa.Numeric()))\n' + _ADD_NUMBER),
        ),
    ),
    aliases={"strong_migrations": "add_column_auto_incrementing"},
)
