"""LW405 ops-before-autocommit-block: statements that an autocommit block commits half-way."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts

_SETUP = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"
_ADD = 'op.add_column("orders", sa.Column("note", sa.Text()))'
_CONCURRENT = (
    "with op.get_context().autocommit_block():\n"
    '    op.create_index("ix_orders_total", "orders", ["total"],\n'
    "                    postgresql_concurrently=True, if_not_exists=True)"
)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag each autocommit block entered with schema changes pending in the transaction.

    Statements issued by the same `op.*` line as the block are that call's own steps: a
    helper that leaves the transaction (`lockwise.ops.add_foreign_key`) is written so
    that a rerun completes them. So are statements a rerun skips by their own words
    (`ADD COLUMN IF NOT EXISTS`, `CREATE TABLE IF NOT EXISTS`).
    """
    pending: list[StatementFacts] = []
    for statement in facts.statements:
        if statement.captured.transactional:
            if not _rerun_safe(statement.node):
                pending.append(statement)
            continue
        pending = [p for p in pending if p.captured.line != statement.captured.line]
        if pending:
            yield Hit(_message(statement, pending), statement.index)
        pending = []


def _rerun_safe(node: object) -> bool:
    """SET and SHOW change nothing; IF [NOT] EXISTS statements are no-ops when rerun."""
    if isinstance(node, ast.VariableSetStmt | ast.VariableShowStmt):
        return True
    if isinstance(node, ast.CreateStmt | ast.IndexStmt):
        return bool(node.if_not_exists)
    if isinstance(node, ast.DropStmt):
        return bool(node.missing_ok)
    if isinstance(node, ast.AlterTableStmt):
        return all(command.missing_ok for command in node.cmds or ())
    return False


def _message(statement: StatementFacts, pending: list[StatementFacts]) -> str:
    first = pending[0]
    return (
        f"the autocommit block commits the {len(pending)} statement(s) before it, from "
        f"{_kind(first)} on line {first.captured.line}: if {_kind(statement)} then fails, "
        "they stay applied while alembic_version still names the previous revision, and "
        "the rerun fails on them"
    )


def _kind(statement: StatementFacts) -> str:
    return " ".join(statement.sql.split()[:2])


RULE = Rule(
    id="LW405",
    name="ops-before-autocommit-block",
    severity="warning",
    summary="Operations before op.get_context().autocommit_block() in the same revision",
    lock="",
    blocks="nothing: the hazard is a half-applied, unstamped revision when the block fails",
    why=(
        "Alembic runs a revision and its alembic_version update in one transaction, so a "
        "failure rolls back all of it. Entering autocommit_block() commits that transaction "
        "first. Operations before the block are then permanent while the version is not yet "
        "stamped: when the concurrent step fails (a CREATE UNIQUE INDEX CONCURRENTLY meeting "
        "a duplicate, a deadlock, a timeout), the database keeps them, alembic_version still "
        "names the previous revision, and `alembic upgrade` reruns the whole revision, which "
        "now fails on the first operation (column already exists). Put the concurrent step "
        "first, or in a revision of its own."
    ),  # https://alembic.sqlalchemy.org/en/latest/api/runtime.html#alembic.runtime.migration.MigrationContext.autocommit_block
    fix=f"# The concurrent step first (or in its own revision):\n{_CONCURRENT}\n{_ADD}",
    check=check,
    bad=(Example(setup=_SETUP, upgrade=f"{_ADD}\n{_CONCURRENT}"),),
    good=(
        Example(setup=_SETUP, upgrade=f"{_CONCURRENT}\n{_ADD}"),
        Example(setup=_SETUP, upgrade=f"op.execute(\"SET lock_timeout = '2s'\")\n{_CONCURRENT}"),
    ),
)
