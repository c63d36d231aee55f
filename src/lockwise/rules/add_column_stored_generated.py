"""LW103 add-column-stored-generated: ADD COLUMN ... GENERATED ALWAYS AS (...) STORED."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag stored generated columns measured rewriting a table that existed before."""
    measured = facts.measured and facts.failure is None
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        columns = list(_stored_generated(node))
        if not columns or not facts.existed_before(statement, table):
            continue
        if not measured or table in statement.captured.rewrites:
            yield Hit(
                f"ADD COLUMN {columns[0]} GENERATED ... STORED computes and writes the value into "
                f"every existing row: it rewrites {table} under ACCESS EXCLUSIVE, so reads and "
                "writes wait for the whole rewrite of the table and its indexes",
                statement.index,
            )


def _stored_generated(node: Any) -> Iterator[str]:
    """The added columns generated and stored (PostgreSQL 18's VIRTUAL ones are not)."""
    for cmd in node.cmds:
        if cmd.subtype == AlterTableType.AT_AddColumn:
            for constraint in cmd.def_.constraints or ():
                generated = constraint.contype == ConstrType.CONSTR_GENERATED
                if generated and constraint.generated_kind == "s":
                    yield str(cmd.def_.colname)


_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);"
    " INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g"
)
_ADD_CENTS = (
    'op.add_column("orders", sa.Column("total_cents", sa.BigInteger(),'
    ' sa.Computed("total * 100", persisted=True)))'
)
# A plain column kept up to date by a trigger: no rewrite, only a brief lock.
_TRIGGER = (
    'op.add_column("orders", sa.Column("total_cents", sa.BigInteger(), nullable=True))\n'
    'op.execute("""CREATE FUNCTION orders_total_cents() RETURNS trigger LANGUAGE plpgsql AS $$\n'
    'BEGIN NEW.total_cents := NEW.total * 100; RETURN NEW; END $$""")\n'
    'op.execute("CREATE TRIGGER orders_total_cents BEFORE INSERT OR UPDATE ON orders"\n'
    '           " FOR EACH ROW EXECUTE FUNCTION orders_total_cents()")'
)

RULE = Rule(
    id="LW103",
    name="add-column-stored-generated",
    severity="error",
    summary="op.add_column with sa.Computed(..., persisted=True) on an existing table",
    lock="AccessExclusiveLock",
    blocks="every read and write of the table for the whole rewrite",
    # https://www.postgresql.org/docs/current/ddl-generated-columns.html
    why=(
        "A stored generated column holds a value computed from the other columns, so adding "
        "one makes PostgreSQL compute it for every existing row: the table is rewritten and "
        "its indexes rebuilt under ACCESS EXCLUSIVE, and reads queue with writes for the whole "
        "copy. PostgreSQL 18 adds VIRTUAL generated columns, computed on read, with no rewrite."
    ),
    fix=_TRIGGER + "\n# backfill existing rows in batches outside this revision",
    check=check,
    bad=(Example(setup=_SETUP, upgrade=_ADD_CENTS),),
    good=(
        Example(setup=_SETUP, upgrade=_TRIGGER),
        Example(
            upgrade='op.create_table("orders", sa.Column("total", sa.Numeric()))\n' + _ADD_CENTS
        ),
    ),
    aliases={
        "squawk": "adding-field-with-default",
        "strong_migrations": "add_column_generated_stored",
    },
    versions="PostgreSQL 18+: a VIRTUAL generated column adds no rewrite",
)
