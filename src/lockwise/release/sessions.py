"""The migration's own sessions during `apply`: their settings, their pids, who blocks them.

Every connection the project's env.py opens (any driver, any engine, sync or async)
comes from a SQLAlchemy pool, so a `connect` listener on the `Pool` class reaches them
all. It sets `lock_timeout` and `statement_timeout` for the session; asks the server
to notice a vanished client (`client_connection_check_interval`, PostgreSQL 14+, so a
killed apply does not leave a concurrent index build running); names the session (so
the next apply can end one a killed run left: `end_orphans`); and notes its backend
pid. A watcher thread, on a connection of its own, asks `pg_blocking_pids` about those
pids ten times a second and keeps the last session seen blocking one: when a statement
then fails on `lock_timeout`, that is the session to name. Its query is shown with its
constants replaced by `$1`, `$2`... (pglast's normalize): never a user's data.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
from pglast import parser
from sqlalchemy import event
from sqlalchemy.pool import Pool

from lockwise import interrupts

T = TypeVar("T")
# The application_name of the migration's sessions: a later apply ends those a killed
# apply left running (see `end_orphans`).
MIGRATION_SESSION = "lockwise apply: migration"
_ORPHANS_WAIT_S = 30.0
_WATCH_S = 0.1
_CHECK_CLIENT = (
    "SELECT set_config('client_connection_check_interval', '1000', false)"
    " WHERE current_setting('server_version_num')::int >= 140000"
)
_BLOCKERS = """
SELECT blocker.pid, coalesce(activity.query, ''), coalesce(activity.state, '')
FROM unnest(%s::int[]) AS waiting(pid),
     unnest(pg_blocking_pids(waiting.pid)) AS blocker(pid)
LEFT JOIN pg_stat_activity AS activity ON activity.pid = blocker.pid
ORDER BY blocker.pid
LIMIT 1
"""


@dataclass(frozen=True)
class Blocker:
    """A session that held a lock the migration waited for: its pid, query and state."""

    pid: int
    query: str
    state: str

    def __str__(self) -> str:
        doing = f"{self.state}: " if self.state else ""
        return f"pid {self.pid} ({doing}{self.query or 'query not visible to this role'})"


@dataclass(frozen=True)
class Timeouts:
    """What every migration session sets: PostgreSQL durations (`2s`); "" leaves it unset."""

    lock_timeout: str = "2s"
    statement_timeout: str = ""


class Sessions:
    """The migration's sessions on one database, while the block runs (see the module)."""

    def __init__(self, conn: psycopg.Connection[Any], timeouts: Timeouts) -> None:
        self._conn = conn  # autocommit, apply's own: watching and cancelling
        self._timeouts = timeouts
        self._pids: list[int] = []
        self._blocker: Blocker | None = None
        self._lock = threading.Lock()
        self._done = threading.Event()

    @contextlib.contextmanager
    def watching(self) -> Iterator[Sessions]:
        """Set up every new pool connection, and watch its locks, inside the block."""
        event.listen(Pool, "connect", self._connected)
        watcher = threading.Thread(target=self._watch, name="lockwise-apply-watch", daemon=True)
        watcher.start()
        interrupts.on_interrupt(id(self), self.cancel)
        try:
            yield self
        finally:
            interrupts.forget(id(self))
            event.remove(Pool, "connect", self._connected)
            self._done.set()
            watcher.join()

    def last_blocker(self) -> Blocker | None:
        """The last session seen blocking a migration session, then forget it."""
        with self._lock:
            blocker, self._blocker = self._blocker, None
        return blocker

    def run(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """Run `work` on apply's own connection, with the migration's lock_timeout."""
        with self._lock:
            self._conn.execute(
                "SELECT set_config('lock_timeout', %s, false)",
                [self._timeouts.lock_timeout or "0"],
            )
            try:
                return work(self._conn)
            finally:
                self._conn.execute("RESET lock_timeout")

    def cancel(self) -> None:
        """Cancel what the migration's sessions run (Ctrl-C): their transactions roll back."""
        with self._lock:
            pids = list(self._pids)
            self._conn.execute("SELECT pg_cancel_backend(pid) FROM unnest(%s::int[]) pid", [pids])

    def _connected(self, dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for name, value in (
            ("lock_timeout", self._timeouts.lock_timeout),
            ("statement_timeout", self._timeouts.statement_timeout),
        ):
            if value:
                cursor.execute(f"SELECT set_config('{name}', '{_quoted(value)}', false)")
        cursor.execute(f"SELECT set_config('application_name', '{MIGRATION_SESSION}', false)")
        cursor.execute(_CHECK_CLIENT)
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
        cursor.close()
        dbapi_connection.commit()  # the settings outlive the implicit transaction
        with self._lock:
            self._pids.append(pid)

    def _watch(self) -> None:
        while not self._done.wait(_WATCH_S):
            with self._lock:
                pids = list(self._pids)
                if not pids:
                    continue
                try:
                    row = self._conn.execute(_BLOCKERS, [pids]).fetchone()
                except psycopg.Error:
                    return  # the database went away: the migration will say so
                if row is not None:
                    self._blocker = Blocker(int(row[0]), without_constants(row[1]), row[2])


def without_constants(query: str) -> str:
    """`query` with its literals replaced by `$n`, on one line (a query that does not
    parse is cut to its first word: it may hold anything)."""
    try:
        text = parser.normalize(query)
    except parser.ParseError:
        text = query.split(None, 1)[0] + " ..." if query.strip() else ""
    return " ".join(text.split())


def _quoted(value: str) -> str:
    return value.replace("'", "''")


def end_orphans(conn: psycopg.Connection[Any]) -> list[int]:
    """End the migration sessions a killed apply left behind on this database; their pids.

    Call it holding the deploy lock: no live apply has migration sessions then. A killed
    apply's backend may still be running its last statement (a concurrent index build)
    until the server notices the client is gone; it is terminated, and waited for, so
    that its half-built index is INVALID, and seen as such, before anything runs.
    """
    query = (
        "SELECT pid FROM pg_stat_activity WHERE application_name = %s"
        " AND datname = current_database() AND pid <> pg_backend_pid()"
    )
    orphans = [int(pid) for (pid,) in conn.execute(query, [MIGRATION_SESSION]).fetchall()]
    if not orphans:
        return []
    conn.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) pid", [orphans])
    deadline = time.monotonic() + _ORPHANS_WAIT_S
    while time.monotonic() < deadline:
        left = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s::int[])", [orphans]
        ).fetchone()
        if left is None or left[0] == 0:
            break
        time.sleep(0.05)
    return orphans
