"""LW202 fk-without-not-valid: a foreign key validated on an existing table at once."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from lockwise.rules.base import (
    Example,
    Hit,
    RevisionFacts,
    Rule,
    StatementFacts,
    relation_name,
)

_CUSTOMERS = "CREATE TABLE customers (id bigint PRIMARY KEY); INSERT INTO customers VALUES (1)"
_SETUP = (
    f"{_CUSTOMERS}; CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint); "
    "INSERT INTO orders SELECT g, 1 FROM generate_series(1, 100) g"
)
_FK = 'op.create_foreign_key("fk_orders_customer", "orders", "customers", ["customer_id"], ["id"]'


_LOCK = "ShareRowExclusiveLock"


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


def _inline_fks(node: ast.AlterTableStmt) -> Iterator[tuple[ast.ColumnDef, ast.Constraint]]:
    """The new columns that carry their own REFERENCES (ADD COLUMN c ... REFERENCES p)."""
    for cmd in node.cmds or ():
        column = cmd.def_
        if cmd.subtype != AlterTableType.AT_AddColumn or not isinstance(column, ast.ColumnDef):
            continue
        kinds = [constraint.contype for constraint in column.constraints or ()]
        if ConstrType.CONSTR_ATTR_NOT_ENFORCED in kinds:  # PostgreSQL 18: never checked
            continue
        for constraint in column.constraints or ():
            if constraint.contype == ConstrType.CONSTR_FOREIGN:
                yield column, constraint


def _filled(column: ast.ColumnDef) -> bool:
    """The new column gets a value in existing rows (a default that is not NULL, identity,
    generated), so its REFERENCES must check them; all NULL, there is nothing to check."""
    for constraint in column.constraints or ():
        if constraint.contype in (ConstrType.CONSTR_IDENTITY, ConstrType.CONSTR_GENERATED):
            return True
        if constraint.contype == ConstrType.CONSTR_DEFAULT:
            expr = constraint.raw_expr
            return not (isinstance(expr, ast.A_Const) and expr.isnull)
    return False


def _inline_checks_rows(
    facts: RevisionFacts, statement: StatementFacts, table: str, column: ast.ColumnDef
) -> bool:
    """Measured: the scan under SHARE ROW EXCLUSIVE. Unmeasured: a filled column."""
    if facts.measured and statement.captured.locks_measured:
        return facts.locked_while_scanned(statement, table, _LOCK)
    return _filled(column) and not facts.made_earlier(statement, table)


def _parent(constraint: ast.Constraint) -> str:
    return relation_name(constraint.pktable) if constraint.pktable else "?"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag foreign keys validated under SHARE ROW EXCLUSIVE on a table that existed."""
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table, constraint = relation_name(node.relation), _validating_fk(node)
        if constraint is not None and facts.locked_while_scanned(statement, table, _LOCK):
            columns = ", ".join(str(name.sval) for name in constraint.fk_attrs or ())
            yield Hit(
                f"ADD FOREIGN KEY ({columns}) checks every row of {table} under SHARE ROW "
                f"EXCLUSIVE on {table} and {_parent(constraint)}: writes to both tables wait "
                "for the whole scan",
                statement.index,
            )
            continue
        for column, inline in _inline_fks(node):
            if _inline_checks_rows(facts, statement, table, column):
                parent = _parent(inline)
                yield Hit(
                    f"ADD COLUMN {column.colname} ... REFERENCES {parent} gives every row of "
                    f"{table} a value and checks each one in {parent}, under ACCESS EXCLUSIVE "
                    f"on {table} and SHARE ROW EXCLUSIVE on {parent}: reads and writes on "
                    f"{table}, and writes to {parent}, wait for the whole scan",
                    statement.index,
                )
                break


RULE = Rule(
    id="LW202",
    name="fk-without-not-valid",
    severity="error",
    summary=(
        "op.create_foreign_key without postgresql_not_valid=True, or a new column's REFERENCES "
        "with a default, on an existing table"
    ),
    lock=_LOCK,
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
        "statement needs no check while it is all NULL (op.add_column(..., "
        "inline_references=True) without a server_default): its locks are held for a moment "
        "only. With a default, every existing row gets that value and each one is looked up "
        "in the referenced table, under ACCESS EXCLUSIVE on the new column's table (measured "
        "on PostgreSQL 15 and 18): add it without the default, SET DEFAULT for new rows, and "
        "fill the old ones in batches."
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
    bad=(
        Example(setup=_SETUP, upgrade=f"{_FK})"),
        Example(  # autogenerate's new column with a ForeignKey: ADD COLUMN, then ADD FOREIGN KEY
            setup=_SETUP,
            upgrade=(
                'op.add_column("orders", sa.Column("buyer_id", sa.BigInteger(),'
                ' sa.ForeignKey("customers.id"), nullable=True))'
            ),
        ),
    ),
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
        Example(
            setup=_CUSTOMERS,
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True))\n'
                'op.add_column("orders", sa.Column("buyer_id", sa.BigInteger(),'
                ' sa.ForeignKey("customers.id"), server_default="1"), inline_references=True)'
            ),
        ),
    ),
    aliases={"squawk": "adding-foreign-key-constraint", "strong_migrations": "add_foreign_key"},
)
