"""LW209 reindex-not-concurrent: REINDEX without CONCURRENTLY on existing indexes."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ReindexObjectType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name

_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric); "
    "INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g; "
    "CREATE INDEX ix_orders_total ON orders (total)"
)
_ONE = (ReindexObjectType.REINDEX_OBJECT_INDEX, ReindexObjectType.REINDEX_OBJECT_TABLE)


def _concurrent(node: ast.ReindexStmt) -> bool:
    """True for REINDEX (CONCURRENTLY) / REINDEX ... CONCURRENTLY, unless set to false."""
    options = [p for p in node.params or () if p.defname == "concurrently"]
    return any(not isinstance(p.arg, ast.String) or p.arg.sval != "false" for p in options)


def _created(node: ast.Node | None) -> str:
    """The index or table a CREATE INDEX / CREATE TABLE statement makes, or ""."""
    if isinstance(node, ast.IndexStmt):
        return node.idxname or ""
    if isinstance(node, ast.CreateStmt) and node.relation is not None:
        return relation_name(node.relation)
    return ""


def _locked(facts: RevisionFacts, statement: StatementFacts, node: ast.ReindexStmt) -> list[str]:
    """The existing indexes measured under ACCESS EXCLUSIVE, or what the parse tree names."""
    if facts.measured and statement.captured.locks_measured:
        locks = [k for k in statement.captured.locks if k.mode == "AccessExclusiveLock"]
        return [k.relation for k in locks if statement.existed_before(k.relation)]
    # Unmeasured (plain SQL, failed run): exempt what a CREATE made earlier in the revision.
    if node.kind not in _ONE or node.relation is None:
        return [f"every index in {node.name or 'the database'}"]
    name = relation_name(node.relation)
    if name in {_created(s.node) for s in facts.statements[: statement.index]}:
        return []
    return [name if node.kind == ReindexObjectType.REINDEX_OBJECT_INDEX else f"indexes of {name}"]


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag a REINDEX measured holding ACCESS EXCLUSIVE on indexes that existed before."""
    for statement, node in facts.of_type(ast.ReindexStmt):
        if not _concurrent(node) and (locked := _locked(facts, statement, node)):
            yield Hit(
                f"REINDEX holds ACCESS EXCLUSIVE on {', '.join(locked)} while it rebuilds: "
                "writes to the table wait, and so does nearly every query on it, since the "
                "planner locks all of a table's indexes",
                statement.index,
            )


RULE = Rule(
    id="LW209",
    name="reindex-not-concurrent",
    severity="error",
    summary="REINDEX without CONCURRENTLY on existing indexes",
    lock="AccessExclusiveLock",
    blocks="writes to the table, and nearly every query on it, for the whole rebuild",
    why=(
        # https://www.postgresql.org/docs/current/sql-reindex.html (Notes: locking,
        # "Rebuilding Indexes Concurrently"; CONCURRENTLY since PostgreSQL 12)
        "A plain REINDEX locks out writes to the table (SHARE) and takes ACCESS EXCLUSIVE on "
        "each index it rebuilds. The planner takes a lock on every index of a table to plan "
        "any query on it, so nearly every query on the table waits for the whole rebuild, "
        "not only those that would use the index. REINDEX ... CONCURRENTLY builds a new copy "
        "beside the old one under SHARE UPDATE EXCLUSIVE and swaps them, letting reads and "
        "writes through; it cannot run in a transaction block."
    ),
    fix=(
        "with op.get_context().autocommit_block():\n"
        '    op.execute("REINDEX INDEX CONCURRENTLY ix_orders_total")'
    ),
    check=check,
    bad=(
        Example(setup=_SETUP, upgrade='op.execute("REINDEX INDEX ix_orders_total")'),
        Example(setup=_SETUP, upgrade='op.execute("REINDEX TABLE orders")'),
    ),
    good=(
        Example(
            setup=_SETUP,
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                '    op.execute("REINDEX INDEX CONCURRENTLY ix_orders_total")'
            ),
        ),
        Example(
            setup=_SETUP,
            upgrade=(
                'op.create_index("ix_orders_id_total", "orders", ["id", "total"])\n'
                'op.execute("REINDEX INDEX ix_orders_id_total")'
            ),
        ),
    ),
    aliases={"squawk": "require-concurrent-reindex"},
    versions="REINDEX CONCURRENTLY needs PostgreSQL 12 or later",
)
