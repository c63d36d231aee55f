"""LW402 missing-statement-timeout: a strong lock on an existing table, no statement_timeout."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pglast import ast
from pglast.enums import VariableSetKind

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name

SETTING = "statement_timeout"
# Modes that conflict with the ROW EXCLUSIVE lock of writes; requests queue behind a waiting one:
# https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
_QUEUED = frozenset({"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"})
# Unmeasured (plain SQL): the lock each kind of statement takes on the table it names.
_PARSED = {ast.AlterTableStmt: "AccessExclusiveLock", ast.IndexStmt: "ShareLock"}
_SETUP = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"
_ADD = 'op.add_column("orders", sa.Column("note", sa.Text()))'


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag statements locking an existing table before any SET [LOCAL] statement_timeout."""
    session = local = False
    for statement in facts.statements:
        session, local = _timeout(statement, session, local)
        if (locked := _locked(facts, statement)) and not (session or local):
            table, mode = locked
            queued = "every read and write" if mode == "AccessExclusiveLock" else "every write"
            words = re.sub(r"\B([A-Z])", r" \1", mode.removesuffix("Lock")).upper()
            yield Hit(
                f"{' '.join(statement.sql.split()[:2])} takes {words} on {table} with "
                f"no {SETTING}: however long it runs or waits, {queued} on {table} waits "
                "with it",
                statement.index,
            )


def _timeout(statement: StatementFacts, session: bool, local: bool) -> tuple[bool, bool]:
    """Whether a session and a transaction-local timeout are in force after `statement`."""
    node = statement.node  # an autocommit block or a COMMIT ends what SET LOCAL set
    local = local and statement.captured.transactional and not isinstance(node, ast.TransactionStmt)
    if not isinstance(node, ast.VariableSetStmt) or node.name not in (SETTING, None):
        return session, local  # name None: RESET ALL
    value = getattr(node.args[0], "val", None) if node.args else None
    zero = str(getattr(value, "ival", getattr(value, "sval", ""))) in {"0", "0s", "0ms"}
    on = node.kind == VariableSetKind.VAR_SET_VALUE and not zero
    return (session, on and statement.captured.transactional) if node.is_local else (on, local)


def _locked(facts: RevisionFacts, statement: StatementFacts) -> tuple[str, str] | None:
    """(relation, mode) of a queueing lock on a relation that existed before, or None."""
    following = facts.statements[statement.index + 1 : statement.index + 2]
    creates = isinstance(statement.node, ast.CreateStmt | ast.IndexStmt)
    if not (facts.measured and statement.captured.locks_measured and (following or not creates)):
        return _parsed(facts, statement)
    judge = following[0] if following else statement  # its created_before has what this made
    for lock in statement.captured.locks:
        if lock.mode in _QUEUED and judge.existed_before(lock.relation):
            return lock.relation, lock.mode
    return None


def _parsed(facts: RevisionFacts, statement: StatementFacts) -> tuple[str, str] | None:
    """Unmeasured: the table an ALTER TABLE or CREATE INDEX names, unless made earlier."""
    node = statement.node
    if not isinstance(node, ast.AlterTableStmt | ast.IndexStmt) or node.relation is None:
        return None
    earlier = [n.relation for s, n in facts.of_type(ast.CreateStmt) if s.index < statement.index]
    made = {relation_name(relation) for relation in earlier}
    table = relation_name(node.relation)
    concurrent = isinstance(node, ast.IndexStmt) and node.concurrent
    return None if table in made or concurrent else (table, _PARSED[type(node)])


RULE = Rule(
    id="LW402",
    name="missing-statement-timeout",
    severity="info",
    summary="A statement that locks an existing table, with no statement_timeout set before it",
    lock="AccessExclusiveLock",
    blocks="for as long as the statement runs or waits: every query on the table that conflicts",
    why=(
        "A statement holding a strong lock blocks the table for as long as it runs, and a "
        "rewrite, a validation scan or a wait for another lock can take far longer than "
        "planned. statement_timeout defaults to 0, no limit; set, PostgreSQL cancels a "
        "statement that takes longer, lock waits included (SQLSTATE 57014), so a slow step "
        "fails fast instead of stalling traffic. SHARE UPDATE EXCLUSIVE-only statements "
        "(CREATE INDEX CONCURRENTLY, VALIDATE) block no reads or writes and are left out. "
        "`lockwise apply` sets it; this reminds other ways of deploying."
    ),  # https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT
    fix=(
        "def upgrade() -> None:\n"
        "    # Cancel any step that runs longer than 5 s instead of blocking orders.\n"
        "    op.execute(\"SET LOCAL statement_timeout = '5s'\")\n"
        '    op.add_column("orders", sa.Column("note", sa.Text()))'
    ),
    check=check,
    bad=(Example(setup=_SETUP, upgrade=_ADD),),
    good=(
        Example(setup=_SETUP, upgrade=f"op.execute(\"SET statement_timeout = '5s'\")\n{_ADD}"),
        Example(
            upgrade='op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True))'
            f"\n{_ADD}"
        ),
    ),
    aliases={"squawk": "require-statement-timeout"},
    versions="PostgreSQL 17+ also has transaction_timeout, a limit on the whole transaction",
)
