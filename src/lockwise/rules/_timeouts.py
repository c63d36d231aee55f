"""What LW401 and LW402 share: which statements lock a table with no timeout in force."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, VariableSetKind

from lockwise.rules._parsed_locks import parsed_locks
from lockwise.rules.base import RevisionFacts, StatementFacts, named_relations

# Modes that conflict with the ROW EXCLUSIVE lock of writes; requests queue behind a waiting one:
# https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
_QUEUED = frozenset({"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"})


def unguarded(facts: RevisionFacts, setting: str) -> Iterator[tuple[StatementFacts, str, str, str]]:
    """Statements taking a queueing lock on an existing table while `setting` is unset.

    Yields the statement, the table, who waits on it in words, and the mode in words.
    A downgrade that only drops (what its upgrade created) is left alone: the timeout
    belongs to the upgrade that made it.
    """
    if facts.direction == "downgrade" and all(_drop_only(s.node) for s in facts.statements):
        return
    session = local = False
    for statement in facts.statements:
        session, local = _timeout(statement, setting, session, local)
        if (locked := _locked(facts, statement)) and not (session or local):
            table, mode = locked
            queued = "every read and write" if mode == "AccessExclusiveLock" else "every write"
            words = re.sub(r"\B([A-Z])", r" \1", mode.removesuffix("Lock")).upper()
            yield statement, table, queued, words


def _timeout(
    statement: StatementFacts, setting: str, session: bool, local: bool
) -> tuple[bool, bool]:
    """Whether a session and a transaction-local timeout are in force after `statement`."""
    node = statement.node  # an autocommit block or a COMMIT ends what SET LOCAL set
    local = local and statement.captured.transactional and not isinstance(node, ast.TransactionStmt)
    if not isinstance(node, ast.VariableSetStmt) or node.name not in (setting, None):
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
    held = [
        (lock.relation, lock.mode)
        for lock in statement.captured.locks
        if lock.mode in _QUEUED and judge.existed_before(lock.relation)
    ]
    named = named_relations(statement.node)  # the table it names, not an index of it
    return next((h for h in held if h[0] in named), held[0] if held else None)


_DROPS = (AlterTableType.AT_DropColumn, AlterTableType.AT_DropConstraint)


def _drop_only(node: object) -> bool:
    """A DROP statement, an ALTER TABLE that only drops columns or constraints, or a SET."""
    if isinstance(node, ast.DropStmt | ast.VariableSetStmt | ast.VariableShowStmt):
        return True
    if isinstance(node, ast.AlterTableStmt):
        return all(command.subtype in _DROPS for command in node.cmds or ())
    return False


def _parsed(facts: RevisionFacts, statement: StatementFacts) -> tuple[str, str] | None:
    """Unmeasured: the documented queueing lock on a table no earlier statement made."""
    locks = parsed_locks(statement.node)
    existing = [
        k for k in locks if k.mode in _QUEUED and not facts.made_earlier(statement, k.relation)
    ]
    return (existing[0].relation, existing[0].mode) if existing else None
