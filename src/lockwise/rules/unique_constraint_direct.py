"""LW204 unique-constraint-direct: a UNIQUE constraint that builds its index under the lock."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, number text); "
    "INSERT INTO orders SELECT g, 'N' || g FROM generate_series(1, 100) g"
)
_SAFE = (
    "with op.get_context().autocommit_block():\n"
    '    op.create_index("uq_orders_number", "orders", ["number"], unique=True,\n'
    "                    postgresql_concurrently=True, if_not_exists=True)\n"
    'op.execute("ALTER TABLE orders ADD CONSTRAINT uq_orders_number"\n'
    '           " UNIQUE USING INDEX uq_orders_number")'
)


def _unique_builds(node: ast.AlterTableStmt) -> Iterator[str]:
    """Each UNIQUE the ALTER TABLE adds with an index of its own, in the message's words.

    Both forms count: `ADD CONSTRAINT ... UNIQUE (c)` (what op.add_column(sa.Column(...,
    unique=True)) emits after its ADD COLUMN) and a new column's own `UNIQUE`.
    """
    for cmd in node.cmds or ():
        added = cmd.def_
        if cmd.subtype == AlterTableType.AT_AddConstraint and _builds_index(added):
            columns = ", ".join(str(key.sval) for key in added.keys or ())
            yield f"ADD CONSTRAINT ... UNIQUE ({columns}) builds its index"
        elif cmd.subtype == AlterTableType.AT_AddColumn and any(
            _builds_index(constraint) for constraint in getattr(added, "constraints", None) or ()
        ):
            yield f"ADD COLUMN {added.colname} ... UNIQUE builds a unique index of {added.colname}"


def _builds_index(constraint: object) -> bool:
    """A UNIQUE constraint that is not USING INDEX (which adopts an index built beforehand)."""
    return (
        isinstance(constraint, ast.Constraint)
        and constraint.contype == ConstrType.CONSTR_UNIQUE
        and not constraint.indexname
    )


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag UNIQUE constraints whose index is built under ACCESS EXCLUSIVE on an existing table."""
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        builds = list(_unique_builds(node))
        if builds and facts.locked_while_scanned(statement, table, "AccessExclusiveLock"):
            yield Hit(
                f"{builds[0]} on {table} under ACCESS EXCLUSIVE: reads and writes on {table} "
                "wait while every row is read for the build, and until the migration commits",
                statement.index,
            )


RULE = Rule(
    id="LW204",
    name="unique-constraint-direct",
    severity="error",
    summary=(
        "op.create_unique_constraint, or a new column's unique=True, on an existing table "
        "(its index is built under the lock)"
    ),
    lock="AccessExclusiveLock",
    blocks="every read and write on the table while the unique index is built",
    why=(
        # https://www.postgresql.org/docs/current/sql-altertable.html (ADD table_constraint
        # [ USING INDEX ]) and https://www.postgresql.org/docs/current/sql-createindex.html
        "ALTER TABLE ... ADD CONSTRAINT ... UNIQUE takes an ACCESS EXCLUSIVE lock on the table "
        "and builds the unique index inside it: every row is read and sorted while no query "
        "can read or write the table, until the migration commits. Build the index first with "
        "CREATE UNIQUE INDEX CONCURRENTLY, which lets reads and writes through, then turn it "
        "into the constraint with ADD CONSTRAINT ... UNIQUE USING INDEX, which only needs the "
        "exclusive lock for a moment because the index already exists. A new column's own "
        "UNIQUE (op.add_column(sa.Column(..., unique=True)), ADD COLUMN ... UNIQUE) is the "
        "same: the column is empty, but the build still reads every row of the table. Add "
        "the column without it, then build the index concurrently."
    ),
    fix=_SAFE,
    check=check,
    bad=(
        Example(
            setup=_SETUP,
            upgrade='op.create_unique_constraint("uq_orders_number", "orders", ["number"])',
        ),
        Example(  # autogenerate's new column with unique=True: ADD COLUMN, then ADD UNIQUE
            setup=_SETUP,
            upgrade='op.add_column("orders", sa.Column("code", sa.Text(), unique=True))',
        ),
    ),
    good=(
        Example(setup=_SETUP, upgrade=_SAFE),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("number", sa.Text()))\n'
                'op.create_unique_constraint("uq_orders_number", "orders", ["number"])'
            ),
        ),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True))\n'
                'op.add_column("orders", sa.Column("number", sa.Text(), unique=True))'
            ),
        ),
    ),
    aliases={
        "squawk": "disallowed-unique-constraint",
        "strong_migrations": "add_unique_constraint",
    },
)
