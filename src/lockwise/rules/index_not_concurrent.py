"""LW207 index-not-concurrent: CREATE INDEX without CONCURRENTLY on an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag index builds measured holding SHARE on a table that existed before.

    Without measurements (plain SQL), any non-concurrent build on such a table.
    `CREATE INDEX ... ON ONLY parent` builds nothing: it is how concurrent indexes
    on partitioned tables start.
    """
    for statement, node in facts.of_type(ast.IndexStmt):
        table = relation_name(node.relation)
        if not node.relation.inh or not statement.existed_before(table):
            continue
        measured = facts.measured and statement.captured.locks_measured
        if statement.holds("ShareLock", table) or (not measured and not node.concurrent):
            yield Hit(
                f"CREATE INDEX holds SHARE on {table}: every write to {table} waits "
                "until the whole index is built",
                statement.index,
            )


RULE = Rule(
    id="LW207",
    name="index-not-concurrent",
    severity="error",
    summary="op.create_index without postgresql_concurrently=True on an existing table",
    lock="ShareLock",
    blocks="INSERT, UPDATE and DELETE on the table for the whole index build",
    why=(
        "A plain CREATE INDEX takes a SHARE lock on the table and holds it while it reads "
        "every row and sorts them. Reads go on, but every write queues behind the build: "
        "on a large table, minutes of failed or stalled requests. CREATE INDEX "
        "CONCURRENTLY takes SHARE UPDATE EXCLUSIVE instead, which lets writes through, at "
        "the price of two table scans and of not running inside a transaction."
    ),
    fix=(
        "with op.get_context().autocommit_block():\n"
        "    op.create_index(\n"
        '        "ix_orders_total", "orders", ["total"],\n'
        "        postgresql_concurrently=True, if_not_exists=True,\n"
        "    )"
    ),
    check=check,
    bad=(
        Example(
            setup="CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)",
            upgrade='op.create_index("ix_orders_total", "orders", ["total"])',
        ),
    ),
    good=(
        Example(
            setup="CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)",
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                '    op.create_index("ix_orders_total", "orders", ["total"],'
                " postgresql_concurrently=True, if_not_exists=True)"
            ),
        ),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("total", sa.Numeric()))\n'
                'op.create_index("ix_orders_total", "orders", ["total"])'
            ),
        ),
    ),
    aliases={"squawk": "require-concurrent-index-creation", "strong_migrations": "add_index"},
)
