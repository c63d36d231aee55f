"""LW114 set-generated-expression: ALTER COLUMN ... SET EXPRESSION on a stored generated column."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric,"
    " total_cents numeric GENERATED ALWAYS AS (total * 100) STORED);"
    " CREATE INDEX ix_orders_total_cents ON orders (total_cents);"
    " INSERT INTO orders (id, total) SELECT g, g FROM generate_series(1, 100) g"
)
_SET = "ALTER TABLE orders ALTER COLUMN total_cents SET EXPRESSION AS (round(total * 100))"
# The column stops being generated (a moment's lock, no rewrite) and a trigger computes it.
_SAFE = (
    'op.execute("ALTER TABLE orders ALTER COLUMN total_cents DROP EXPRESSION")\n'
    'op.execute("""CREATE FUNCTION orders_total_cents() RETURNS trigger LANGUAGE plpgsql AS $$\n'
    'BEGIN NEW.total_cents := round(NEW.total * 100); RETURN NEW; END $$""")\n'
    'op.execute("CREATE TRIGGER orders_total_cents BEFORE INSERT OR UPDATE ON orders"\n'
    '           " FOR EACH ROW EXECUTE FUNCTION orders_total_cents()")'
)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag SET EXPRESSION measured rewriting a table that existed before the revision."""
    measured = facts.measured and facts.failure is None
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        columns = [c.name for c in node.cmds or () if c.subtype == AlterTableType.AT_SetExpression]
        if not columns or not facts.existed_before(statement, table):
            continue
        if not measured or table in statement.captured.rewrites:
            yield Hit(
                f"ALTER COLUMN {columns[0]} SET EXPRESSION computes {table}.{columns[0]} again "
                f"for every row: it rewrites {table} and rebuilds its indexes under ACCESS "
                "EXCLUSIVE, so reads and writes wait for the whole rewrite",
                statement.index,
            )


RULE = Rule(
    id="LW114",
    name="set-generated-expression",
    severity="error",
    summary="ALTER TABLE ... ALTER COLUMN ... SET EXPRESSION on a stored generated column",
    lock="AccessExclusiveLock",
    blocks="every read and write of the table for the whole rewrite",
    # https://www.postgresql.org/docs/current/sql-altertable.html (SET EXPRESSION AS,
    # DROP EXPRESSION); https://www.postgresql.org/docs/current/ddl-generated-columns.html
    why=(
        "Changing the expression of a stored generated column makes PostgreSQL compute the "
        "new value for every row: the table is rewritten and its indexes rebuilt under ACCESS "
        "EXCLUSIVE, and reads queue with writes for the whole copy (measured on PostgreSQL "
        "18). Alembic cannot alter a Computed column, so this comes from op.execute. To "
        "change the expression online, turn the column into a plain one with DROP EXPRESSION "
        "(a moment's lock, no rewrite), keep it up to date with a trigger, and recompute the "
        "old rows in batches outside the migration. PostgreSQL 18's VIRTUAL generated "
        "columns are computed on read: changing their expression rewrites nothing."
    ),
    fix=_SAFE + "\n# recompute the old rows in batches, outside this revision",
    check=check,
    bad=(Example(setup=_SETUP, upgrade=f'op.execute("{_SET}")'),),
    good=(
        Example(setup=_SETUP, upgrade=_SAFE),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("total", sa.Numeric()), sa.Column('
                '"total_cents", sa.Numeric(), sa.Computed("total * 100", persisted=True)))\n'
                f'op.execute("{_SET}")'
            ),
        ),
    ),
    versions=(
        "PostgreSQL 17+ (SET EXPRESSION is new in 17); on 18, a VIRTUAL column's new "
        "expression rewrites nothing"
    ),
)
