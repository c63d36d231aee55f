"""LW206 exclusion-constraint: an EXCLUDE constraint added to an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_SETUP = (
    "CREATE TABLE bookings (id bigint PRIMARY KEY, during tstzrange); "
    "INSERT INTO bookings SELECT g, tstzrange(now() + g * interval '1 day', "
    "now() + (g + 1) * interval '1 day') FROM generate_series(1, 100) g"
)
_IMPORT = "from sqlalchemy.dialects.postgresql import TSTZRANGE, ExcludeConstraint\n"
_EXCLUDE = (
    'op.create_exclude_constraint("ex_bookings_during", "bookings", ("during", "&&"), using="gist")'
)


def _adds_exclusion(node: ast.AlterTableStmt) -> bool:
    """True when the ALTER TABLE adds an EXCLUDE constraint."""
    return any(
        cmd.subtype == AlterTableType.AT_AddConstraint
        and isinstance(cmd.def_, ast.Constraint)
        and cmd.def_.contype == ConstrType.CONSTR_EXCLUSION
        for cmd in node.cmds or ()
    )


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag EXCLUDE constraints built under ACCESS EXCLUSIVE on a table that existed."""
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        if _adds_exclusion(node) and facts.locked_while_scanned(
            statement, table, "AccessExclusiveLock"
        ):
            yield Hit(
                f"ADD CONSTRAINT ... EXCLUDE builds its index and checks every row of {table} "
                f"under ACCESS EXCLUSIVE: reads and writes on {table} wait until it is done, "
                "and there is no concurrent way to add it",
                statement.index,
            )


RULE = Rule(
    id="LW206",
    name="exclusion-constraint",
    severity="error",
    summary="op.create_exclude_constraint on an existing table",
    lock="AccessExclusiveLock",
    blocks="every read and write on the table while the index is built and the rows compared",
    why=(
        # https://www.postgresql.org/docs/current/sql-altertable.html (ADD table_constraint:
        # USING INDEX is not supported for exclusion constraints) and
        # https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-EXCLUSION
        "ALTER TABLE ... ADD CONSTRAINT ... EXCLUDE takes an ACCESS EXCLUSIVE lock on the "
        "table, builds the constraint's index under it and compares the existing rows with "
        "each other: no query can read or write the table until the migration commits. "
        "Unlike UNIQUE or a primary key, an exclusion constraint cannot adopt an index built "
        "CONCURRENTLY (no USING INDEX) and has no NOT VALID form, so there is no online way "
        "to add one to a large table: create it with the table, or build a new table that "
        "has it, copy the rows, and swap the tables in a short window."
    ),
    fix=(
        f"{_IMPORT}"
        'op.create_table("bookings_new",\n'
        '    sa.Column("id", sa.BigInteger(), primary_key=True),\n'
        '    sa.Column("during", TSTZRANGE()),\n'
        '    ExcludeConstraint(("during", "&&"), name="ex_bookings_during", using="gist"),\n'
        ")\n"
        "# copy the rows in batches (and keep them in sync), then in a window:\n"
        'op.rename_table("bookings", "bookings_old")\n'
        'op.rename_table("bookings_new", "bookings")'
    ),
    check=check,
    bad=(Example(setup=_SETUP, upgrade=_EXCLUDE),),
    good=(
        Example(
            upgrade=(
                f"{_IMPORT}"
                'op.create_table("bookings", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("during", TSTZRANGE()),'
                ' ExcludeConstraint(("during", "&&"), name="ex_bookings_during", using="gist"))'
            ),
        ),
        Example(
            upgrade=(
                f"{_IMPORT}"
                'op.create_table("bookings", sa.Column("id", sa.BigInteger(), primary_key=True),'
                f' sa.Column("during", TSTZRANGE()))\n{_EXCLUDE}'
            ),
        ),
    ),
    aliases={"strong_migrations": "add_exclusion_constraint"},
)
