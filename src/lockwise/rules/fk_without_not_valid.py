"""LW202 fk-without-not-valid: a foreign key validated on an existing table at once."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_CUSTOMERS = "CREATE TABLE customers (id bigint PRIMARY KEY); INSERT INTO customers VALUES (1)"
_SETUP = (
    f"{_CUSTOMERS}; CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint); "
    "INSERT INTO orders SELECT g, 1 FROM generate_series(1, 100) g"
)
_FK = 'op.create_foreign_key("fk_orders_customer", "orders", "customers", ["customer_id"], ["id"]'


def _validating_fk(node: ast.AlterTableStmt) -> ast.Constraint | None:
    """The FOREIGN KEY the ALTER TABLE adds without NOT VALID, if any."""
    for cmd in node.cmds or ():
        constraint = cmd.def_
        if (
            cmd.subtype == AlterTableType.AT_AddConstraint
            and isinstance(constraint, ast.Constraint)
            and constraint.contype == ConstrType.CONSTR_FOREIGN
            and not constraint.skip_validation
        ):
            return constraint
    return None


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag foreign keys validated under SHARE ROW EXCLUSIVE on a table that existed."""
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table, constraint = relation_name(node.relation), _validating_fk(node)
        if constraint is not None and facts.locked_while_scanned(
            statement, table, "ShareRowExclusiveLock"
        ):
            parent = relation_name(constraint.pktable) if constraint.pktable else "?"
            yield Hit(
                f"ADD FOREIGN KEY checks every row of {table} under SHARE ROW EXCLUSIVE on "
                f"{table} and {parent}: writes to both tables wait for the whole scan",
                statement.index,
            )


RULE = Rule(
    id="LW202",
    name="fk-without-not-valid",
    severity="error",
    summary="op.create_foreign_key without postgresql_not_valid=True on an existing table",
    lock="ShareRowExclusiveLock",
    blocks="INSERT, UPDATE and DELETE on both tables while every row is checked",
    why=(
        # https://www.postgresql.org/docs/current/sql-altertable.html (ADD table_constraint:
        # SHARE ROW EXCLUSIVE on both tables; NOT VALID; VALIDATE CONSTRAINT)
        "ALTER TABLE ... ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on the referencing table "
        "and on the referenced one, then looks up every existing row of the referencing "
        "table in the referenced one. Reads go on, but writes to both tables queue until "
        "that check ends and the migration commits. Added NOT VALID, the key is enforced "
        "for new rows at once and the check is skipped; a later VALIDATE CONSTRAINT checks "
        "the old rows under SHARE UPDATE EXCLUSIVE (ROW SHARE on the referenced table), "
        "which lets writes through. A new column added with its REFERENCES in the same "
        "statement (all NULL) needs no check: op.add_column(..., inline_references=True)."
    ),
    fix=(
        "# revision 1: the key, without checking the old rows\n"
        'op.create_foreign_key("fk_orders_customer", "orders", "customers", ["customer_id"],\n'
        '                      ["id"], postgresql_not_valid=True)\n'
        "# revision 2: check the old rows under SHARE UPDATE EXCLUSIVE\n"
        "with op.get_context().autocommit_block():\n"
        '    op.execute("ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_customer")'
    ),
    check=check,
    bad=(Example(setup=_SETUP, upgrade=f"{_FK})"),),
    good=(
        Example(setup=_SETUP, upgrade=f"{_FK}, postgresql_not_valid=True)"),
        Example(
            setup=_SETUP,
            upgrade=(
                'op.add_column("orders", sa.Column("buyer_id", sa.BigInteger(),'
                ' sa.ForeignKey("customers.id")), inline_references=True)'
            ),
        ),
        Example(
            setup=_CUSTOMERS,
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("customer_id", sa.BigInteger()))\n'
                f"{_FK})"
            ),
        ),
    ),
    aliases={"squawk": "adding-foreign-key-constraint", "strong_migrations": "add_foreign_key"},
)
