"""Production table sizes for `--stats-from`, read only from `pg_class`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from lockwise.database.server import open_server


@dataclass(frozen=True)
class TableSize:
    """A table's size in production, read from `pg_class` by `--stats-from`."""

    rows: int
    bytes: int


_SIZES = """
SELECT CASE WHEN n.nspname = 'public' THEN '' ELSE n.nspname || '.' END || c.relname,
       greatest(c.reltuples, 0)::bigint, pg_total_relation_size(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
"""


def table_sizes(url: str) -> dict[str, TableSize]:
    """Row estimates and sizes of every user table, in a read-only transaction.

    Raises:
        DatabaseUnavailable: the server cannot be reached (the password is not shown).
    """
    server = open_server(url)
    with server.connect() as conn, conn.transaction():
        conn.execute("SET TRANSACTION READ ONLY")
        return sizes_in(conn)


def sizes_in(conn: psycopg.Connection[Any]) -> dict[str, TableSize]:
    """Row estimates and sizes of every user table of the database behind `conn`."""
    rows = conn.execute(_SIZES).fetchall()
    return {str(name): TableSize(rows=int(n), bytes=int(size)) for name, n, size in rows}
