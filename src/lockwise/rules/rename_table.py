"""LW305 rename-table: ALTER TABLE ... RENAME TO on a table that already exists."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ObjectType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag existing tables renamed without a view that keeps the old name working."""
    shims = {relation_name(node.view) for _, node in facts.of_type(ast.ViewStmt)}
    for statement, node in facts.of_type(ast.RenameStmt):
        if node.renameType != ObjectType.OBJECT_TABLE:
            continue
        old, new = relation_name(node.relation), node.newname
        if statement.existed_before(old) and old not in shims:
            yield Hit(
                f"ALTER TABLE {old} RENAME TO {new}: every running process still queries "
                f"{old} and fails until it is replaced, while new code that expects {new} "
                "fails wherever the migration has not run yet",
                statement.index,
            )


RULE = Rule(
    id="LW305",
    name="rename-table",
    severity="warning",
    summary="op.rename_table on an existing table, with no view left under the old name",
    lock="",
    blocks=(
        "reads and writes on the table only for a moment (the rename edits the catalog); "
        "the harm is to running code"
    ),
    why=(
        "A rename is instant, but the code deployed before the migration queries the old "
        "name and the code deployed after it the new one; during a rolling deploy both run, "
        'and every query from the other release fails with "relation does not exist". '
        "Keep the table name and change only the class name, or leave a view under the old "
        "name in the same transaction: a view over a single table with no joins or "
        "aggregates is automatically updatable, so old code keeps reading and writing "
        "through it until the next release drops it."
    ),
    # Simple views are automatically updatable (INSERT, UPDATE, DELETE pass through):
    # https://www.postgresql.org/docs/current/sql-createview.html
    fix=(
        '# Usually: keep the table and set __tablename__ = "orders" on the renamed class.\n'
        "# Otherwise rename and leave an updatable view under the old name, dropped in\n"
        "# the next release once no process uses it:\n"
        "def upgrade() -> None:\n"
        '    op.rename_table("orders", "purchases")\n'
        '    op.execute("CREATE VIEW orders AS SELECT * FROM purchases")'
    ),
    check=check,
    bad=(
        Example(
            setup=f"{_ORDERS}; INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g",
            upgrade='op.rename_table("orders", "purchases")',
        ),
    ),
    good=(
        Example(
            setup=_ORDERS,
            upgrade=(
                'op.rename_table("orders", "purchases")\n'
                'op.execute("CREATE VIEW orders AS SELECT * FROM purchases")'
            ),
        ),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True))\n'
                'op.rename_table("orders", "purchases")'
            ),
        ),
    ),
    aliases={"squawk": "renaming-table", "strong_migrations": "rename_table"},
    downgrades=False,
)
