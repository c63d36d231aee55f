"""LW316 drop-generated-expression: ALTER COLUMN ... DROP EXPRESSION on an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric,"
    " total_cents numeric GENERATED ALWAYS AS (total * 100) STORED);"
    " INSERT INTO orders (id, total) SELECT g, g FROM generate_series(1, 100) g"
)
_DROP = 'op.execute("ALTER TABLE orders ALTER COLUMN total_cents DROP EXPRESSION")'
_TRIGGER = (
    'op.execute("""CREATE FUNCTION orders_total_cents() RETURNS trigger LANGUAGE plpgsql AS $$\n'
    'BEGIN NEW.total_cents := NEW.total * 100; RETURN NEW; END $$""")\n'
    'op.execute("CREATE TRIGGER orders_total_cents BEFORE INSERT OR UPDATE ON orders"\n'
    '           " FOR EACH ROW EXECUTE FUNCTION orders_total_cents()")'
)


def _triggered(facts: RevisionFacts) -> set[str]:
    """Tables the revision gives a trigger: one that fills the column takes over from the
    expression (LW114's safe path), and LW215 reviews the trigger itself."""
    return {relation_name(node.relation) for _, node in facts.of_type(ast.CreateTrigStmt)}


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag generated columns of existing tables made plain with nothing left to fill them."""
    triggered = _triggered(facts)
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        if not facts.existed_before(statement, table) or table in triggered:
            continue
        for cmd in node.cmds or ():
            if cmd.subtype == AlterTableType.AT_DropExpression:
                yield Hit(
                    f"ALTER COLUMN {cmd.name} DROP EXPRESSION makes {table}.{cmd.name} a plain "
                    "column: it keeps its values, but rows written from now on get NULL there "
                    "unless the code writes it, and readers get stale values after updates; "
                    f"the ACCESS EXCLUSIVE it takes on {table} is brief (no rewrite, no scan)",
                    statement.index,
                )


RULE = Rule(
    id="LW316",
    name="drop-generated-expression",
    severity="warning",
    summary="ALTER TABLE ... ALTER COLUMN ... DROP EXPRESSION on an existing table",
    lock="AccessExclusiveLock",
    blocks=(
        "every query on the table only for a moment (no rewrite, no scan); the harm is to "
        "the code that reads the column"
    ),
    # https://www.postgresql.org/docs/current/sql-altertable.html (DROP EXPRESSION: "turns
    # a stored generated column into a normal base column"); lock measured on 15 and 18.
    why=(
        "DROP EXPRESSION turns a stored generated column into a plain one. PostgreSQL keeps "
        "the values already stored and rewrites nothing (measured on PostgreSQL 15 and 18: "
        "ACCESS EXCLUSIVE for a moment, no scan), but stops computing the column: rows "
        "inserted from then on get NULL there unless the code writes it, and updates of the "
        "source columns leave it stale. Running code that reads it (totals, filters, "
        "indexes that serve them) silently gets wrong answers. Fill the column from the same "
        "revision on, with a trigger, or ship code that writes it first. PostgreSQL 18 "
        "refuses DROP EXPRESSION on a VIRTUAL column."
    ),
    fix="# the column stays filled: a trigger takes over from the expression\n"
    + _DROP
    + "\n"
    + _TRIGGER,
    check=check,
    bad=(Example(setup=_SETUP, upgrade=_DROP),),
    good=(
        Example(setup=_SETUP, upgrade=f"{_DROP}\n{_TRIGGER}"),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("total", sa.Numeric()), sa.Column('
                '"total_cents", sa.Numeric(), sa.Computed("total * 100", persisted=True)))\n'
                + _DROP
            ),
        ),
    ),
    aliases={"squawk": "ban-drop-generated-expression"},
    downgrades=False,
)
