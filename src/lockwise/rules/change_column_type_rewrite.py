"""LW107 change-column-type-rewrite: ALTER COLUMN TYPE that rewrites an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType
from pglast.stream import RawStream

from lockwise.rules._type_changes import TypeChange, type_changes
from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name, type_tail

_WHAT = (
    "rewrites {table} and rebuilds its indexes under ACCESS EXCLUSIVE: reads and writes wait "
    "for the whole rewrite"
)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag ALTER COLUMN TYPE rewriting a table that existed before.

    Measured, the rewrite is PostgreSQL's. Unmeasured (plain SQL), the change is judged
    from the column's type defined earlier in the file; when the file does not define
    it, the finding says what the answer depends on. A change that keeps the rows is
    LW108's to report, when it rebuilds indexes.
    """
    measured = facts.measured and facts.failure is None
    judged = {} if measured else type_changes(facts)
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        changes = [c for c in node.cmds if c.subtype == AlterTableType.AT_AlterColumnType]
        # LW113 enum-recreate reports a change to an enum the revision made
        changes = [
            c for c in changes if not facts.enum_made_earlier(statement, type_tail(c.def_.typeName))
        ]
        if not changes or not facts.existed_before(statement, table):
            continue
        if measured:
            if table in statement.captured.rewrites:
                change = (
                    f"ALTER COLUMN {changes[0].name} TYPE {RawStream()(changes[0].def_.typeName)}"
                )
                yield Hit(f"{change} {_WHAT.format(table=table)}", statement.index)
            continue
        mine = [j for j in judged[statement.index] if any(j.command is c for c in changes)]
        message = _unmeasured(table, mine)
        if message:
            yield Hit(message, statement.index)


def _unmeasured(table: str, changes: list[TypeChange]) -> str:
    """The finding on one statement's type changes, judged from the parse tree, or ""."""
    for change in changes:
        if change.verdict == "rewrite":
            return (
                f"ALTER COLUMN {change.column} TYPE {change.new} rewrites {table} and rebuilds "
                "its indexes under ACCESS EXCLUSIVE, and reads and writes wait for the whole "
                f"rewrite: {change.why}"
            )
    for change in changes:
        if change.verdict == "unknown":
            return _unknown(table, change)
    return ""  # every change keeps the rows


def _unknown(table: str, change: TypeChange) -> str:
    column, new = change.column, change.new
    message = (
        f"ALTER COLUMN {column} TYPE {new}: this file does not define the type {column} has "
        f"now, so whether it rewrites {table} is not known here. Unless it is {new} already or "
        f"binary-coercible to it (varchar(n) is to text and to a wider varchar; numeric(p, s) "
        f"to a wider numeric of the same scale), PostgreSQL {_WHAT.format(table=table)}"
    )
    if change.rebuilds_indexes:
        message += (
            f"; even when it keeps the rows, the new collation or operator class rebuilds the "
            f"indexes on {column} under the same lock"
        )
    return message


_SETUP = (
    "CREATE TABLE orders (id integer PRIMARY KEY, total numeric(10, 2), note varchar(10));"
    " INSERT INTO orders SELECT g, g, 'n' || g FROM generate_series(1, 100) g"
)

RULE = Rule(
    id="LW107",
    name="change-column-type-rewrite",
    severity="error",
    summary="op.alter_column(type_=...) that rewrites the table (int to bigint, text to int, ...)",
    lock="AccessExclusiveLock",
    blocks="every read and write of the table for the whole rewrite",
    # https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
    why=(
        "Changing a column's type rewrites the whole table and rebuilds every index under ACCESS "
        "EXCLUSIVE, unless the old type is binary-coercible to the new one and no value needs "
        "checking again: varchar(n) to text or to a wider varchar, numeric(p, s) to a wider "
        "precision of the same scale or to numeric, cidr to inet, xml to text. int to bigint, "
        "text to int, char(n) to text, a new numeric scale all rewrite, and so does timestamp to "
        "timestamptz unless the session's TimeZone is UTC: no query reaches the table for the "
        "whole copy."
    ),
    fix=(
        "# expand: a new column, kept in step by a trigger, backfilled in batches\n"
        'op.add_column("orders", sa.Column("id_v2", sa.BigInteger(), nullable=True))\n'
        'op.execute("CREATE TRIGGER orders_id_v2 BEFORE INSERT OR UPDATE ON orders ...")\n'
        "# then switch reads and writes to id_v2 in the code, and contract in a later\n"
        '# release: op.drop_column("orders", "id") + op.alter_column(new_column_name="id")'
    ),
    check=check,
    bad=(
        Example(
            setup=_SETUP,
            upgrade=(
                'op.alter_column("orders", "id", type_=sa.BigInteger(), existing_type=sa.Integer())'
            ),
        ),
        Example(
            setup=_SETUP, upgrade='op.alter_column("orders", "total", type_=sa.Numeric(12, 4))'
        ),
    ),
    good=(
        Example(setup=_SETUP, upgrade='op.alter_column("orders", "note", type_=sa.Text())'),
        Example(
            setup=_SETUP,
            upgrade=(
                'op.alter_column("orders", "note", type_=sa.String(50))\n'
                'op.alter_column("orders", "total", type_=sa.Numeric(12, 2))'
            ),
        ),
        Example(
            setup=_SETUP,
            upgrade=(
                'op.alter_column("orders", "note", type_=sa.Text(), existing_type=sa.String(10))'
            ),
        ),
        Example(
            setup=_SETUP,
            upgrade='op.add_column("orders", sa.Column("id_v2", sa.BigInteger(), nullable=True))',
        ),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.Integer(), primary_key=True))\n'
                'op.alter_column("orders", "id", type_=sa.BigInteger(), existing_type=sa.Integer())'
            ),
        ),
    ),
    aliases={"squawk": "changing-column-type", "strong_migrations": "change_column"},
    versions="PostgreSQL 12+: timestamp to timestamptz is no rewrite when the session is UTC",
)
