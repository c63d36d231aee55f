"""LW212 concurrent-index-on-partitioned: CREATE INDEX CONCURRENTLY on a partitioned table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name

_REFUSED = "cannot create index on partitioned table"
_EVENTS = (
    "CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);"
    " CREATE TABLE events_2024 PARTITION OF events"
    " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
    " INSERT INTO events SELECT g, '2024-03-01' FROM generate_series(1, 100) g"
)


def _partitioned_here(facts: RevisionFacts) -> set[str]:
    """Tables this revision creates with PARTITION BY (the parse tree knows them)."""
    return {
        relation_name(node.relation)
        for _, node in facts.of_type(ast.CreateStmt)
        if node.partspec is not None
    }


def _refused(facts: RevisionFacts, statement: StatementFacts) -> bool:
    """True when this statement is where the migration failed, refused as partitioned."""
    failure = facts.failure
    return failure is not None and failure.sql == statement.sql and _REFUSED in failure.error


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag a concurrent build PostgreSQL refused on a partitioned table, or would refuse."""
    partitioned = _partitioned_here(facts)
    for statement, node in facts.of_type(ast.IndexStmt):
        table = relation_name(node.relation)
        if node.concurrent and (table in partitioned or _refused(facts, statement)):
            yield Hit(
                f"CREATE INDEX CONCURRENTLY on the partitioned table {table}: PostgreSQL "
                "refuses it ('cannot create index on partitioned table concurrently') and "
                "the deploy fails at this line; build it per partition, then attach",
                statement.index,
            )


RULE = Rule(
    id="LW212",
    name="concurrent-index-on-partitioned",
    severity="error",
    summary="op.create_index(postgresql_concurrently=True) on a partitioned table",
    lock="",
    blocks="nothing: the statement fails, and the deploy stops",
    # https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
    # https://www.postgresql.org/docs/current/ddl-partitioning.html#DDL-PARTITIONING-DECLARATIVE-MAINTENANCE
    why=(
        "PostgreSQL does not support concurrent builds of an index on a partitioned table: "
        "CREATE INDEX CONCURRENTLY on the parent fails at once, so the deploy stops at this "
        "line. Dropping CONCURRENTLY is no way out: a plain CREATE INDEX on the parent holds "
        "SHARE on every partition, blocking all writes, until every partition's index is "
        "built. The online route is to build each partition's index concurrently, create "
        "the parent's index with CREATE INDEX ON ONLY (metadata only, born invalid), and "
        "ALTER INDEX ... ATTACH PARTITION each partition's index; once every partition is "
        "attached the parent's index becomes valid."
    ),
    fix=(
        "with op.get_context().autocommit_block():\n"
        "    for part in ('events_2024', 'events_2025'):\n"
        "        op.create_index(\n"
        '            f"ix_{part}_at", part, ["at"],\n'
        "            postgresql_concurrently=True, if_not_exists=True,\n"
        "        )\n"
        'op.execute("CREATE INDEX IF NOT EXISTS ix_events_at ON ONLY events (at)")\n'
        "for part in ('events_2024', 'events_2025'):\n"
        '    op.execute(f"ALTER INDEX ix_events_at ATTACH PARTITION ix_{part}_at")'
    ),
    check=check,
    bad=(
        Example(
            setup=_EVENTS,
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                '    op.create_index("ix_events_at", "events", ["at"],'
                " postgresql_concurrently=True, if_not_exists=True)"
            ),
        ),
    ),
    good=(
        Example(
            setup=_EVENTS,
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                '    op.create_index("ix_events_2024_at", "events_2024", ["at"],'
                " postgresql_concurrently=True, if_not_exists=True)\n"
                'op.execute("CREATE INDEX IF NOT EXISTS ix_events_at ON ONLY events (at)")\n'
                'op.execute("ALTER INDEX ix_events_at ATTACH PARTITION ix_events_2024_at")'
            ),
        ),
        Example(
            setup="CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)",
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                '    op.create_index("ix_orders_total", "orders", ["total"],'
                " postgresql_concurrently=True, if_not_exists=True)"
            ),
        ),
    ),
)
