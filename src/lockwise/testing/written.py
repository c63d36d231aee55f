"""Which tables a migration step may have written: the locks its transactions held.

The data checks take checksums after every step. Reading every table each time grows
with the square of the history, so the cycle re-reads only the tables a step may have
written. PostgreSQL names them: a statement that writes rows (INSERT, UPDATE, DELETE,
COPY, TRUNCATE, an ALTER TABLE that rewrites or fills) takes a lock stronger than
ACCESS SHARE on the table, and keeps it until the transaction ends. So just before
each commit, a SQLAlchemy `commit` listener asks `pg_locks` which relations the
migration's own session holds such locks on (triggers and cascades included).
https://www.postgresql.org/docs/current/explicit-locking.html

What cannot be seen that way makes the answer "unknown", and the caller reads every
table: a statement run outside a transaction (an autocommit block releases its locks
as it ends), a COMMIT written in the migration's SQL, or statements that ran with no
commit seen (a connection lockwise does not see).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from lockwise.capture.record import in_autocommit

# Relation locks the session holds, but reads: a write takes ROW EXCLUSIVE or more.
_HELD = (
    "SELECT DISTINCT relation::bigint FROM pg_locks WHERE pid = pg_backend_pid()"
    " AND locktype = 'relation' AND granted AND mode <> 'AccessShareLock'"
)
_ENDS_TRANSACTION = re.compile(r"^\s*(COMMIT|END|ROLLBACK|ABORT)\b", re.IGNORECASE)


@dataclass
class Writes:
    """The relations (by oid) that steps run in `watching_writes` may have written.

    `relations` is None when that cannot be known: then any table may have changed.
    """

    relations: set[int] | None = field(default_factory=set)
    _statements: int = 0
    _commits: int = 0

    def settled(self) -> set[int] | None:
        """What was written, or None when statements ran that no seen commit covered."""
        if self._statements and not self._commits:
            return None
        return self.relations


@contextmanager
def watching_writes() -> Iterator[Writes]:
    """Collect, while the block runs, the relations every SQLAlchemy transaction wrote."""
    writes = Writes()

    def statement(
        conn: Connection, _cursor: Any, sql: str, _parameters: Any, _ctx: Any, _many: bool
    ) -> None:
        writes._statements += 1
        if in_autocommit(conn) or _ENDS_TRANSACTION.match(sql):
            writes.relations = None

    def commit(conn: Connection) -> None:
        writes._commits += 1
        if writes.relations is None:
            return
        try:
            held = _held(conn)
        except Exception:  # a driver that cannot run a query here: read every table
            writes.relations = None
            return
        writes.relations |= held

    event.listen(Engine, "before_cursor_execute", statement)
    event.listen(Engine, "commit", commit)
    try:
        yield writes
    finally:
        event.remove(Engine, "before_cursor_execute", statement)
        event.remove(Engine, "commit", commit)


def _held(conn: Connection) -> set[int]:
    """The relations the session behind `conn` holds write locks on, by oid."""
    # The DBAPI cursor, not conn.execute: SQLAlchemy's listeners (review's recording,
    # the statement counter above) must not see this query as the migration's.
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_HELD)
        return {int(row[0]) for row in cursor.fetchall()}
    finally:
        cursor.close()
