"""LW109 type-change-rechecks-constraints: a type change that re-checks constraints by a scan."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag ALTER COLUMN TYPE measured scanning an existing table it neither rewrote nor indexed.

    The constraints live in the schema before the revision, so without measurement (plain
    SQL) this rule cannot tell and stays silent.
    """
    if not facts.measured or facts.failure is not None:
        return
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        changes = [c for c in node.cmds if c.subtype == AlterTableType.AT_AlterColumnType]
        if changes and facts.existed_before(statement, table) and _rechecks(statement, table):
            yield Hit(
                f"ALTER COLUMN {changes[0].name} TYPE keeps the rows of {table} but re-checks "
                f"the constraints on the column by scanning every row under ACCESS EXCLUSIVE: "
                "reads and writes wait for the whole scan",
                statement.index,
            )


def _rechecks(statement: StatementFacts, table: str) -> bool:
    """Scanned, but not rewritten (LW107) and with no index rebuilt (LW108, whose build scans)."""
    if table in statement.captured.rewrites or table not in statement.captured.scans:
        return False
    others = {lock.relation for lock in statement.captured.locks} - {table}
    # An index kept is opened (ACCESS SHARE) to compare it; one rebuilt is only dropped.
    dropped = {name for name in others if statement.holds("AccessExclusiveLock", name)}
    return all(statement.holds("AccessShareLock", name) for name in dropped)


_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, code varchar(10) CONSTRAINT ck_orders_code"
    " CHECK (code <> ''));"
    " INSERT INTO orders SELECT g, 'c' || g FROM generate_series(1, 100) g"
)
_WIDEN = 'op.alter_column("orders", "code", type_=sa.String(20), existing_type=sa.String(10))'
_SAFE = (
    'op.drop_constraint("ck_orders_code", "orders", type_="check")\n'
    f"{_WIDEN}\n"
    'op.create_check_constraint("ck_orders_code", "orders", "code <> \'\'",'
    " postgresql_not_valid=True)"
)

RULE = Rule(
    id="LW109",
    name="type-change-rechecks-constraints",
    severity="error",
    summary="op.alter_column(type_=...) on a column used by CHECK constraints, which re-check",
    lock="AccessExclusiveLock",
    blocks="every read and write of the table for the whole scan",
    why=(
        "Even when a type change needs no rewrite (varchar(10) to varchar(20)), PostgreSQL "
        "drops and re-adds every constraint that uses the column, and re-adding a CHECK or "
        "foreign key validates it against every row, all under ACCESS EXCLUSIVE: the cheap "
        "catalog change becomes a full scan during which no query reaches the table."
    ),
    # https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
    fix=(
        f"{_SAFE}\n"
        "# a later revision validates it under SHARE UPDATE EXCLUSIVE (reads and writes go on):\n"
        'op.execute("ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_code")'
    ),
    check=check,
    bad=(Example(setup=_SETUP, upgrade=_WIDEN),),
    good=(
        Example(setup=_SETUP, upgrade=_SAFE),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("code", sa.String(10)),'
                ' sa.CheckConstraint("code <> \'\'", name="ck_orders_code"))\n'
                f"{_WIDEN}"
            )
        ),
    ),
    aliases={"strong_migrations": "change_column_constraint"},
)
