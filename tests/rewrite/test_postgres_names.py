"""Fixes name unnamed constraints exactly as PostgreSQL does, long names included.

`lockwise.ops` helpers find a constraint again by name when rerun, and a model compared
with the database must see the same name the original statement would have made.
"""

from __future__ import annotations

import psycopg

from lockwise.database.scratch import scratch_database
from lockwise.database.server import Server
from lockwise.rewrite.code import postgres_name

TABLE = "payment_transactions_for_customer_accounts"
COLUMN = "customer_account_identifier_ref"


def test_the_names_postgresql_gives_unnamed_constraints(pg_server: Server) -> None:
    with scratch_database(pg_server) as scratch, psycopg.connect(scratch.url) as conn:
        conn.execute("CREATE TABLE accounts (id bigint PRIMARY KEY)")
        conn.execute(
            f"CREATE TABLE {TABLE} ({COLUMN} bigint REFERENCES accounts (id) UNIQUE,"
            " code text, region text, UNIQUE (code, region))"
        )
        rows = conn.execute(
            f"SELECT conname FROM pg_constraint WHERE conrelid = '{TABLE}'::regclass"
        )
        made = sorted(name for (name,) in rows)
    ours = [
        postgres_name(TABLE, [COLUMN], "fkey"),
        postgres_name(TABLE, [COLUMN], "key"),
        postgres_name(TABLE, ["code", "region"], "key"),
    ]
    assert made == sorted(ours)
    assert len(set(ours)) == 3  # cut to 63 bytes, they still differ by their label
