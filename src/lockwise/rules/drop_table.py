"""LW302 drop-table: DROP TABLE of a table that already exists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import DropBehavior, ObjectType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag dropped tables that existed before the revision."""
    for statement, node in facts.of_type(ast.DropStmt):
        if node.removeType != ObjectType.OBJECT_TABLE:
            continue
        cascade = node.behavior == DropBehavior.DROP_CASCADE
        for table in map(_name, node.objects):
            if statement.existed_before(table):
                yield Hit(_message(table, cascade), statement.index)


def _name(names: tuple[Any, ...]) -> str:
    """A table as capture names it: bare in `public`, else `schema.name`."""
    return ".".join(str(part.sval) for part in names).removeprefix("public.")


def _message(table: str, cascade: bool) -> str:
    also = ", and CASCADE also drops the views and foreign keys that use it" if cascade else ""
    return (
        f"DROP TABLE {table}: every row of {table} is gone for good and running code that "
        f"still queries it fails{also}"
    )


RULE = Rule(
    id="LW302",
    name="drop-table",
    severity="warning",
    summary="op.drop_table on a table that existed before the revision",
    lock="",
    blocks=(
        "reads and writes on the table (and on tables whose foreign keys point at it) only "
        "for a moment; the harm is to running code and to the data"
    ),
    why=(
        "DROP TABLE removes the table and its data at once, and a downgrade that creates it "
        "again brings back an empty table. Every process still running the previous "
        "release fails on its first query to the table. Views, foreign keys and functions "
        "that depend on it make the drop fail, unless CASCADE is given, which drops them "
        "too, silently. Retire a table in stages: ship code that no longer uses it, check "
        "it is unused (pg_stat_user_tables shows no new reads or writes), keep a copy, "
        "then drop it in a later release."
    ),
    # DROP TABLE removes data, indexes, rules, triggers and constraints; CASCADE also
    # drops dependent views and foreign keys:
    # https://www.postgresql.org/docs/current/sql-droptable.html
    fix=(
        "# Release N: remove the model and every query on the table.\n"
        "# Release N+1, once nothing reads or writes it (pg_stat_user_tables) and a copy\n"
        "# is kept (pg_dump -t legacy_orders), drop it:\n"
        "def upgrade() -> None:\n"
        '    op.drop_table("legacy_orders")'
    ),
    check=check,
    bad=(
        Example(
            setup=(
                "CREATE TABLE legacy_orders (id bigint PRIMARY KEY, total numeric);"
                " INSERT INTO legacy_orders SELECT g, g FROM generate_series(1, 100) g"
            ),
            upgrade='op.drop_table("legacy_orders")',
        ),
    ),
    good=(
        Example(
            upgrade=(
                'op.create_table("import_batch", sa.Column("id", sa.BigInteger(),'
                " primary_key=True))\n"
                'op.execute("INSERT INTO import_batch SELECT g FROM generate_series(1, 10) g")\n'
                'op.drop_table("import_batch")'
            ),
        ),
    ),
    aliases={"squawk": "ban-drop-table"},
    downgrades=False,
)
