"""LW214 attach-partition-unproven: ATTACH PARTITION that scans to prove the bounds."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name

_PARENT = "CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);"
_STAGED = (
    " CREATE TABLE events_2024 (id bigint NOT NULL, at date NOT NULL);"
    " INSERT INTO events_2024 SELECT g, '2024-03-01' FROM generate_series(1, 100) g"
)
_ATTACH = (
    'op.execute("ALTER TABLE events ATTACH PARTITION events_2024'
    " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\")"
)
_NEW_TABLE = (
    'op.create_table("events_2024", sa.Column("id", sa.BigInteger(), nullable=False),'
    ' sa.Column("at", sa.Date(), nullable=False))\n'
)
_FIX = (
    'op.create_check_constraint("ck_events_2024_at", "events_2024",\n'
    "    \"at >= '2024-01-01' AND at < '2025-01-01'\", postgresql_not_valid=True)\n"
    'op.execute("ALTER TABLE events_2024 VALIDATE CONSTRAINT ck_events_2024_at")\n'
    f"{_ATTACH}\n"
    'op.drop_constraint("ck_events_2024_at", "events_2024")'
)


def _attached(node: ast.AlterTableStmt) -> str | None:
    for cmd in node.cmds or ():
        part = cmd.def_
        if cmd.subtype == AlterTableType.AT_AttachPartition and isinstance(part, ast.PartitionCmd):
            return relation_name(part.name) if part.name is not None else None
    return None


def _proven(facts: RevisionFacts, before: int) -> set[str]:
    """Tables on which an earlier statement of this revision ran VALIDATE CONSTRAINT."""
    return {
        relation_name(node.relation)
        for statement, node in facts.of_type(ast.AlterTableStmt)
        if statement.index < before
        and any(c.subtype == AlterTableType.AT_ValidateConstraint for c in node.cmds or ())
    }


def _scanned(facts: RevisionFacts, statement: StatementFacts, partition: str) -> list[str]:
    """Existing tables the ATTACH scanned (measured), or may scan (parse tree only)."""
    proven = _proven(facts, statement.index)
    if not (facts.measured and statement.captured.locks_measured):
        created = {relation_name(node.relation) for _, node in facts.of_type(ast.CreateStmt)}
        return [] if partition in created | proven else [partition]
    # Scan counters flush at most once a second: a VALIDATE's scan can show up here again.
    again = proven & {t for s in facts.statements[: statement.index] for t in s.captured.scans}
    return [t for t in statement.captured.scans if statement.existed_before(t) and t not in again]


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag ATTACH PARTITION measured scanning an existing table under ACCESS EXCLUSIVE."""
    for statement, node in facts.of_type(ast.AlterTableStmt):
        partition = _attached(node)
        names = ", ".join(_scanned(facts, statement, partition)) if partition else ""
        if names:
            yield Hit(
                f"ATTACH PARTITION {partition} scans {names} under ACCESS EXCLUSIVE to prove "
                f"the partition bounds: reads and writes on {names} wait for the whole scan",
                statement.index,
            )


RULE = Rule(
    id="LW214",
    name="attach-partition-unproven",
    severity="error",
    summary="ATTACH PARTITION without a validated CHECK constraint that implies its bounds",
    lock="AccessExclusiveLock",
    blocks="every read and write on the attached table (and the DEFAULT partition) for the scan",
    # https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-ATTACH-PARTITION
    # https://www.postgresql.org/docs/current/ddl-partitioning.html#DDL-PARTITIONING-DECLARATIVE-MAINTENANCE
    why=(
        "ATTACH PARTITION takes ACCESS EXCLUSIVE on the table being attached and, unless a "
        "valid CHECK constraint implies the bounds, reads every row to prove none falls "
        "outside them, holding that lock for the whole scan. A DEFAULT partition is locked "
        "ACCESS EXCLUSIVE too and scanned for rows that belong to the new partition: live "
        "traffic through the parent stalls. Add the CHECK NOT VALID, VALIDATE it (SHARE "
        "UPDATE EXCLUSIVE: writes go on), attach, then drop it; give the DEFAULT partition "
        "a CHECK excluding the new bounds the same way."
    ),
    fix=_FIX,
    check=check,
    bad=(
        Example(setup=_PARENT + _STAGED, upgrade=_ATTACH),
        Example(
            setup=_PARENT + " CREATE TABLE events_default PARTITION OF events DEFAULT;"
            " INSERT INTO events SELECT g, '2023-03-01' FROM generate_series(1, 100) g",
            upgrade=_NEW_TABLE + _ATTACH,
        ),
    ),
    good=(
        Example(setup=_PARENT + _STAGED, upgrade=_FIX),
        Example(setup=_PARENT, upgrade=_NEW_TABLE + _ATTACH),
    ),
    versions="PostgreSQL 12+; on 10 and 11 ATTACH also locks the parent ACCESS EXCLUSIVE",
)
