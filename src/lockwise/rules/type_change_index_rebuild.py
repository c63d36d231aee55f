"""LW108 type-change-index-rebuild: a type change that keeps the rows but rebuilds indexes."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType
from pglast.stream import RawStream

from lockwise.rules._type_changes import TypeChange, type_changes
from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag ALTER COLUMN TYPE measured rebuilding indexes of an existing table, not rewriting it.

    Unmeasured (plain SQL), only a change known to keep the rows (its old type defined
    earlier in the file) is this rule's: LW107 reports one that rewrites or may.
    """
    measured = facts.measured and facts.failure is None
    judged = {} if measured else type_changes(facts)
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        changes = [c for c in node.cmds if c.subtype == AlterTableType.AT_AlterColumnType]
        if not changes or not facts.existed_before(statement, table):
            continue
        if measured:
            indexes = _rebuilt_indexes(statement, table)
        else:
            indexes = ["its indexes on the column"] if _reindexes(judged[statement.index]) else []
        if indexes:
            yield Hit(
                f"ALTER COLUMN {changes[0].name} TYPE {RawStream()(changes[0].def_.typeName)} "
                f"keeps the rows of {table} but rebuilds "
                f"{', '.join(indexes)} under ACCESS EXCLUSIVE: reads and writes wait for the "
                "whole index build",
                statement.index,
            )


def _rebuilt_indexes(statement: StatementFacts, table: str) -> list[str]:
    """Indexes dropped (ACCESS EXCLUSIVE) and built anew (SHARE on the table), no rewrite.

    Indexes are rebuilt "unless the system can verify that the new index would be logically
    equivalent"; one it verifies is opened (ACCESS SHARE) and kept, as measured.
    """
    # https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
    if table in statement.captured.rewrites or not statement.holds("ShareLock", table):
        return []  # a rewrite is LW107's finding
    others = {lock.relation for lock in statement.captured.locks} - {table}
    dropped = {name for name in others if statement.holds("AccessExclusiveLock", name)}
    return sorted(name for name in dropped if not statement.holds("AccessShareLock", name))


def _reindexes(changes: list[TypeChange]) -> bool:
    """Without measurement: every change keeps the rows, and one changes the index opclass."""
    kept = all(change.verdict == "keeps rows" for change in changes)
    return kept and any(change.rebuilds_indexes for change in changes)


_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, email varchar(100));"
    " INSERT INTO orders SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 100) g;"
    " CREATE INDEX ix_orders_email ON orders (email)"
)
_COLLATE_C = 'op.alter_column("orders", "email", type_=sa.String(100, collation="C"))'
_CONCURRENT = "postgresql_concurrently=True"
_SAFE = (
    "with op.get_context().autocommit_block():\n"
    f'    op.drop_index("ix_orders_email", "orders", {_CONCURRENT}, if_exists=True)\n'
    f"{_COLLATE_C}\n"
    "with op.get_context().autocommit_block():\n"
    f'    op.create_index("ix_orders_email", "orders", ["email"], {_CONCURRENT},'
    " if_not_exists=True)"
)
_NEW_ORDERS = (
    'op.create_table("orders", sa.Column("email", sa.String(100)))\n'
    'op.create_index("ix_orders_email", "orders", ["email"])'
)

RULE = Rule(
    id="LW108",
    name="type-change-index-rebuild",
    severity="error",
    summary="op.alter_column(type_=...) rebuilding indexes with no rewrite (collation, citext)",
    lock="AccessExclusiveLock",
    blocks="every read and write of the table while the indexes are rebuilt",
    why=(
        "A binary-coercible type change (a new collation, text to citext) keeps the table's rows, "
        "but an index on the column sorts by the old collation or operator class, so PostgreSQL "
        "drops and rebuilds it while it holds ACCESS EXCLUSIVE on the table. On a large table "
        "that is as long as CREATE INDEX, with every query waiting."
    ),
    fix=_SAFE,
    check=check,
    bad=(
        Example(setup=_SETUP, upgrade=_COLLATE_C),
        Example(
            setup=f"CREATE EXTENSION IF NOT EXISTS citext; {_SETUP}",
            upgrade='op.alter_column("orders", "email", type_=sa.dialects.postgresql.CITEXT())',
        ),
    ),
    good=(
        Example(setup=_SETUP, upgrade='op.alter_column("orders", "email", type_=sa.String(200))'),
        Example(setup=_SETUP, upgrade=_SAFE),
        Example(upgrade=f"{_NEW_ORDERS}\n{_COLLATE_C}"),
    ),
)
