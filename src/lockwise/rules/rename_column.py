"""LW304 rename-column: RENAME COLUMN on a table that already exists."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ObjectType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag columns renamed on tables that existed before the revision."""
    for statement, node in facts.of_type(ast.RenameStmt):
        if node.renameType != ObjectType.OBJECT_COLUMN:
            continue
        table, old, new = relation_name(node.relation), node.subname, node.newname
        if statement.existed_before(table):
            yield Hit(
                f"ALTER TABLE {table} RENAME {old} TO {new}: every running process still "
                f"reads and writes {table}.{old} and fails until it is replaced, while new "
                f"code that expects {new} fails wherever the migration has not run yet",
                statement.index,
            )


RULE = Rule(
    id="LW304",
    name="rename-column",
    severity="warning",
    summary="op.alter_column(new_column_name=...) on an existing table",
    lock="",
    blocks=(
        "reads and writes on the table only for a moment (the rename edits the catalog); "
        "the harm is to running code"
    ),
    why=(
        "A rename is instant, but there is no moment at which it is safe: the code deployed "
        "before the migration uses the old name, the code deployed after it the new one, "
        "and during a rolling deploy both run at once. SQLAlchemy names every mapped column "
        "in its SELECT and INSERT statements, so each query on the table from the other "
        "release fails. Keep the database name and rename only the Python attribute, or "
        "move the data to a new column over several releases (expand, dual write, "
        "backfill, switch reads, contract)."
    ),
    # RENAME changes only the catalog; stored data is untouched:
    # https://www.postgresql.org/docs/current/sql-altertable.html
    fix=(
        "# Usually: keep the column's name and rename only the attribute in the model:\n"
        '#     amount: Mapped[Decimal] = mapped_column("total", Numeric)\n'
        "# Otherwise expand/contract. Release N adds the new column, code writes both:\n"
        "def upgrade() -> None:\n"
        '    op.add_column("orders", sa.Column("amount", sa.Numeric(), nullable=True))\n'
        "# then a batched backfill (UPDATE orders SET amount = total ...), release N+1 reads\n"
        '# amount, and release N+2 runs op.drop_column("orders", "total").'
    ),
    check=check,
    bad=(
        Example(
            setup=f"{_ORDERS}; INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g",
            upgrade='op.alter_column("orders", "total", new_column_name="amount")',
        ),
    ),
    good=(
        Example(
            setup=_ORDERS,
            upgrade='op.add_column("orders", sa.Column("amount", sa.Numeric(), nullable=True))',
        ),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("total", sa.Numeric()))\n'
                'op.alter_column("orders", "total", new_column_name="amount")'
            ),
        ),
    ),
    aliases={"squawk": "renaming-column", "strong_migrations": "rename_column"},
    downgrades=False,
)
