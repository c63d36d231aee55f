"""LW111 set-tablespace-or-access-method: moving or re-storing an existing table's data."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_MOVES = {
    AlterTableType.AT_SetTableSpace: "SET TABLESPACE",
    AlterTableType.AT_SetAccessMethod: "SET ACCESS METHOD",
}


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag SET TABLESPACE / SET ACCESS METHOD measured rewriting a relation that existed before."""
    measured = facts.measured and facts.failure is None
    for statement, node in facts.of_type(ast.AlterTableStmt):
        name = relation_name(node.relation)  # a table, an index or a materialized view
        moves = [_MOVES[c.subtype] for c in node.cmds if c.subtype in _MOVES]
        if not moves or not facts.existed_before(statement, name):
            continue
        if not measured or name in statement.captured.rewrites:
            yield Hit(
                f"{moves[0]} copies all of {name} into new files under ACCESS EXCLUSIVE: reads "
                "and writes wait until every block is copied",
                statement.index,
            )


# A second table access method: heap's own handler under another name, as PostgreSQL's tests do.
_SETUP = (
    "CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler;"
    " CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);"
    " INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g"
)
_SAFE = (
    'op.create_table("orders_v2", sa.Column("id", sa.BigInteger(), primary_key=True),'
    ' sa.Column("total", sa.Numeric()), postgresql_using="heap2")\n'
    "# then copy in batches, dual-write, and swap the tables in a later release"
)

RULE = Rule(
    id="LW111",
    name="set-tablespace-or-access-method",
    severity="error",
    summary="ALTER TABLE ... SET TABLESPACE or SET ACCESS METHOD on an existing table",
    lock="AccessExclusiveLock",
    blocks="every read and write of the table for the whole copy",
    # https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-TABLESPACE
    why=(
        "SET TABLESPACE moves the table's files block by block to the new tablespace, and SET "
        "ACCESS METHOD (PostgreSQL 15+) rewrites every row into the new storage format; both "
        "hold ACCESS EXCLUSIVE for the whole copy, so nothing can read or write the table. "
        "Indexes moved with ALTER INDEX ... SET TABLESPACE block the same way."
    ),
    fix=_SAFE,
    check=check,
    bad=(
        Example(setup=_SETUP, upgrade='op.execute("ALTER TABLE orders SET ACCESS METHOD heap2")'),
    ),
    good=(
        Example(setup=_SETUP, upgrade=_SAFE),
        Example(
            setup=_SETUP,
            upgrade=(
                'op.create_table("orders_v2", sa.Column("id", sa.BigInteger(), primary_key=True))\n'
                'op.execute("ALTER TABLE orders_v2 SET ACCESS METHOD heap2")'
            ),
        ),
    ),
    versions="SET ACCESS METHOD exists from PostgreSQL 15",
)
