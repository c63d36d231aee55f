"""LW215 trigger-on-existing-table: CREATE TRIGGER or ENABLE/DISABLE TRIGGER on a live table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name

_LOCK = "ShareRowExclusiveLock"
# AT_EnableTrig, AT_DisableTrigAll, AT_EnableReplicaTrig...: every ENABLE/DISABLE TRIGGER form.
_TOGGLES = frozenset(kind for kind in AlterTableType if "Trig" in kind.name)
_FUNCTION = (
    "CREATE FUNCTION orders_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
)
_TABLE = f"CREATE TABLE orders (id bigint PRIMARY KEY, total numeric); {_FUNCTION}"
_CREATE = (
    'op.execute("CREATE TRIGGER orders_touch BEFORE UPDATE ON orders'
    ' FOR EACH ROW EXECUTE FUNCTION orders_touch()")'
)


def _trigger_change(node: ast.Node | None) -> tuple[str, ast.RangeVar] | None:
    """What the statement does to triggers, and on which table; None when nothing."""
    if isinstance(node, ast.CreateTrigStmt) and node.relation is not None:
        return "CREATE TRIGGER", node.relation
    if isinstance(node, ast.AlterTableStmt) and node.relation is not None:
        for cmd in node.cmds or ():
            if cmd.subtype in _TOGGLES:
                verb = "DISABLE" if "Disable" in cmd.subtype.name else "ENABLE"
                return f"ALTER TABLE ... {verb} TRIGGER", node.relation
    return None


def _locks_writes(facts: RevisionFacts, statement: StatementFacts, table: str) -> bool:
    """Measured SHARE ROW EXCLUSIVE on an existing table; the parse tree alone when unmeasured."""
    created = {relation_name(node.relation) for _, node in facts.of_type(ast.CreateStmt)}
    if table in created or not statement.existed_before(table):
        return False
    if not (facts.measured and statement.captured.locks_measured):
        return True
    return statement.holds(_LOCK, table)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag trigger changes measured holding SHARE ROW EXCLUSIVE on an existing table."""
    for statement in facts.statements:
        change = _trigger_change(statement.node)
        table = relation_name(change[1]) if change else ""
        if change and _locks_writes(facts, statement, table):
            yield Hit(
                f"{change[0]} takes SHARE ROW EXCLUSIVE on {table}: every write to {table} "
                "waits (queued behind its longest transaction) until the migration commits, "
                f"and from then on every write to {table} behaves differently",
                statement.index,
            )


RULE = Rule(
    id="LW215",
    name="trigger-on-existing-table",
    severity="warning",
    summary="CREATE TRIGGER or ALTER TABLE ... ENABLE/DISABLE TRIGGER on an existing table",
    lock=_LOCK,
    blocks="INSERT, UPDATE and DELETE on the table until the migration's transaction ends",
    # https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
    # https://www.postgresql.org/docs/current/sql-altertable.html
    why=(
        "CREATE TRIGGER and ALTER TABLE ... ENABLE/DISABLE TRIGGER take SHARE ROW EXCLUSIVE "
        "on the table. The change itself is quick, but the lock must wait for every "
        "transaction already writing to the table, and writes that arrive meanwhile queue "
        "behind it; it is then held until the migration's transaction commits, so any slow "
        "statement after it in the same revision keeps writes blocked. The trigger also "
        "changes what every write does from the moment it commits: a new trigger adds its "
        "cost to every write, and a disabled one silently skips its logic. Give it a "
        "revision of its own with a short lock_timeout, and ship it with the code that "
        "expects it."
    ),
    fix=(
        "# A revision of its own: the lock is held for the trigger only.\n"
        "op.execute(\"SET LOCAL lock_timeout = '2s'\")\n"
        "op.execute(\n"
        '    "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders"\n'
        '    " FOR EACH ROW EXECUTE FUNCTION orders_touch()"\n'
        ")"
    ),
    check=check,
    bad=(
        Example(setup=_TABLE, upgrade=_CREATE),
        Example(
            setup=f"{_TABLE}; CREATE TRIGGER orders_touch BEFORE UPDATE ON orders"
            " FOR EACH ROW EXECUTE FUNCTION orders_touch()",
            upgrade='op.execute("ALTER TABLE orders DISABLE TRIGGER orders_touch")',
        ),
    ),
    good=(
        Example(
            setup=_FUNCTION,
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("total", sa.Numeric()))\n' + _CREATE
            ),
        ),
    ),
    aliases={"squawk": "ban-disable-trigger"},
)
