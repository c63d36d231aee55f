"""LW403 backfill-in-ddl-transaction: a backfill while the transaction holds a DDL lock."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pglast import ast

from lockwise.rules._parsed_locks import parsed_locks
from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name

# Modes that block writes (SHARE and up): https://www.postgresql.org/docs/current/explicit-locking.html
_STRONG = frozenset({"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"})
_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric, note text); "
    "INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g"
)
_ADD = 'op.add_column("orders", sa.Column("status", sa.Text()))'
_BATCHED = (
    "with op.get_context().autocommit_block():  # each batch commits on its own\n"
    "    batch = sa.text(\"UPDATE orders SET note = '' WHERE id IN\"\n"
    '                    " (SELECT id FROM orders WHERE note IS NULL LIMIT 5000)")\n'
    "    while op.get_bind().execute(batch).rowcount:\n"
    "        pass"
)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag UPDATE, DELETE, MERGE and INSERT ... SELECT after a strong lock, same transaction.

    Each statement of a transaction is judged once: a lock on a relation that predates
    the revision stays held, and one on a relation the revision made never counts.
    """
    unjudged: list[StatementFacts] = []  # earlier statements of the transaction
    held = ""  # the first strong lock found in it, in words
    for statement in facts.statements:
        node = statement.node
        if not statement.captured.transactional or isinstance(node, ast.TransactionStmt):
            unjudged, held = [], ""  # an autocommit block or COMMIT ends the transaction
            continue
        if target := _target(node):
            held, unjudged = held or _held(facts, statement, unjudged), []
            if held:
                verb = statement.sql.split()[0].upper()
                yield Hit(
                    f"{verb} of {target} runs in the transaction where {held}", statement.index
                )
        unjudged.append(statement)


def _target(node: ast.Node | None) -> str | None:
    """The table a backfill writes to, or None when `node` is no backfill."""
    if not isinstance(node, ast.UpdateStmt | ast.DeleteStmt | ast.MergeStmt | ast.InsertStmt):
        return None
    if isinstance(node, ast.InsertStmt) and not getattr(node.selectStmt, "fromClause", None):
        return None  # INSERT ... VALUES: seed rows, not a backfill
    table = relation_name(node.relation) if node.relation else None
    # `alembic upgrade --sql` stamps each revision in its transaction: bookkeeping
    return None if table == "alembic_version" else table


def _held(facts: RevisionFacts, backfill: StatementFacts, earlier: list[StatementFacts]) -> str:
    """A strong lock taken earlier on a relation that predates the revision, in words, or ""."""
    for statement in earlier:
        if facts.measured and statement.captured.locks_measured:
            locks = [lock for lock in statement.captured.locks if lock.mode in _STRONG]
            found = [(lk.relation, lk.mode) for lk in locks if backfill.existed_before(lk.relation)]
        else:
            found = _parsed(facts, statement)
        for relation, mode in found:
            words = re.sub(r"\B([A-Z])", r" \1", mode.removesuffix("Lock")).upper()
            blocked = "read and write" if mode == "AccessExclusiveLock" else "write"
            return (
                f"{' '.join(statement.sql.split()[:2])} (line {statement.captured.line}) took "
                f"{words} on {relation}, held until commit: every {blocked} on {relation} "
                "waits for the whole backfill"
            )
    return ""


def _parsed(facts: RevisionFacts, statement: StatementFacts) -> list[tuple[str, str]]:
    """Unmeasured: the documented write-blocking locks on tables no earlier statement made."""
    locks = parsed_locks(statement.node)
    return [
        (lock.relation, lock.mode)
        for lock in locks
        if lock.mode in _STRONG and not facts.made_earlier(statement, lock.relation)
    ]


RULE = Rule(
    id="LW403",
    name="backfill-in-ddl-transaction",
    severity="error",
    summary="UPDATE/DELETE/INSERT ... SELECT in the same transaction as DDL on an existing table",
    lock="",
    blocks="what the DDL's lock blocks (reads and writes for ACCESS EXCLUSIVE), for the backfill",
    why=(
        "Alembic runs a revision in one transaction, and PostgreSQL keeps every table lock "
        "until the transaction ends. An ALTER TABLE takes ACCESS EXCLUSIVE for a moment, but "
        "a backfill after it in the same revision stretches that moment to the whole UPDATE: "
        "on a large table, minutes in which no query can touch it. The backfill also keeps "
        "its row locks on every changed row until commit, writes all its WAL at once, and "
        "keeps VACUUM from cleaning up behind it. Run the DDL in its own short revision and "
        "the backfill in batches that commit one by one."
    ),  # https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
    fix=f"# Revision 1: the DDL alone.\n{_ADD}\n\n# Revision 2: the backfill in batches.\n"
    f"{_BATCHED}",
    check=check,
    bad=(Example(setup=_SETUP, upgrade=f"{_ADD}\nop.execute(\"UPDATE orders SET note = ''\")"),),
    good=(
        Example(setup=_SETUP, upgrade=_BATCHED),
        Example(setup=_SETUP, upgrade=f"{_ADD}\n{_BATCHED}"),
        Example(
            setup=_SETUP,
            upgrade='op.create_table("archive", sa.Column("id", sa.BigInteger()))\n'
            'op.execute("INSERT INTO archive SELECT id FROM orders")',
        ),
    ),
    aliases={"strong_migrations": "backfilling"},
)
