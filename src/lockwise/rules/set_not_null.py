"""LW106 set-not-null: SET NOT NULL that scans an existing table under ACCESS EXCLUSIVE."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, NullTestType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag SET NOT NULL measured scanning a table that existed before.

    Unmeasured (plain SQL): unless an earlier statement proved the column has no NULLs
    with a valid CHECK (col IS NOT NULL), which PostgreSQL 12+ uses instead of scanning.
    """
    checks: dict[tuple[str, str], str] = {}  # (table, CHECK name) -> its column
    proven: set[tuple[str, str]] = set()  # (table, column) with a valid CHECK in force
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        made = _made_not_null(node)
        columns = [c for c in made if facts.measured or (table, c) not in proven]
        if columns and facts.existed_before(statement, table) and _scans(facts, statement, table):
            yield Hit(
                f"Making {table}.{columns[0]} NOT NULL scans every row of {table} under ACCESS "
                "EXCLUSIVE: reads and writes wait for the whole scan",
                statement.index,
            )
        _follow_checks(node, table, checks, proven)


def _made_not_null(node: Any) -> Iterator[str]:
    """Columns made NOT NULL: SET NOT NULL, or PostgreSQL 18's validated NOT NULL constraint."""
    for cmd in node.cmds:
        if cmd.subtype == AlterTableType.AT_SetNotNull:
            yield str(cmd.name)
        elif cmd.subtype == AlterTableType.AT_AddConstraint:
            added: Any = cmd.def_
            if added.contype == ConstrType.CONSTR_NOTNULL and not added.skip_validation:
                yield from (str(key.sval) for key in added.keys or ())


def _follow_checks(
    node: Any, table: str, checks: dict[tuple[str, str], str], proven: set[tuple[str, str]]
) -> None:
    """Update which columns a valid CHECK (column IS NOT NULL) proves after `node`: one
    added without NOT VALID or validated proves it, until it is dropped."""
    for cmd in node.cmds or ():
        name = (table, str(getattr(cmd.def_, "conname", None) or cmd.name))
        column = (
            _not_null_check(cmd.def_) if cmd.subtype == AlterTableType.AT_AddConstraint else None
        )
        if column is not None:
            checks[name] = column
            if not cmd.def_.skip_validation:
                proven.add((table, column))
        elif cmd.subtype == AlterTableType.AT_ValidateConstraint and name in checks:
            proven.add((table, checks[name]))
        elif cmd.subtype == AlterTableType.AT_DropConstraint and name in checks:
            proven.discard((table, checks.pop(name)))


def _not_null_check(constraint: Any) -> str | None:
    """The column of `CHECK (column IS NOT NULL)`, or None."""
    if not isinstance(constraint, ast.Constraint) or constraint.contype != ConstrType.CONSTR_CHECK:
        return None
    test = constraint.raw_expr
    if not isinstance(test, ast.NullTest) or test.nulltesttype != NullTestType.IS_NOT_NULL:
        return None
    fields = test.arg.fields if isinstance(test.arg, ast.ColumnRef) else None
    field = fields[-1] if fields else None
    return str(field.sval) if isinstance(field, ast.String) else None


def _scans(facts: RevisionFacts, statement: StatementFacts, table: str) -> bool:
    # PostgreSQL 12+ skips the scan when a valid CHECK (c IS NOT NULL) proves it; before, never.
    # https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL
    if facts.target_version < 12 or not (facts.measured and facts.failure is None):
        return True
    return table in statement.captured.scans


_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);"
    " INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g"
)
# The last step of the safe path: the CHECK was added NOT VALID and validated earlier.
_CHECK = "ALTER TABLE orders ADD CONSTRAINT ck_orders_total_not_null CHECK (total IS NOT NULL)"
_PROVEN = f"{_SETUP}; {_CHECK}"

RULE = Rule(
    id="LW106",
    name="set-not-null",
    severity="error",
    summary="op.alter_column(nullable=False) on an existing column, with no valid CHECK proving it",
    lock="AccessExclusiveLock",
    blocks="every read and write of the table for the whole scan",
    why=(
        "SET NOT NULL takes ACCESS EXCLUSIVE and reads every row to prove there is no NULL: on "
        "a large table, minutes in which not even a SELECT gets through. Since PostgreSQL 12 the "
        "scan is skipped when a valid CHECK (column IS NOT NULL) already proves it, and that "
        "CHECK can be added NOT VALID (brief lock) and validated under SHARE UPDATE EXCLUSIVE, "
        "which lets reads and writes through. PostgreSQL 18 can add the NOT NULL itself NOT VALID."
    ),
    fix=(
        "# revision 1 (brief lock, no scan)\n"
        'op.create_check_constraint("ck_orders_total_not_null", "orders", "total IS NOT NULL",'
        " postgresql_not_valid=True)\n"
        "# revision 2, after the backfill (scans, but lets reads and writes through)\n"
        'op.execute("ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_total_not_null")\n'
        "# revision 3 (no scan: the valid CHECK proves it)\n"
        'op.alter_column("orders", "total", nullable=False)\n'
        'op.drop_constraint("ck_orders_total_not_null", "orders", type_="check")'
    ),
    check=check,
    bad=(Example(setup=_SETUP, upgrade='op.alter_column("orders", "total", nullable=False)'),),
    good=(
        Example(
            setup=_PROVEN,
            upgrade=(
                'op.alter_column("orders", "total", nullable=False)\n'
                'op.drop_constraint("ck_orders_total_not_null", "orders", type_="check")'
            ),
        ),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("total", sa.Numeric()))\n'
                'op.alter_column("orders", "total", nullable=False)'
            ),
        ),
    ),
    aliases={"squawk": "adding-not-nullable-field", "strong_migrations": "change_column_null"},
    versions="PostgreSQL 12+: a valid CHECK skips the scan; 18+: NOT NULL constraints NOT VALID",
)
