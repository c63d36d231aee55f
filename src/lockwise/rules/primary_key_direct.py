"""LW205 primary-key-direct: a primary key whose index build or NULL check runs under the lock."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name

_SETUP = "CREATE TABLE orders (id bigint NOT NULL); INSERT INTO orders SELECT generate_series(1, 9)"
_ADOPT = 'op.execute("ALTER TABLE orders ADD PRIMARY KEY USING INDEX pk_orders")'
_BUILD = (
    "with op.get_context().autocommit_block():\n"
    '    op.create_index("pk_orders", "orders", ["id"], unique=True,\n'
    "                    postgresql_concurrently=True, if_not_exists=True)\n"
)


def _primary_key(node: ast.AlterTableStmt) -> ast.Constraint | None:
    """The PRIMARY KEY the ALTER TABLE adds, if any."""
    for cmd in node.cmds or ():
        key = cmd.def_ if cmd.subtype == AlterTableType.AT_AddConstraint else None
        if isinstance(key, ast.Constraint) and key.contype == ConstrType.CONSTR_PRIMARY:
            return key
    return None


def _own_scan(facts: RevisionFacts, statement: StatementFacts, table: str) -> bool:
    """True when this statement read `table`, as far as the capture can tell.

    Measured scans also show the unflushed statistics of earlier statements, and autocommit
    statements show none of theirs: after either kind, a scan of `table` is not attributed.
    """
    earlier = facts.statements[: statement.index]
    read = [e for e in earlier if table in e.captured.scans or not e.captured.transactional]
    return table in statement.captured.scans and not read


def _blocks(facts: RevisionFacts, statement: StatementFacts, table: str, adopts: bool) -> bool:
    """Measured: ACCESS EXCLUSIVE on the existing table, while it is read (build or NULL check)."""
    if facts.measured and statement.captured.locks_measured:
        held = statement.existed_before(table) and statement.holds("AccessExclusiveLock", table)
        return held and (not adopts or _own_scan(facts, statement, table))
    # Unmeasured: USING INDEX only scans nullable columns, which the parse tree cannot tell.
    return not adopts and not facts.made_earlier(statement, table)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag primary keys that build an index or check for NULLs under ACCESS EXCLUSIVE."""
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table, key = relation_name(node.relation), _primary_key(node)
        if key is not None and _blocks(facts, statement, table, bool(key.indexname)):
            work = "checks every row for NULLs" if key.indexname else "builds its index"
            yield Hit(
                f"ADD PRIMARY KEY {work} on {table} under ACCESS EXCLUSIVE: reads and writes "
                f"on {table} wait until it is done",
                statement.index,
            )


RULE = Rule(
    id="LW205",
    name="primary-key-direct",
    severity="error",
    summary="op.create_primary_key on an existing table (index build, NULL check under the lock)",
    lock="AccessExclusiveLock",
    blocks="every read and write on the table while the index is built or the rows are checked",
    why=(
        # https://www.postgresql.org/docs/current/sql-altertable.html (USING INDEX, SET NOT NULL)
        "ALTER TABLE ... ADD PRIMARY KEY takes ACCESS EXCLUSIVE on the table, builds the unique "
        "index under it and reads every row to make columns not yet NOT NULL so: no query can "
        "read or write the table until the migration commits. Build the index first with "
        "CREATE UNIQUE INDEX CONCURRENTLY, make the columns NOT NULL without a scan (a "
        "validated CHECK (col IS NOT NULL) lets SET NOT NULL skip it); ADD PRIMARY KEY USING "
        "INDEX then holds the lock for a moment only."
    ),
    fix=(
        "# revision 1 (skip it when id is already NOT NULL)\n"
        'op.create_check_constraint("ck_orders_id", "orders", "id IS NOT NULL",\n'
        "                           postgresql_not_valid=True)\n"
        "# revision 2\n"
        f"{_BUILD}"
        '    op.execute("ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_id")\n'
        'op.alter_column("orders", "id", nullable=False)  # no scan: the CHECK proves it\n'
        f"{_ADOPT}\n"
        'op.drop_constraint("ck_orders_id", "orders")'
    ),
    check=check,
    bad=(
        Example(setup=_SETUP, upgrade='op.create_primary_key("pk_orders", "orders", ["id"])'),
        Example(
            setup=f"{_SETUP.replace('NOT NULL', '')}; CREATE UNIQUE INDEX pk_orders ON orders (id)",
            upgrade=_ADOPT,
        ),
    ),
    good=(
        Example(setup=_SETUP, upgrade=f"{_BUILD}{_ADOPT}"),
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), nullable=False))\n'
                'op.create_primary_key("pk_orders", "orders", ["id"])'
            ),
        ),
    ),
    aliases={"squawk": "adding-serial-primary-key-field"},
    versions="PostgreSQL 12+: SET NOT NULL skips its scan when a validated CHECK proves it",
)
