"""Each built-in function's volatility, read from a server's `pg_proc`.

`scripts/volatility.py` writes what this reads into `lockwise/rules/_pg_volatility.py`,
so rules know it without a server, and a test compares the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

# Only what a column DEFAULT can call: plain functions (no aggregate, window function or
# procedure), returning one value, and not the C-level helpers that take or return
# `internal` or a handler type. A name is immutable when every such overload is, volatile
# when any one is, else stable.
# https://www.postgresql.org/docs/current/xfunc-volatility.html
_QUERY = """
SELECT p.proname, CASE WHEN bool_and(p.provolatile = 'i') THEN 'i'
    WHEN bool_or(p.provolatile = 'v') THEN 'v' ELSE 's' END AS volatility
FROM pg_proc p
WHERE p.pronamespace = 'pg_catalog'::regnamespace
  AND p.prokind = 'f' AND NOT p.proretset
  AND p.prorettype::regtype::text <> ALL (ARRAY['internal', 'trigger', 'event_trigger',
      'language_handler', 'fdw_handler', 'index_am_handler', 'table_am_handler', 'tsm_handler'])
  AND NOT 'internal'::regtype = ANY (p.proargtypes::oid[])
GROUP BY p.proname
"""


@dataclass(frozen=True)
class BuiltinVolatility:
    """The built-in functions a DEFAULT can call, by name and volatility.

    Attributes:
        postgres: The server's major version.
        immutable: Names whose every overload is immutable.
        stable: Names whose overloads are stable or immutable, at least one stable.
        volatile: Names with at least one volatile overload.
    """

    postgres: int
    immutable: frozenset[str]
    stable: frozenset[str]
    volatile: frozenset[str]


def builtin_volatility(conn: psycopg.Connection[Any]) -> BuiltinVolatility:
    """Read the built-in functions' volatility from `conn`'s `pg_catalog`."""
    rows = conn.execute(_QUERY).fetchall()
    return BuiltinVolatility(
        postgres=conn.info.server_version // 10_000,
        immutable=frozenset(str(name) for name, kind in rows if kind == "i"),
        stable=frozenset(str(name) for name, kind in rows if kind == "s"),
        volatile=frozenset(str(name) for name, kind in rows if kind == "v"),
    )
