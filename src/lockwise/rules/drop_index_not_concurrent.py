"""LW208 drop-index-not-concurrent: DROP INDEX without CONCURRENTLY on an existing index."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ObjectType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts

_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric); "
    "CREATE INDEX ix_orders_total ON orders (total)"
)


def _indexes(node: ast.DropStmt) -> list[str]:
    """The indexes a plain DROP INDEX names, as capture names relations."""
    if node.removeType != ObjectType.OBJECT_INDEX or node.concurrent:
        return []
    names = [[part.sval for part in name] for name in node.objects or ()]
    return [".".join(n[1:] if n[0] == "public" and len(n) > 1 else n) for n in names]


def _locked_tables(facts: RevisionFacts, statement: StatementFacts, index: str) -> list[str]:
    """The tables measured under ACCESS EXCLUSIVE for dropping `index` (an existing one)."""
    if facts.measured and statement.captured.locks_measured:
        if not (statement.existed_before(index) and statement.holds("AccessExclusiveLock", index)):
            return []
        locks = statement.captured.locks
        tables = [
            k.relation for k in locks if k.mode == "AccessExclusiveLock" and k.relation != index
        ]
        return tables or ["its table"]
    # Unmeasured (plain SQL, failed run): exempt an index a CREATE INDEX made earlier.
    earlier = (n.idxname for s, n in facts.of_type(ast.IndexStmt) if s.index < statement.index)
    return ["its table"] if index not in set(earlier) else []


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag a DROP INDEX measured taking ACCESS EXCLUSIVE on an index that existed before."""
    for statement, node in facts.of_type(ast.DropStmt):
        for index in _indexes(node):
            if tables := _locked_tables(facts, statement, index):
                yield Hit(
                    f"DROP INDEX {index} takes ACCESS EXCLUSIVE on {', '.join(tables)}: it "
                    "queues behind every running query there, and every query queues behind it",
                    statement.index,
                )
                break


RULE = Rule(
    id="LW208",
    name="drop-index-not-concurrent",
    severity="warning",
    summary="op.drop_index without postgresql_concurrently=True on an existing index",
    lock="AccessExclusiveLock",
    blocks="every query on the table, while the drop waits for its lock and until commit",
    why=(
        # https://www.postgresql.org/docs/current/sql-dropindex.html (CONCURRENTLY) and
        # https://www.postgresql.org/docs/current/explicit-locking.html (lock queue)
        "A plain DROP INDEX takes ACCESS EXCLUSIVE on the index's table. The drop itself is "
        "quick, but it must first wait for every running query on the table to finish, and "
        "while it waits every new query on the table, reads included, queues behind it; inside "
        "a migration transaction the lock is then kept until the commit. DROP INDEX "
        "CONCURRENTLY waits for conflicting transactions without blocking others, at the "
        "price of not running in a transaction block (one index, no CASCADE)."
    ),
    fix=(
        "with op.get_context().autocommit_block():\n"
        "    op.drop_index(\n"
        '        "ix_orders_total", table_name="orders",\n'
        "        postgresql_concurrently=True, if_exists=True,\n"
        "    )"
    ),
    check=check,
    bad=(Example(setup=_SETUP, upgrade='op.drop_index("ix_orders_total", table_name="orders")'),),
    good=(
        Example(
            setup=_SETUP,
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                '    op.drop_index("ix_orders_total", table_name="orders",'
                " postgresql_concurrently=True, if_exists=True)"
            ),
        ),
        Example(
            setup=_SETUP,
            upgrade=(
                'op.create_index("ix_orders_id_total", "orders", ["id", "total"])\n'
                'op.drop_index("ix_orders_id_total", table_name="orders")'
            ),
        ),
    ),
    aliases={"squawk": "require-concurrent-index-deletion", "strong_migrations": "remove_index"},
    downgrades=False,
)
