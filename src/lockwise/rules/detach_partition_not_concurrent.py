"""LW213 detach-partition-not-concurrent: DETACH PARTITION without CONCURRENTLY."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name

_LOCK = "AccessExclusiveLock"
_EVENTS = (
    "CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);"
    " CREATE TABLE events_2024 PARTITION OF events"
    " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
    " INSERT INTO events SELECT g, '2024-03-01' FROM generate_series(1, 100) g"
)


def _blocking_detach(node: ast.AlterTableStmt) -> str | None:
    """The partition a plain (not CONCURRENTLY) DETACH PARTITION detaches, if any."""
    for cmd in node.cmds or ():
        part = cmd.def_
        if cmd.subtype == AlterTableType.AT_DetachPartition and isinstance(part, ast.PartitionCmd):
            return None if part.concurrent or part.name is None else relation_name(part.name)
    return None


def _locks_parent(facts: RevisionFacts, statement: StatementFacts, parent: str) -> bool:
    """Measured ACCESS EXCLUSIVE on an existing parent; the parse tree alone when unmeasured."""
    created = {relation_name(node.relation) for _, node in facts.of_type(ast.CreateStmt)}
    if parent in created or not statement.existed_before(parent):
        return False
    if not (facts.measured and statement.captured.locks_measured):
        return True
    return statement.holds(_LOCK, parent)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag a plain DETACH PARTITION that holds ACCESS EXCLUSIVE on an existing parent."""
    for statement, node in facts.of_type(ast.AlterTableStmt):
        partition = _blocking_detach(node)
        parent = relation_name(node.relation)
        if partition is not None and _locks_parent(facts, statement, parent):
            yield Hit(
                f"DETACH PARTITION {partition} takes ACCESS EXCLUSIVE on "
                f"{parent}: every read and write on {parent} and all its partitions waits, "
                "queued behind the longest running query on any of them",
                statement.index,
            )


RULE = Rule(
    id="LW213",
    name="detach-partition-not-concurrent",
    severity="error",
    summary="ALTER TABLE ... DETACH PARTITION without CONCURRENTLY on an existing table",
    lock=_LOCK,
    blocks="every read and write on the partitioned table and all its partitions",
    # https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DETACH-PARTITION
    why=(
        "A plain DETACH PARTITION takes ACCESS EXCLUSIVE on the partitioned parent. It "
        "must first wait for every running query on the parent or any partition, and "
        "every query that arrives meanwhile queues behind it: the whole table, usually "
        "the busiest in the database, stops answering. Since PostgreSQL 14, DETACH "
        "PARTITION ... CONCURRENTLY takes only SHARE UPDATE EXCLUSIVE on the parent and "
        "waits for older snapshots instead. It cannot run inside a transaction block, nor "
        "when the parent has a DEFAULT partition; if it is interrupted, finish it with "
        "DETACH PARTITION ... FINALIZE."
    ),
    fix=(
        "with op.get_context().autocommit_block():\n"
        '    op.execute("ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY")'
    ),
    check=check,
    bad=(
        Example(
            setup=_EVENTS,
            upgrade='op.execute("ALTER TABLE events DETACH PARTITION events_2024")',
        ),
    ),
    good=(
        Example(
            setup=_EVENTS,
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                '    op.execute("ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY")'
            ),
        ),
        Example(
            upgrade=(
                'op.execute("CREATE TABLE events (id bigint NOT NULL, at date NOT NULL)'
                ' PARTITION BY RANGE (at)")\n'
                'op.execute("CREATE TABLE events_2024 PARTITION OF events'
                " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\")\n"
                'op.execute("ALTER TABLE events DETACH PARTITION events_2024")'
            ),
        ),
    ),
    aliases={"squawk": "require-concurrent-partition-detach"},
    versions="DETACH PARTITION ... CONCURRENTLY needs PostgreSQL 14 or later",
)
