"""LW210 concurrently-in-transaction: CONCURRENTLY inside the migration's transaction."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule


def _concurrent_kind(node: ast.Node | None) -> str | None:
    """What the statement is when it asks for CONCURRENTLY, else None."""
    if isinstance(node, ast.IndexStmt) and node.concurrent:
        return "CREATE INDEX CONCURRENTLY"
    if isinstance(node, ast.DropStmt) and node.concurrent:
        return "DROP INDEX CONCURRENTLY"
    if isinstance(node, ast.ReindexStmt):
        options = {str(param.defname) for param in node.params or ()}
        return "REINDEX CONCURRENTLY" if "concurrently" in options else None
    if isinstance(node, ast.AlterTableStmt):
        for cmd in node.cmds or ():
            detach = cmd.subtype == AlterTableType.AT_DetachPartition
            if detach and isinstance(cmd.def_, ast.PartitionCmd) and cmd.def_.concurrent:
                return "DETACH PARTITION CONCURRENTLY"
    return None


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag CONCURRENTLY statements that were recorded running inside a transaction."""
    for statement in facts.statements:
        kind = _concurrent_kind(statement.node)
        if kind is None or not statement.captured.transactional:
            continue
        refused = facts.failure is not None and facts.failure.sql == statement.sql
        outcome = "PostgreSQL refused it here" if refused else "PostgreSQL refuses it"
        yield Hit(
            f"{kind} runs inside the migration's transaction: {outcome} (error 25001, "
            "cannot run inside a transaction block) and the deploy fails at this line",
            statement.index,
        )


RULE = Rule(
    id="LW210",
    name="concurrently-in-transaction",
    severity="error",
    summary="CREATE/DROP INDEX, REINDEX or DETACH PARTITION CONCURRENTLY outside autocommit_block",
    lock="",
    blocks="nothing: the statement fails before it takes any lock, and the deploy stops",
    # https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
    # https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DETACH-PARTITION
    why=(
        "CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and ALTER "
        "TABLE ... DETACH PARTITION CONCURRENTLY commit internally between their phases, so "
        "PostgreSQL refuses to run them inside a transaction block (SQLSTATE 25001). Alembic "
        "runs every revision inside a transaction unless the statement is in "
        "`op.get_context().autocommit_block()`, so the migration fails in production at this "
        "line, after the statements before it may already have been applied. An env.py that "
        "wraps migrations in its own transaction (for example to hold an advisory lock) "
        "defeats autocommit_block the same way."
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
            upgrade=(
                'op.create_index("ix_orders_total", "orders", ["total"],'
                " postgresql_concurrently=True)"
            ),
        ),
        Example(
            setup=(
                "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);"
                " CREATE INDEX ix_orders_total ON orders (total)"
            ),
            upgrade=('op.drop_index("ix_orders_total", "orders", postgresql_concurrently=True)'),
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
            setup=(
                "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);"
                " CREATE INDEX ix_orders_total ON orders (total)"
            ),
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                '    op.drop_index("ix_orders_total", "orders",'
                " postgresql_concurrently=True, if_exists=True)"
            ),
        ),
    ),
    aliases={"squawk": "ban-concurrent-index-creation-in-transaction"},
)
