"""LW401 missing-lock-timeout: a queueing lock on an existing table with no lock_timeout set."""

from __future__ import annotations

from collections.abc import Iterator

from lockwise.rules._timeouts import unguarded
from lockwise.rules.base import Example, Hit, RevisionFacts, Rule

SETTING = "lock_timeout"
_SETUP = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"
_ADD = 'op.add_column("orders", sa.Column("note", sa.Text()))'


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag statements locking an existing table before any SET [LOCAL] lock_timeout."""
    for statement, table, queued, words in unguarded(facts, SETTING):
        yield Hit(
            f"{' '.join(statement.sql.split()[:2])} takes {words} on {table} with "
            f"no {SETTING}: while it waits behind a long query, {queued} on {table} "
            "queues behind it",
            statement.index,
        )


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
        "retried. `lockwise new` and `lockwise review --fix` set it at the top of a revision, "
        "from the `lock_timeout` setting of `[tool.lockwise]`."
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
