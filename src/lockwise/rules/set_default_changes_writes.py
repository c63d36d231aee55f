"""LW315 set-default-changes-writes: SET or DROP DEFAULT on an existing column."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, status text DEFAULT 'new')"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag default changes on columns that existed before the revision."""
    added: set[tuple[str, str]] = set()
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        for cmd in node.cmds:
            if cmd.subtype == AlterTableType.AT_AddColumn:
                added.add((table, str(cmd.def_.colname)))
            elif cmd.subtype == AlterTableType.AT_ColumnDefault and (
                statement.existed_before(table) and (table, cmd.name) not in added
            ):
                yield Hit(_message(table, cmd.name, cmd.def_ is None), statement.index)


def _message(table: str, column: str, dropped: bool) -> str:
    now = "NULL (or an error, when it is NOT NULL)" if dropped else "the new default"
    change = "DROP DEFAULT" if dropped else "SET DEFAULT"
    return (
        f"ALTER TABLE {table} ALTER COLUMN {column} {change}: rows that running code "
        f"inserts without {column} get {now} instead of the value that code was written for"
    )


RULE = Rule(
    id="LW315",
    name="set-default-changes-writes",
    severity="warning",
    summary="op.alter_column(server_default=...) on a column that already exists",
    lock="",
    blocks="reads and writes on the table only for a moment; the harm is to the rows written",
    why=(
        "A column default is filled in whenever an INSERT leaves the column out, and "
        "SQLAlchemy leaves out every column the application did not set. Changing or "
        "dropping the default therefore changes what the release already running writes, "
        "from the moment the migration commits, without any change to its code: a status "
        "that used to start as 'new' now starts as something else, or as NULL. Existing "
        "rows keep their values. Make the code set the value explicitly first, then change "
        "the default in a later release."
    ),
    # A new default applies only to later INSERTs and UPDATEs, not to existing rows:
    # https://www.postgresql.org/docs/current/sql-altertable.html
    fix=(
        "# Release N: write the value explicitly (Order(status=...)) wherever rows are made.\n"
        "# Release N+1, once no process relies on the old default:\n"
        "def upgrade() -> None:\n"
        '    op.alter_column("orders", "status", existing_type=sa.Text(),'
        ' server_default="pending")'
    ),
    check=check,
    bad=(
        Example(
            setup=_ORDERS,
            upgrade=(
                'op.alter_column("orders", "status", existing_type=sa.Text(),'
                ' server_default="pending")'
            ),
        ),
    ),
    good=(
        Example(  # LW101's safe pattern: a new nullable column, then its default.
            setup=_ORDERS,
            upgrade=(
                'op.add_column("orders", sa.Column("currency", sa.Text(), nullable=True))\n'
                'op.alter_column("orders", "currency", existing_type=sa.Text(),'
                ' server_default="EUR")'
            ),
        ),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("status", sa.Text()))\n'
                'op.alter_column("orders", "status", existing_type=sa.Text(),'
                ' server_default="new")'
            ),
        ),
    ),
    aliases={"squawk": "ban-set-default", "strong_migrations": "change_column_default"},
    downgrades=False,
)
