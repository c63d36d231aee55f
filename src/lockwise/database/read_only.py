"""One read-only transaction on a user's database: what `verify`, `plan` and `status` read in.

The transaction is repeatable read (one consistent view of the catalog and the version
table) and read only, and it is rolled back at the end. A server that will not make it
read-only (a pooler that drops the setting, say) is refused: these commands promise
to write nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from lockwise.database.server import open_server
from lockwise.errors import BadInput
from lockwise.urls import redact, redact_text


@contextmanager
def read_only(url: str, command: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection to `url` inside one repeatable-read, read-only transaction.

    Raises:
        BadInput: the transaction is not read-only; `command` names who refuses (exit 2).
        DatabaseUnavailable: `url` cannot be reached (exit 3).
    """
    with open_server(url).connect() as conn, conn.transaction(force_rollback=True):
        try:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        except psycopg.Error as error:
            raise refusal(url, redact_text(str(error).strip(), url), command) from None
        confirm_read_only(conn, url, command)
        yield conn


def confirm_read_only(conn: psycopg.Connection[Any], url: str, command: str) -> None:
    """Refuse to go on unless the transaction open on `conn` is read-only.

    Raises:
        BadInput: `transaction_read_only` is not on.
    """
    row = conn.execute("SHOW transaction_read_only").fetchone()
    if row is None or row[0] != "on":
        state = row[0] if row else "unknown"
        raise refusal(url, f"transaction_read_only is {state}", command)


def refusal(url: str, reason: str, command: str) -> BadInput:
    """The one-line error of a database that gave no read-only transaction."""
    first = reason.splitlines()[0] if reason else "no reason given"
    return BadInput(
        f"{redact(url)} did not give a read-only transaction ({first}):"
        f" lockwise {command} reads only in one and refuses to go on"
    )
