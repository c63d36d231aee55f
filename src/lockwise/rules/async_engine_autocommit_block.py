"""LW406 async-engine-autocommit-block: an autocommit block run through an async engine."""

from __future__ import annotations

from collections.abc import Iterator

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule

# asyncpg cannot run two statements in one string, so async setups are single statements.
_SETUP = (
    "CREATE TABLE orders AS"
    " SELECT g::bigint AS id, g::numeric AS total FROM generate_series(1, 100) g"
)
_CONCURRENT = (
    "with op.get_context().autocommit_block():\n"
    '    op.create_index("ix_orders_total", "orders", ["total"],\n'
    "                    postgresql_concurrently=True, if_not_exists=True)"
)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag the first statement run outside a transaction when env.py is async."""
    if not facts.async_env:
        return
    for statement in facts.statements:
        if not statement.captured.transactional:
            kind = " ".join(statement.sql.split()[:2])
            yield Hit(
                f"{kind} runs in an autocommit block through an async engine: if another "
                "connection of the same process holds a transaction open, it waits for it "
                "forever and the deploy hangs with no error",
                statement.index,
            )
            return


RULE = Rule(
    id="LW406",
    name="async-engine-autocommit-block",
    severity="warning",
    summary="autocommit_block() in a project whose env.py migrates through an async engine",
    lock="",
    blocks="the deploy itself: the migration can hang instead of failing",
    why=(
        "CREATE INDEX CONCURRENTLY, the usual reason for autocommit_block(), waits until every "
        "transaction that could still see the table has finished. Async projects often run "
        "migrations from the application's own event loop, where another connection of the "
        "same process may hold a transaction open: the build waits for that transaction, "
        "which waits for the event loop the build is blocking, and the deploy hangs with no "
        "error and no timeout (alembic#1460, sqlalchemy#11299). Run migrations in their own "
        "process through a sync driver (psycopg), or give the concurrent step a lock_timeout "
        "and a revision of its own."
    ),  # https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
    fix=(
        "# env.py: migrate through a sync driver, even when the app is async.\n"
        "from sqlalchemy import engine_from_config, pool\n\n"
        "url = config.get_main_option('sqlalchemy.url').replace('+asyncpg', '+psycopg')\n"
        "engine = engine_from_config({'sqlalchemy.url': url}, prefix='sqlalchemy.',\n"
        "                            poolclass=pool.NullPool)\n"
        "with engine.connect() as connection:\n"
        "    context.configure(connection=connection, target_metadata=target_metadata)\n"
        "    with context.begin_transaction():\n"
        "        context.run_migrations()"
    ),  # alembic#1460: https://github.com/sqlalchemy/alembic/issues/1460
    check=check,
    bad=(Example(setup=_SETUP, upgrade=_CONCURRENT, async_env=True),),
    good=(
        Example(setup=_SETUP, upgrade=_CONCURRENT),
        Example(
            setup=_SETUP,
            upgrade='op.add_column("orders", sa.Column("note", sa.Text()))',
            async_env=True,
        ),
    ),
)
