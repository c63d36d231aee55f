"""LW211 concurrent-index-not-idempotent: CREATE INDEX CONCURRENTLY a failed run cannot redo."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name


def _problem(node: ast.IndexStmt) -> str | None:
    """Why a rerun of this concurrent build goes wrong, or None when it is safe."""
    if not node.idxname:
        return "has no explicit name: a rerun builds a second index beside the INVALID one"
    if not node.if_not_exists:
        return f"has no IF NOT EXISTS: a rerun fails with 'relation {node.idxname} already exists'"
    return None


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag concurrent index builds without both an explicit name and IF NOT EXISTS."""
    for statement, node in facts.of_type(ast.IndexStmt):
        problem = _problem(node) if node.concurrent else None
        if problem is not None:
            yield Hit(
                f"CREATE INDEX CONCURRENTLY on {relation_name(node.relation)} {problem}; "
                "a build that fails midway (deadlock, unique violation, timeout) leaves "
                "an INVALID index that is still updated on every write",
                statement.index,
            )


RULE = Rule(
    id="LW211",
    name="concurrent-index-not-idempotent",
    severity="info",
    summary="CREATE INDEX CONCURRENTLY without an explicit name and if_not_exists=True",
    lock="",
    blocks="nothing more than the build; the harm is on the retry of a failed deploy",
    # https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
    why=(
        "A concurrent build runs outside a transaction, so when it fails (a deadlock, a "
        "unique violation, a statement_timeout, a cancelled deploy) PostgreSQL cannot roll "
        "it back: it leaves the index behind marked INVALID. The invalid index is ignored by "
        "queries but still maintained on every insert and update. The retried deploy then "
        "fails with 'relation already exists', or, for an unnamed index, silently builds a "
        "second one. IF NOT EXISTS makes the retry pass, but it also passes over an INVALID "
        "leftover: check `pg_index.indisvalid` after the migration, and drop an invalid "
        "leftover with DROP INDEX CONCURRENTLY before rebuilding it."
    ),
    # IF NOT EXISTS alone keeps an INVALID leftover forever: the helper drops it first.
    fix=(
        "import lockwise.ops\n"
        "\n"
        'lockwise.ops.create_index_concurrently("ix_orders_total", "orders", ["total"])'
    ),
    check=check,
    bad=(
        Example(
            setup="CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)",
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                '    op.create_index("ix_orders_total", "orders", ["total"],'
                " postgresql_concurrently=True)"
            ),
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
            setup="CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)",
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                '    op.drop_index("ix_orders_total", "orders",'
                " postgresql_concurrently=True, if_exists=True)\n"
                '    op.create_index("ix_orders_total", "orders", ["total"],'
                " postgresql_concurrently=True, if_not_exists=True)"
            ),
        ),
    ),
    aliases={"squawk": "prefer-robust-stmts", "strong_migrations": "remove_invalid_indexes"},
)
