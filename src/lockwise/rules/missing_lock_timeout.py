"""LW401 missing-lock-timeout: a queueing lock on an existing table with no lock_timeout set."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pglast import ast
from pglast.enums import VariableSetKind

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name

SETTING = "lock_timeout"
# Modes that conflict with the ROW EXCLUSIVE lock of writes; requests queue behind a waiting one:
# https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
_QUEUED = frozenset({"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"})
# Unmeasured (plain SQL): the lock each kind of statement takes on the table it names.
_PARSED = {ast.AlterTableStmt: "AccessExclusiveLock", ast.IndexStmt: "ShareLock"}
_SETUP = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"
_ADD = 'op.add_column("orders", sa.Column("note", sa.Text()))'


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag statements locking an existing table before any SET [LOCAL] lock_timeout."""
    session = local = False
    for statement in facts.statements:
        session, local = _timeout(statement, session, local)
        if (locked := _locked(facts, statement)) and not (session or local):
            table, mode = locked
            queued = "every read and write" if mode == "AccessExclusiveLock" else "every write"
            words = re.sub(r"\B([A-Z])", r" \1", mode.removesuffix("Lock")).upper()
            yield Hit(
                f"{' '.join(statement.sql.split()[:2])} takes {words} on {table} with "
                f"no {SETTING}: while it waits behind a long query, {queued} on {table} "
                "queues behind it",
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
    id="LW401",
    name="missing-lock-timeout",
    severity="info",
    summary="A statement that locks an existing table, with no lock_timeout set before it",
    lock="AccessExclusiveLock",
    blocks="while it waits for its lock: every later query on the table that conflicts with it",
    why=(
        "A statement that needs a strong lock waits for every transaction already using the "
        "table, and PostgreSQL queues later lock requests behind the waiting one: while an "
        "ALTER TABLE waits for a long report query, every read and write of the table waits "
        "too. lock_timeout defaults to 0, which waits forever; set, the statement gives up "
        "with SQLSTATE 55P03 (lock_not_available), the queue drains, and the deploy can be "
        "retried. `lockwise apply` sets it; this reminds other ways of deploying."
    ),  # https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT
    fix=(
        "def upgrade() -> None:\n"
        "    # Give up after 2 s instead of stalling traffic; retry the deploy on 55P03.\n"
        "    op.execute(\"SET LOCAL lock_timeout = '2s'\")\n"
        '    op.add_column("orders", sa.Column("note", sa.Text()))'
    ),
    check=check,
    bad=(Example(setup=_SETUP, upgrade=_ADD),),
    good=(
        Example(setup=_SETUP, upgrade=f"op.execute(\"SET LOCAL lock_timeout = '2s'\")\n{_ADD}"),
        Example(
            upgrade='op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True))'
            f"\n{_ADD}"
        ),
    ),
    aliases={"squawk": "require-lock-timeout", "strong_migrations": "lock_timeout"},
)
