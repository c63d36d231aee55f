"""LW113 enum-recreate: moving a column to an enum recreated in the revision, rewriting it."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name, type_tail


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag ALTER COLUMN TYPE to an enum created earlier in the revision, measured rewriting."""
    measured = facts.measured and facts.failure is None
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        changes = [c for c in node.cmds if c.subtype == AlterTableType.AT_AlterColumnType]
        moved = [
            c for c in changes if facts.enum_made_earlier(statement, type_tail(c.def_.typeName))
        ]
        if not moved or not facts.existed_before(statement, table):
            continue
        if not measured or table in statement.captured.rewrites:
            enum = type_tail(moved[0].def_.typeName)
            yield Hit(
                f"ALTER COLUMN {moved[0].name} TYPE {enum} (an enum recreated to drop or reorder "
                f"values) rewrites {table} under ACCESS EXCLUSIVE: reads and writes wait while "
                "every row is converted, and so on for each table that uses the enum",
                statement.index,
            )


_SETUP = (
    "CREATE TYPE order_status AS ENUM ('new', 'paid', 'void');"
    " CREATE TABLE orders (id bigint PRIMARY KEY, status order_status NOT NULL);"
    " INSERT INTO orders SELECT g, 'paid' FROM generate_series(1, 100) g"
)
# What alembic-postgresql-enum's sync emits to drop the value 'void'.
_RECREATE = (
    'op.execute("ALTER TYPE order_status RENAME TO order_status_old")\n'
    'sa.Enum("new", "paid", name="order_status").create(op.get_bind())\n'
    'op.alter_column("orders", "status", type_=sa.Enum("new", "paid", name="order_status"),'
    ' postgresql_using="status::text::order_status")\n'
    'op.execute("DROP TYPE order_status_old")'
)

RULE = Rule(
    id="LW113",
    name="enum-recreate",
    severity="error",
    summary="an enum recreated (value removed or reordered) and columns moved to it with USING",
    lock="AccessExclusiveLock",
    blocks="every read and write of each table that uses the enum, one rewrite after the other",
    # https://www.postgresql.org/docs/current/sql-altertype.html (values can be added, not removed)
    why=(
        "PostgreSQL can add a value to an enum but not remove or reorder one, so tools (and "
        "alembic-postgresql-enum's sync) rename the old type, create a new one and move every "
        "column over with ALTER COLUMN TYPE ... USING. That is a type change: each table that "
        "uses the enum is rewritten, indexes and all, under ACCESS EXCLUSIVE."
    ),
    fix=(
        "# keep dead values (stop writing them in the code), and append new ones:\n"
        "with op.get_context().autocommit_block():\n"
        "    op.execute(\"ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded'\")\n"
        "# or move to text + a CHECK (NOT VALID) or a lookup table, expand/contract"
    ),
    check=check,
    bad=(Example(setup=_SETUP, upgrade=_RECREATE),),
    good=(
        Example(
            setup=_SETUP,
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                "    op.execute(\"ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded'\")"
            ),
        ),
        Example(
            upgrade=(
                'op.create_table("refunds", sa.Column("status", sa.Text(), nullable=False))\n'
                'sa.Enum("new", "done", name="refund_status").create(op.get_bind())\n'
                'op.alter_column("refunds", "status", type_=sa.Enum("new", "done",'
                ' name="refund_status"), postgresql_using="status::refund_status")'
            ),
        ),
    ),
    aliases={"strong_migrations": "rename_enum_value"},
)
