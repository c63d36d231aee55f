"""LW308 drop-not-null: ALTER COLUMN ... DROP NOT NULL on a table that already exists."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL)"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag NOT NULL dropped from columns of tables that existed before the revision."""
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        if not statement.existed_before(table):
            continue
        for cmd in node.cmds:
            if cmd.subtype == AlterTableType.AT_DropNotNull:
                yield Hit(
                    f"ALTER TABLE {table} ALTER COLUMN {cmd.name} DROP NOT NULL: "
                    f"{table}.{cmd.name} may hold NULL from now on, and running code that "
                    "assumes a value (a non-Optional attribute, arithmetic, sorting) gets None",
                    statement.index,
                )


RULE = Rule(
    id="LW308",
    name="drop-not-null",
    severity="warning",
    summary="op.alter_column(nullable=True) on a column of an existing table",
    lock="",
    blocks=(
        "reads and writes on the table only for a moment (no scan is needed to drop the "
        "constraint); the harm is to code that reads the column"
    ),
    why=(
        "Dropping NOT NULL is instant, but it widens what the column may hold: as soon as "
        "new code (or a script) writes NULL, every reader that was written for a column "
        "that always had a value (Mapped[Decimal], sums, comparisons, serializers, other "
        "services and reports on the same database) gets None. The change cannot be taken "
        "back either: once NULLs are written, SET NOT NULL fails. Ship readers that handle "
        "NULL first, or keep the column NOT NULL and store an explicit marker value."
    ),
    # DROP NOT NULL only changes the catalog; SET NOT NULL must scan and fails on NULLs:
    # https://www.postgresql.org/docs/current/sql-altertable.html
    fix=(
        "# Release N: make every reader handle a missing value (Mapped[Decimal | None]).\n"
        "# Release N+1, once no process runs the old readers:\n"
        "def upgrade() -> None:\n"
        '    op.alter_column("orders", "total", existing_type=sa.Numeric(), nullable=True)\n'
        "# Or keep NOT NULL and write a marker value instead of NULL."
    ),
    check=check,
    bad=(
        Example(
            setup=f"{_ORDERS}; INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g",
            upgrade=(
                'op.alter_column("orders", "total", existing_type=sa.Numeric(), nullable=True)'
            ),
        ),
    ),
    good=(
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("total", sa.Numeric(), nullable=False))\n'
                'op.alter_column("orders", "total", existing_type=sa.Numeric(), nullable=True)'
            ),
        ),
    ),
    aliases={"squawk": "ban-drop-not-null"},
    downgrades=False,
)
