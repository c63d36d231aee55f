"""LW203 validate-in-same-transaction: VALIDATE CONSTRAINT while a strong lock is still held."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules._parsed_locks import parsed_locks
from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name

# The modes that block writes: https://www.postgresql.org/docs/current/explicit-locking.html
_BLOCKING = ("ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock")
_CAMEL = "(?<=[a-z])(?=[A-Z])"  # AccessExclusive -> ACCESS EXCLUSIVE, as the docs spell it
_SETUP = "CREATE TABLE orders (id bigint, total int); INSERT INTO orders VALUES (1, 1)"
_ADD = 'op.create_check_constraint("ck_total", "orders", "total > 0", postgresql_not_valid=True)'
_VALIDATE = 'op.execute("ALTER TABLE orders VALIDATE CONSTRAINT ck_total")'


def _measured(facts: RevisionFacts, statement: StatementFacts) -> bool:
    return facts.measured and statement.captured.locks_measured


def _existed(facts: RevisionFacts, statement: StatementFacts, relation: str) -> bool:
    """`relation` existed before the revision: measured, else no CREATE TABLE made it earlier."""
    if _measured(facts, statement):
        return statement.existed_before(relation)
    return not facts.made_earlier(statement, relation)


def _validates(node: ast.AlterTableStmt) -> bool:
    return any(cmd.subtype == AlterTableType.AT_ValidateConstraint for cmd in node.cmds or ())


def _held(facts: RevisionFacts, statement: StatementFacts, earlier: StatementFacts) -> str:
    """The write-blocking lock `earlier` took on a relation that existed, in words, or ""."""
    # unmeasured: the lock PostgreSQL documents for the statement
    locks = earlier.captured.locks if _measured(facts, earlier) else parsed_locks(earlier.node)
    blocking = [k for k in locks if k.mode in _BLOCKING]
    taken = [(re.sub(_CAMEL, " ", k.mode[:-4]).upper(), k.relation) for k in blocking]
    held = " and ".join(f"{m} on {r}" for m, r in taken if _existed(facts, statement, r))
    return f"{held} at line {earlier.captured.line}" if held else ""


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag a VALIDATE scanning an existing table after a write-blocking lock, same transaction.

    Each earlier statement is judged once, at the first VALIDATE after it: a lock on a
    relation that predates the revision stays held until commit.
    """
    latest, unjudged = "", list[StatementFacts]()  # the latest such lock, in words
    for statement in facts.statements:
        node = statement.node
        if not statement.captured.transactional or isinstance(node, ast.TransactionStmt):
            latest, unjudged = "", []  # an autocommit block or COMMIT ends the transaction
            continue
        if isinstance(node, ast.AlterTableStmt) and _validates(node) and node.relation:
            table = relation_name(node.relation)
            scanned = table in statement.captured.scans or not _measured(facts, statement)
            if scanned and _existed(facts, statement, table):
                for earlier in unjudged:
                    latest = _held(facts, statement, earlier) or latest
                unjudged = []
                if latest:
                    yield Hit(
                        f"VALIDATE CONSTRAINT scans {table} in the transaction that took "
                        f"{latest}: a lock lasts until commit, so what it blocks waits for the "
                        "whole scan",
                        statement.index,
                    )
        unjudged.append(statement)


RULE = Rule(
    id="LW203",
    name="validate-in-same-transaction",
    severity="error",
    summary="VALIDATE CONSTRAINT in the transaction that took a write-blocking lock",
    lock="",
    blocks="what the earlier lock blocks (writes; reads too under ACCESS EXCLUSIVE) for the scan",
    why=(
        # https://www.postgresql.org/docs/current/sql-altertable.html (VALIDATE CONSTRAINT)
        "NOT VALID then VALIDATE CONSTRAINT is safe only across two transactions. VALIDATE "
        "takes SHARE UPDATE EXCLUSIVE, which lets reads and writes through, but locks last "
        "until the transaction ends: after ADD CONSTRAINT ... NOT VALID (ACCESS EXCLUSIVE for "
        "a CHECK, SHARE ROW EXCLUSIVE on both tables for a foreign key) or any write-blocking "
        "statement, the scan runs under that stronger lock. Two revisions run by one upgrade "
        "share a transaction too, unless env.py sets transaction_per_migration=True."
    ),
    fix=(
        f"# revision 1\n{_ADD}\n"
        "# revision 2 (an autocommit block is its own transaction, whatever env.py does)\n"
        f"with op.get_context().autocommit_block():\n    {_VALIDATE}"
    ),
    check=check,
    bad=(Example(setup=_SETUP, upgrade=f"{_ADD}\n{_VALIDATE}"),),
    good=(
        Example(
            setup=_SETUP,
            upgrade=f"{_ADD}\nwith op.get_context().autocommit_block():\n    {_VALIDATE}",
        ),
        Example(
            setup=f"{_SETUP}; ALTER TABLE orders ADD CONSTRAINT ck_total CHECK (total > 0)"
            " NOT VALID",
            upgrade=_VALIDATE,
        ),
    ),
    aliases={
        "squawk": "constraint-missing-not-valid",
        "strong_migrations": "validate_check_constraint, validate_foreign_key",
    },
)
