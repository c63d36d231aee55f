"""LW201 check-without-not-valid: a CHECK constraint validated on an existing table at once."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric); "
    "INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g"
)


def _validating_check(node: ast.AlterTableStmt) -> bool:
    """True when the ALTER TABLE adds a CHECK constraint without NOT VALID."""
    return any(
        cmd.subtype == AlterTableType.AT_AddConstraint
        and isinstance(cmd.def_, ast.Constraint)
        and cmd.def_.contype == ConstrType.CONSTR_CHECK
        and not cmd.def_.skip_validation
        for cmd in node.cmds or ()
    )


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag CHECK constraints validated under ACCESS EXCLUSIVE on a table that existed."""
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        if _validating_check(node) and facts.locked_while_scanned(
            statement, table, "AccessExclusiveLock"
        ):
            yield Hit(
                f"ADD CONSTRAINT ... CHECK checks every row of {table} under ACCESS EXCLUSIVE: "
                f"reads and writes on {table} wait for the whole scan",
                statement.index,
            )


RULE = Rule(
    id="LW201",
    name="check-without-not-valid",
    severity="error",
    summary="op.create_check_constraint without postgresql_not_valid=True on an existing table",
    lock="AccessExclusiveLock",
    blocks="every read and write on the table while all its rows are checked",
    why=(
        # https://www.postgresql.org/docs/current/sql-altertable.html (ADD table_constraint,
        # NOT VALID, VALIDATE CONSTRAINT)
        "ALTER TABLE ... ADD CONSTRAINT ... CHECK takes an ACCESS EXCLUSIVE lock on the table "
        "and, in the same statement, reads every row to prove the condition holds. Nothing "
        "can read or write the table until that scan ends and the migration commits: on a "
        "large table, minutes of stalled requests. Added NOT VALID, the constraint applies "
        "to new rows at once and the scan is skipped, so the exclusive lock is held only for "
        "a moment; a later ALTER TABLE ... VALIDATE CONSTRAINT then checks the old rows "
        "under SHARE UPDATE EXCLUSIVE, which lets reads and writes through."
    ),
    fix=(
        "# revision 1: the constraint, without checking the old rows\n"
        "op.create_check_constraint(\n"
        '    "ck_orders_total", "orders", "total >= 0", postgresql_not_valid=True\n'
        ")\n"
        "\n"
        "# revision 2: check the old rows under SHARE UPDATE EXCLUSIVE\n"
        "with op.get_context().autocommit_block():\n"
        '    op.execute("ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_total")'
    ),
    check=check,
    bad=(
        Example(
            setup=_SETUP,
            upgrade='op.create_check_constraint("ck_orders_total", "orders", "total >= 0")',
        ),
    ),
    good=(
        Example(
            setup=_SETUP,
            upgrade=(
                'op.create_check_constraint("ck_orders_total", "orders", "total >= 0",'
                " postgresql_not_valid=True)"
            ),
        ),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("total", sa.Numeric()))\n'
                'op.create_check_constraint("ck_orders_total", "orders", "total >= 0")'
            ),
        ),
    ),
    aliases={"squawk": "constraint-missing-not-valid", "strong_migrations": "add_check_constraint"},
)
