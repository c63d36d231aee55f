"""LW101 add-column-volatile-default: ADD COLUMN whose default is computed row by row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name

# Known volatile defaults, for plain SQL where no rewrite could be measured.
VOLATILE = {"gen_random_uuid", "uuid_generate_v4", "uuidv7", "random", "clock_timestamp", "nextval"}


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag ADD COLUMN ... DEFAULT f() measured rewriting a table that existed before."""
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        found = [(c, f) for c, f in _defaulted(node) if _rewrites(facts, statement, table, f)]
        if found and facts.existed_before(statement, table):
            column, calls = found[0]
            yield Hit(
                f"ADD COLUMN {column} DEFAULT {f'{calls[0]}()' if calls else '(before PG 11)'} "
                f"rewrites {table} under ACCESS EXCLUSIVE: the default is written into every "
                "existing row, so reads and writes wait for the whole rewrite of the table",
                statement.index,
            )


def _defaulted(node: Any) -> Iterator[tuple[str, list[str]]]:  # (column, functions called)
    for cmd in node.cmds:
        if cmd.subtype == AlterTableType.AT_AddColumn:
            for constraint in cmd.def_.constraints or ():
                if constraint.contype == ConstrType.CONSTR_DEFAULT:
                    yield cmd.def_.colname, sorted(set(_calls(constraint.raw_expr)))


def _rewrites(facts: RevisionFacts, st: StatementFacts, table: str, calls: list[str]) -> bool:
    # https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
    if facts.target_version < 11:  # before 11 every default rewrote; since, volatile ones
        return True
    if facts.measured and facts.failure is None:
        return bool(calls) and table in st.captured.rewrites
    return bool(VOLATILE.intersection(calls))


def _calls(node: Any) -> Iterator[str]:
    """The names of the functions an expression calls."""
    if isinstance(node, ast.FuncCall) and node.funcname:
        yield str(node.funcname[-1].sval)
    if isinstance(node, ast.Node):
        node = tuple(getattr(node, member) for member in node)
    for child in node if isinstance(node, tuple) else ():
        yield from _calls(child)


_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);"
    " INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g"
)
_ADD_TOKEN = (
    'op.add_column("orders", sa.Column("token", sa.Uuid(),'
    ' server_default=sa.text("gen_random_uuid()")))'
)
_NEW_ORDERS = 'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True))'

RULE = Rule(
    id="LW101",
    name="add-column-volatile-default",
    severity="error",
    summary="op.add_column with a volatile server_default (gen_random_uuid(), random(), nextval())",
    lock="AccessExclusiveLock",
    blocks="every read and write of the table for the whole rewrite",
    why=(
        "Since PostgreSQL 11, ADD COLUMN with a non-volatile default only stores the value in "
        "the catalog. A volatile default (gen_random_uuid(), random(), nextval()) is computed "
        "once per row: PostgreSQL rewrites the table and rebuilds every index under ACCESS "
        "EXCLUSIVE, and even SELECTs queue behind it for the whole copy (any default, before 11)."
    ),
    fix=(
        'op.add_column("orders", sa.Column("token", sa.Uuid(), nullable=True))\n'
        'op.alter_column("orders", "token", server_default=sa.text("gen_random_uuid()"))\n'
        "# backfill existing rows in batches outside this revision; NOT NULL later (LW106)"
    ),
    check=check,
    bad=(Example(setup=_SETUP, upgrade=_ADD_TOKEN),),
    good=(
        Example(
            setup=_SETUP,
            upgrade=(
                'op.add_column("orders", sa.Column("token", sa.Uuid(), nullable=True))\n'
                'op.alter_column("orders", "token", server_default=sa.text("gen_random_uuid()"))\n'
                'op.add_column("orders", sa.Column("created_at", sa.DateTime(timezone=True),'
                " server_default=sa.func.now()))"
            ),
        ),
        Example(upgrade=f"{_NEW_ORDERS}\n{_ADD_TOKEN}"),
    ),
    aliases={"squawk": "adding-field-with-default", "strong_migrations": "add_column_default"},
    versions="PostgreSQL 11+: only volatile defaults rewrite; before 11 every default rewrites",
)
