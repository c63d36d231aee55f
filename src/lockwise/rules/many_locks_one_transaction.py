"""LW216 many-locks-one-transaction: write-blocking locks on several tables in one transaction."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pglast import ast
from pglast.visitors import referenced_relations

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name

_STRONG = ("ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock")
_PARSED = {  # without measured locks (plain SQL): what each kind of statement usually takes
    "AlterTableStmt": "AccessExclusive",
    "IndexStmt": "Share",
    "CreateTrigStmt": "ShareRowExclusive",
}
_TABLES = "CREATE TABLE orders (id bigint PRIMARY KEY); CREATE TABLE customers (id bigint)"
_ADD = 'op.add_column("{}", sa.Column("{}", sa.Text()))'


def _strong_locks(facts: RevisionFacts, statement: StatementFacts, new: set[str]) -> dict[str, str]:
    """Existing tables the statement locks against writes, with the mode."""
    node = statement.node
    if not (facts.measured and statement.captured.locks_measured):
        relation, mode = getattr(node, "relation", None), _PARSED.get(type(node).__name__)
        table = relation_name(relation) if relation and mode else ""
        return {table: f"{mode}Lock"} if table and table not in new else {}
    named = {n.removeprefix("public.") for n in referenced_relations(node)} - new if node else set()
    strong = [x for x in statement.captured.locks if x.mode in _STRONG and x.relation in named]
    strong.sort(key=lambda x: _STRONG.index(x.mode))  # the strongest mode on a table wins
    return {x.relation: x.mode for x in strong if statement.existed_before(x.relation)}


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag a statement that locks another existing table while earlier locks are still held."""
    new = {relation_name(node.relation) for _, node in facts.of_type(ast.CreateStmt)}
    held: dict[str, tuple[str, int | None]] = {}
    for statement in facts.statements:
        if not statement.captured.transactional:
            held = {}  # an autocommit block committed everything before it
            continue
        taken = {t: m for t, m in _strong_locks(facts, statement, new).items() if t not in held}
        if taken and held:
            yield Hit(_message(taken, held), statement.index)
        held |= {table: (mode, statement.captured.line) for table, mode in taken.items()}


def _message(taken: dict[str, str], held: dict[str, tuple[str, int | None]]) -> str:
    now = ", ".join(f"{_words(mode)} on {table}" for table, mode in taken.items())
    kept = ", ".join(f"{_words(m)} on {t} (line {line})" for t, (m, line) in held.items())
    return (
        f"This statement takes {now} while the same transaction still holds {kept}: all stay "
        "locked until the revision commits; a session locking them in another order deadlocks"
    )


def _words(mode: str) -> str:  # ShareRowExclusiveLock -> SHARE ROW EXCLUSIVE
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", mode.removesuffix("Lock")).upper()


RULE = Rule(
    id="LW216",
    name="many-locks-one-transaction",
    severity="warning",
    summary="Write-blocking locks on several existing tables in one transaction",
    lock="AccessExclusiveLock",
    blocks="reads and/or writes on every table locked so far, until the revision commits",
    # https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
    # https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-DEADLOCKS
    why=(
        "PostgreSQL releases table locks only when the transaction ends, and Alembic runs a "
        "whole revision (by default every pending one) in one transaction. Each ALTER TABLE, "
        "CREATE INDEX or CREATE TRIGGER may be brief, but the lock taken on the first table "
        "is still held while the migration queues for the next table's lock behind that "
        "table's longest query: the first table stays blocked all along. Transactions that "
        "lock the same tables in the other order deadlock with the migration. One table per "
        "revision, with transaction_per_migration=True, keeps each lock short."
    ),
    fix=(
        "# revision a1\n"
        'op.add_column("orders", sa.Column("note", sa.Text()))\n'
        "# revision a2, down_revision = 'a1'\n"
        'op.add_column("customers", sa.Column("note", sa.Text()))\n'
        "# env.py\n"
        "context.configure(connection=connection, transaction_per_migration=True)"
    ),
    check=check,
    bad=(
        Example(
            setup=_TABLES,
            upgrade=f"{_ADD.format('orders', 'note')}\n" + _ADD.format("customers", "note"),
        ),
    ),
    good=(
        Example(
            setup=_TABLES,
            upgrade=f"{_ADD.format('orders', 'note')}\n" + _ADD.format("orders", "code"),
        ),
        Example(
            setup=_TABLES,
            upgrade=(
                'op.create_table("notes", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("order_id", sa.BigInteger(), sa.ForeignKey("orders.id")))\n'
                'op.create_index("ix_notes_order_id", "notes", ["order_id"])'
            ),
        ),
    ),
    downgrades=False,
)
