"""LW402 missing-statement-timeout: a strong lock on an existing table, no statement_timeout."""

from __future__ import annotations

from collections.abc import Iterator

from lockwise.rules._timeouts import unguarded
from lockwise.rules.base import Example, Hit, RevisionFacts, Rule

SETTING = "statement_timeout"
_SETUP = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"
_ADD = 'op.add_column("orders", sa.Column("note", sa.Text()))'


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag statements locking an existing table before any SET [LOCAL] statement_timeout."""
    for statement, table, queued, words in unguarded(facts, SETTING):
        yield Hit(
            f"{' '.join(statement.sql.split()[:2])} takes {words} on {table} with "
            f"no {SETTING}: however long it runs or waits, {queued} on {table} waits "
            "with it",
            statement.index,
        )


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
        "`lockwise new` and `lockwise review --fix` set it at the top of a revision when the "
        "`statement_timeout` setting of `[tool.lockwise]` has a value."
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
