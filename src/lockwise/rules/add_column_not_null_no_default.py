"""LW105 add-column-not-null-no-default: a required column added with no server default."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_ADD = AlterTableType.AT_AddColumn
SERIALS = {"smallserial", "serial", "bigserial", "serial2", "serial4", "serial8"}
_REQUIRED = {ConstrType.CONSTR_NOTNULL, ConstrType.CONSTR_PRIMARY}
_FILLED = {ConstrType.CONSTR_DEFAULT, ConstrType.CONSTR_IDENTITY, ConstrType.CONSTR_GENERATED}


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag ADD COLUMN ... NOT NULL without a default on a table that existed before.

    Not after the same transaction emptied the table (TRUNCATE, or DELETE with no WHERE)
    and wrote nothing into it since: there are no rows to hold NULL then.
    """
    emptied: set[str] = set()  # by earlier statements of the current transaction
    for statement in facts.statements:
        node = statement.node
        if not statement.captured.transactional or isinstance(node, ast.TransactionStmt):
            emptied = set()
        emptied = (emptied | _emptied(node)) - _filled(node)
        if not isinstance(node, ast.AlterTableStmt) or node.relation is None:
            continue
        table = relation_name(node.relation)
        adds = [c.def_ for c in node.cmds or () if c.subtype == _ADD]
        columns = [column for column in adds if _required_unfilled(column)]
        if columns and table not in emptied and facts.existed_before(statement, table):
            failed = (
                facts.failure is not None and (facts.failure.sql or "").strip() == statement.sql
            )
            yield Hit(
                f"ADD COLUMN {columns[0].colname} NOT NULL with no server default fails whenever "
                f"{table} has rows, which would hold NULL{' (it failed here)' if failed else ''}; "
                "and inserts from the running code, which does not send the column yet, fail too",
                statement.index,
            )


def _filled(node: object) -> set[str]:
    """The table an INSERT, MERGE or COPY FROM writes rows into."""
    if isinstance(node, ast.InsertStmt | ast.MergeStmt) and node.relation is not None:
        return {relation_name(node.relation)}
    if isinstance(node, ast.CopyStmt) and node.is_from and node.relation is not None:
        return {relation_name(node.relation)}
    return set()


def _emptied(node: object) -> set[str]:
    """The tables a TRUNCATE, or a DELETE with no WHERE, empties."""
    if isinstance(node, ast.TruncateStmt):
        return {relation_name(relation) for relation in node.relations or ()}
    if (
        isinstance(node, ast.DeleteStmt)
        and node.relation
        and not (node.whereClause or node.usingClause)
    ):
        return {relation_name(node.relation)}
    return set()


def _required_unfilled(column: Any) -> bool:
    """NOT NULL (or PRIMARY KEY), with nothing to fill existing rows: no default, no sequence."""
    kinds = {constraint.contype for constraint in column.constraints or ()}
    required = column.is_not_null or bool(kinds & _REQUIRED)
    return required and not kinds & _FILLED and column.typeName.names[-1].sval not in SERIALS


_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);"
    " INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g"
)

RULE = Rule(
    id="LW105",
    name="add-column-not-null-no-default",
    severity="error",
    summary="op.add_column(nullable=False) without a server_default (Python default= not counted)",
    lock="",
    blocks="",
    # https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
    why=(
        "Existing rows get NULL in a new column with no server default, so ADD COLUMN ... NOT "
        "NULL fails on any non-empty table: it passes on an empty dev database and breaks the "
        "deploy (a Python `default=` is never sent to the database). Where it succeeds, the "
        "code still running inserts rows without the column, and those inserts fail."
    ),
    fix=(
        "# nullable first; make it NOT NULL once the code writes it and rows are backfilled\n"
        'op.add_column("orders", sa.Column("status", sa.Text(), nullable=True))\n'
        "# or NOT NULL with a constant server default (no rewrite on PostgreSQL 11+)\n"
        'op.add_column("orders", sa.Column("status", sa.Text(), nullable=False,'
        ' server_default="new"))'
    ),
    check=check,
    bad=(
        Example(
            setup=_SETUP,
            upgrade='op.add_column("orders", sa.Column("status", sa.Text(), nullable=False))',
        ),
        Example(
            setup=_SETUP,
            upgrade=(
                'op.add_column("orders", sa.Column("status", sa.Text(), nullable=False,'
                ' default="new"))'
            ),
        ),
    ),
    good=(
        Example(
            setup=_SETUP,
            upgrade=(
                'op.add_column("orders", sa.Column("note", sa.Text(), nullable=True))\n'
                'op.add_column("orders", sa.Column("status", sa.Text(), nullable=False,'
                ' server_default="new"))'
            ),
        ),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True))\n'
                'op.add_column("orders", sa.Column("status", sa.Text(), nullable=False))'
            ),
        ),
        Example(  # a cache table emptied first, in the same transaction
            setup=_SETUP,
            upgrade=(
                'op.execute("DELETE FROM orders")\n'
                'op.add_column("orders", sa.Column("status", sa.Text(), nullable=False))'
            ),
        ),
    ),
    aliases={"squawk": "adding-required-field"},
    versions="the constant server_default route needs PostgreSQL 11+ to avoid a rewrite",
)
