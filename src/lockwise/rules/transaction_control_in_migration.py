"""LW407 transaction-control-in-migration: BEGIN, COMMIT or ROLLBACK sent from a migration."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import TransactionStmtKind as Kind

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule

_ENDS = (
    "ends Alembic's transaction early: what ran before it stays applied if a later step "
    "fails, while alembic_version still names the previous revision"
)
_UNDOES = (
    "silently undoes everything the revision did before it, and Alembic then stamps the "
    "revision as applied anyway"
)
# SAVEPOINT, RELEASE and ROLLBACK TO nest inside Alembic's transaction and are left alone.
_EFFECTS = {
    Kind.TRANS_STMT_BEGIN: "only warns inside Alembic's transaction, and misleads: the "
    "COMMIT meant to close it ends Alembic's transaction instead",
    Kind.TRANS_STMT_START: "only warns inside Alembic's transaction, and misleads: the "
    "COMMIT meant to close it ends Alembic's transaction instead",
    Kind.TRANS_STMT_COMMIT: _ENDS,
    Kind.TRANS_STMT_ROLLBACK: _UNDOES,
    Kind.TRANS_STMT_PREPARE: "detaches Alembic's transaction from the session: its locks stay "
    "held until someone runs COMMIT PREPARED",
    Kind.TRANS_STMT_COMMIT_PREPARED: "commits another prepared transaction from a migration",
    Kind.TRANS_STMT_ROLLBACK_PREPARED: "rolls back a prepared transaction from a migration",
}
_SETUP = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"
_ADD = 'op.add_column("orders", sa.Column("note", sa.Text()))'
_CONCURRENT = (
    "with op.get_context().autocommit_block():\n"
    '    op.create_index("ix_orders_total", "orders", ["total"],\n'
    "                    postgresql_concurrently=True, if_not_exists=True)"
)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag transaction-control statements, which fight the transaction Alembic manages.

    A plain SQL file (unmeasured) runs under psql, where BEGIN and COMMIT are how a
    file groups its statements: nothing manages a transaction for it.
    """
    if not facts.measured:
        return
    for statement, node in facts.of_type(ast.TransactionStmt):
        if effect := _EFFECTS.get(node.kind):
            verb = statement.sql.split()[0].upper().rstrip(";")
            yield Hit(f"{verb} in a migration {effect}", statement.index)


RULE = Rule(
    id="LW407",
    name="transaction-control-in-migration",
    severity="error",
    summary="op.execute of BEGIN, COMMIT, ROLLBACK or END inside a migration",
    lock="",
    blocks="nothing by itself: it breaks the all-or-nothing of the revision",
    why=(
        "Alembic opens the transaction, runs the revision and its alembic_version update in "
        "it, and commits once, so a failure leaves nothing behind. A COMMIT sent from the "
        "migration ends that transaction early: the statements before it are permanent even "
        "if a later one fails, and the rerun trips over them. A ROLLBACK discards them, yet "
        "the revision is stamped as applied. A BEGIN inside a transaction block only raises "
        "a warning in PostgreSQL, but the COMMIT written to pair with it ends Alembic's "
        "transaction. Work that must run outside a transaction belongs in autocommit_block()."
    ),  # https://www.postgresql.org/docs/current/sql-begin.html
    fix=f"# Let Alembic own the transaction; step outside it explicitly:\n{_CONCURRENT}\n{_ADD}",
    check=check,
    bad=(
        Example(setup=_SETUP, upgrade=f'{_ADD}\nop.execute("COMMIT")\n{_CONCURRENT}'),
        Example(setup=_SETUP, upgrade=f'op.execute("BEGIN")\n{_ADD}\nop.execute("COMMIT")'),
    ),
    good=(
        Example(setup=_SETUP, upgrade=_CONCURRENT),
        Example(
            setup=_SETUP,
            upgrade=f'op.execute("SAVEPOINT before_note")\n{_ADD}\n'
            'op.execute("RELEASE SAVEPOINT before_note")',
        ),
    ),
    aliases={"squawk": "transaction-nesting"},
)
