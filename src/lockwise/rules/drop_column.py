"""LW301 drop-column: ALTER TABLE ... DROP COLUMN on a table that already exists."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag columns dropped from tables that existed before the revision."""
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        if not statement.existed_before(table):
            continue
        for cmd in node.cmds:
            if cmd.subtype == AlterTableType.AT_DropColumn:
                yield Hit(
                    f"ALTER TABLE {table} DROP COLUMN {cmd.name}: running code that still "
                    f"reads {table}.{cmd.name} fails (SQLAlchemy selects every mapped "
                    "column), and its data is gone: a downgrade brings back an empty column",
                    statement.index,
                )


RULE = Rule(
    id="LW301",
    name="drop-column",
    severity="warning",
    summary="op.drop_column on an existing table",
    lock="",
    blocks=(
        "reads and writes on the table only for a moment (the drop edits the catalog); "
        "the harm is to running code and to the data"
    ),
    why=(
        "Dropping a column is instant, because PostgreSQL only marks it dropped in the "
        "catalog, but it breaks every process that still runs the previous release: "
        "SQLAlchemy lists every mapped column in its SELECT, INSERT and RETURNING clauses, "
        'so each query on the table fails with "column does not exist" until the process '
        "is replaced. The values are gone as well: the downgrade can add the column back, "
        "never its data. Drop a column in two releases: first ship code that no longer "
        "maps it, then drop it once no old process is left."
    ),
    # DROP COLUMN only hides the column; the space is reclaimed by later rewrites:
    # https://www.postgresql.org/docs/current/sql-altertable.html
    fix=(
        "# Release N: stop using the column in code (delete it from the model, or\n"
        "#     note: Mapped[str | None] = mapped_column(deferred=True) while it is phased out).\n"
        "# Release N+1, once no process runs release N-1, check it holds nothing you need\n"
        "# (SELECT count(*) FROM orders WHERE note IS NOT NULL), then:\n"
        "def upgrade() -> None:\n"
        '    op.drop_column("orders", "note")'
    ),
    check=check,
    bad=(
        Example(
            setup=(
                "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric, note text);"
                " INSERT INTO orders SELECT g, g, 'n' FROM generate_series(1, 100) g"
            ),
            upgrade='op.drop_column("orders", "note")',
        ),
    ),
    good=(
        Example(
            setup="CREATE TABLE orders (id bigint PRIMARY KEY, total numeric, note text)",
            upgrade=(
                "# Release N keeps the column; the code stops using it first.\n"
                "op.execute(\"COMMENT ON COLUMN orders.note IS 'unused; dropped in release N+1'\")"
            ),
        ),
        Example(
            upgrade=(
                'op.create_table("drafts", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("note", sa.Text()))\n'
                'op.drop_column("drafts", "note")'
            ),
        ),
    ),
    aliases={"squawk": "ban-drop-column", "strong_migrations": "remove_column"},
    downgrades=False,
)
