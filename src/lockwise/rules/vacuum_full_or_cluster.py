"""LW112 vacuum-full-or-cluster: VACUUM FULL or CLUSTER, which rewrite tables, in a migration."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag VACUUM FULL / CLUSTER measured rewriting tables that existed before."""
    measured = facts.measured and facts.failure is None
    for statement in facts.statements:
        command, named = _rewriting_command(statement.node)
        if not command:
            continue
        if measured:  # with no table named, every relation it rewrote
            targets = [r for r in statement.captured.rewrites if not named or r in named]
        else:
            targets = named or ["every clustered table" if command == "CLUSTER" else "every table"]
        existing = [t for t in targets if facts.existed_before(statement, t)]
        if existing:
            yield Hit(
                f"{command} rewrites {', '.join(existing)} under ACCESS EXCLUSIVE: reads and "
                "writes wait until the whole table and its indexes are copied",
                statement.index,
            )


def _rewriting_command(node: Any) -> tuple[str, list[str]]:
    """("VACUUM FULL" or "CLUSTER", the tables it names), or ("", []) for anything else."""
    if isinstance(node, ast.ClusterStmt):
        return "CLUSTER", [relation_name(node.relation)] if node.relation else []
    vacuum = isinstance(node, ast.VacuumStmt) and node.is_vacuumcmd
    if vacuum and any(option.defname == "full" for option in node.options or ()):
        return "VACUUM FULL", [relation_name(r.relation) for r in node.rels or ()]
    return "", []


_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);"
    " INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g"
)
_AUTOCOMMIT = "with op.get_context().autocommit_block():"

RULE = Rule(
    id="LW112",
    name="vacuum-full-or-cluster",
    severity="error",
    summary="VACUUM FULL or CLUSTER in a migration",
    lock="AccessExclusiveLock",
    blocks="every read and write of the table for the whole rewrite",
    # https://www.postgresql.org/docs/current/sql-vacuum.html
    # https://www.postgresql.org/docs/current/sql-cluster.html
    why=(
        "VACUUM FULL and CLUSTER write a new copy of the table and rebuild all its indexes "
        "while they hold ACCESS EXCLUSIVE, so no query can read or write the table until the "
        "copy is done; they also need room for a second copy on disk. A migration is the wrong "
        "place for maintenance of that size: plain VACUUM does not block, and pg_repack (or "
        "REPACK CONCURRENTLY, planned for PostgreSQL 19) reclaims space while traffic flows."
    ),
    fix=(
        "# reclaim space online, outside the migration: pg_repack --table=orders\n"
        "with op.get_context().autocommit_block():\n"
        '    op.execute("VACUUM (ANALYZE) orders")  # no ACCESS EXCLUSIVE'
    ),
    check=check,
    bad=(
        Example(setup=_SETUP, upgrade='op.execute("CLUSTER orders USING orders_pkey")'),
        Example(
            setup=_SETUP,
            upgrade=f'{_AUTOCOMMIT}\n    op.execute("VACUUM FULL orders")',
        ),
    ),
    good=(
        Example(
            setup=_SETUP,
            upgrade=f'{_AUTOCOMMIT}\n    op.execute("VACUUM (ANALYZE) orders")',
        ),
        Example(
            upgrade=(
                'op.create_table("events", sa.Column("id", sa.BigInteger(), primary_key=True))\n'
                'op.execute("CLUSTER events USING events_pkey")'
            ),
        ),
    ),
    aliases={"squawk": "prefer-repack"},
    versions="PostgreSQL 19 (in development) adds REPACK (CONCURRENTLY)",
)
