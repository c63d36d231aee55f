"""LW107 change-column-type-rewrite: ALTER COLUMN TYPE that rewrites an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType
from pglast.stream import RawStream

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name, type_tail

_WHAT = (
    "rewrites {table} and rebuilds its indexes under ACCESS EXCLUSIVE: reads and writes wait "
    "for the whole rewrite"
)
_UNLESS = "(unless binary-coercible, e.g. varchar(n) to text: not measured here) "


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag ALTER COLUMN TYPE measured rewriting a table that existed before."""
    measured = facts.measured and facts.failure is None
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        changes = [c for c in node.cmds if c.subtype == AlterTableType.AT_AlterColumnType]
        # LW113 enum-recreate reports a change to an enum the revision made
        changes = [
            c for c in changes if not facts.enum_made_earlier(statement, type_tail(c.def_.typeName))
        ]
        if not changes or not facts.existed_before(statement, table):
            continue
        if measured and table not in statement.captured.rewrites:
            continue
        change = f"ALTER COLUMN {changes[0].name} TYPE {RawStream()(changes[0].def_.typeName)}"
        hedge = "" if measured else _UNLESS
        yield Hit(f"{change} {hedge}{_WHAT.format(table=table)}", statement.index)


_SETUP = (
    "CREATE TABLE orders (id integer PRIMARY KEY, total numeric, note varchar(10));"
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
        "EXCLUSIVE, unless the old type is binary-coercible to the new one (varchar(n) to text "
        "or to a wider varchar; numeric to unconstrained numeric). int to bigint, text to int, "
        "a smaller numeric scale all rewrite: no query reaches the table for the whole copy."
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
    ),
    good=(
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
