"""LW101 add-column-volatile-default: ADD COLUMN whose default is computed row by row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType
from pglast.stream import RawStream

from lockwise.rules._volatility import made_stable, volatile_calls, why_volatile
from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag ADD COLUMN ... DEFAULT f() rewriting a table that existed before.

    Measured, the rewrite is PostgreSQL's; unmeasured (plain SQL), a call to a function
    the catalog knows as volatile, or does not know and neither the project
    (`stable_functions`) nor a CREATE FUNCTION earlier in the file declares stable.
    """
    settings = tuple(facts.settings.get("stable_functions", ()))
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        if not facts.existed_before(statement, table):
            continue
        stable = settings + tuple(made_stable(facts, statement.index))
        for column, default in _defaulted(node):
            volatile = volatile_calls(default, stable)
            if _rewrites(facts, statement, table, default, volatile):
                yield Hit(_message(table, column, default, volatile), statement.index)
                break


def _defaulted(node: Any) -> Iterator[tuple[str, Any]]:  # (column, its DEFAULT expression)
    for cmd in node.cmds:
        if cmd.subtype == AlterTableType.AT_AddColumn:
            for constraint in cmd.def_.constraints or ():
                if constraint.contype == ConstrType.CONSTR_DEFAULT:
                    yield cmd.def_.colname, constraint.raw_expr


def _rewrites(
    facts: RevisionFacts, st: StatementFacts, table: str, default: Any, volatile: list[str]
) -> bool:
    # https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
    if facts.target_version < 11:  # before 11 every default rewrote; since, volatile ones
        return True
    if facts.measured and facts.failure is None:
        return bool(volatile) and table in st.captured.rewrites  # else LW104's domain
    return bool(volatile)


def _message(table: str, column: str, default: Any, volatile: list[str]) -> str:
    why = f"{why_volatile(volatile[0])}, so it" if volatile else "the default"
    return (
        f"ADD COLUMN {column} DEFAULT {RawStream()(default)} rewrites {table} under ACCESS "
        f"EXCLUSIVE, and reads and writes wait for the whole rewrite: {why} is computed for "
        "each existing row and written into it"
    )


_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);"
    " INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g"
)
_ADD_TOKEN = (
    'op.add_column("orders", sa.Column("token", sa.Uuid(),'
    ' server_default=sa.text("gen_random_uuid()")))'
)
_NEXT_CODE = (
    "CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$"
)
_ADD_CODE = (
    'op.add_column("orders", sa.Column("code", sa.Text(),'
    " server_default=sa.text(\"coalesce(next_code(), '')\")))"
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
        "the catalog. A volatile default (gen_random_uuid(), random(), nextval(), or a function "
        "created without STABLE or IMMUTABLE, which makes it volatile) is computed once per "
        "row: PostgreSQL rewrites the table and rebuilds every index under ACCESS EXCLUSIVE, "
        "and even SELECTs queue behind it for the whole copy (any default, before 11)."
    ),
    fix=(
        'op.add_column("orders", sa.Column("token", sa.Uuid(), nullable=True))\n'
        'op.alter_column("orders", "token", server_default=sa.text("gen_random_uuid()"))\n'
        "# backfill existing rows in batches outside this revision; NOT NULL later (LW106)"
    ),
    check=check,
    bad=(
        Example(setup=_SETUP, upgrade=_ADD_TOKEN),
        Example(setup=f"{_SETUP}; {_NEXT_CODE}", upgrade=_ADD_CODE),
    ),
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
