"""Scratch databases: created as `lockwise_<random>`, always dropped, swept when orphaned.

Each scratch database carries a comment naming the host and process that created it,
so a later run can drop the ones whose creator died without cleaning up (kill -9,
a power cut) and leave alone those of runs still going.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psutil
import psycopg
from psycopg import sql

from lockwise.database.server import Server

PREFIX = "lockwise_"
_OWNER = re.compile(r"^lockwise scratch: host=(?P<host>\S+) pid=(?P<pid>\d+)$")


@dataclass(frozen=True)
class ScratchDatabase:
    """A database lockwise created and will drop."""

    name: str
    url: str


def new_name() -> str:
    """Return a fresh scratch database name."""
    return PREFIX + secrets.token_hex(6)


def create_database(server: Server, template: str | None = None) -> ScratchDatabase:
    """Create a scratch database, empty or cloned from `template`, and mark its creator."""
    with server.connect() as conn:
        return _create(conn, server, template)


def drop_database(server: Server, name: str) -> None:
    """Drop a database, closing any connection still open to it."""
    with server.connect() as conn:
        _drop(conn, name)


def _create(conn: psycopg.Connection[Any], server: Server, template: str | None) -> ScratchDatabase:
    name = new_name()
    if template:
        _disconnect(conn, template)
    conn.execute(
        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template or "template0")
        )
    )
    owner = f"lockwise scratch: host={socket.gethostname()} pid={os.getpid()}"
    conn.execute(
        sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(owner))
    )
    return ScratchDatabase(name=name, url=server.url_for(name))


def _disconnect(conn: psycopg.Connection[Any], name: str) -> None:
    # A template must have no other session; env.py engines with a pool may keep one.
    conn.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid()",
        (name,),
    )


def _drop(conn: psycopg.Connection[Any], name: str) -> None:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def scratch_database(
    server: Server, template: ScratchDatabase | None = None
) -> Iterator[ScratchDatabase]:
    """Yield a scratch database that is dropped on exit, on failure and on Ctrl-C."""
    with ScratchSession(server) as session:
        yield session.create(template)


class ScratchSession:
    """Creates scratch databases over one maintenance connection; drops them all on exit."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self._live: dict[str, ScratchDatabase] = {}
        self._conn: psycopg.Connection[Any] | None = None

    def __enter__(self) -> ScratchSession:
        self._conn = self.server.open()
        return self

    def __exit__(self, *exc: object) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            for name in list(self._live):
                _drop(conn, name)
        finally:
            conn.close()

    def create(self, template: ScratchDatabase | None = None) -> ScratchDatabase:
        """Create an empty scratch database, or a clone of `template`."""
        assert self._conn is not None, "use ScratchSession as a context manager"
        database = _create(self._conn, self.server, template.name if template else None)
        self._live[database.name] = database
        return database

    def drop(self, database: ScratchDatabase) -> None:
        """Drop one scratch database now."""
        assert self._conn is not None, "use ScratchSession as a context manager"
        _drop(self._conn, database.name)
        self._live.pop(database.name, None)


def sweep(server: Server) -> list[str]:
    """Drop scratch databases whose creating process on this host is gone; return their names."""
    with server.connect() as conn:
        rows = conn.execute(
            "SELECT d.datname, shobj_description(d.oid, 'pg_database') FROM pg_database d"
            " WHERE d.datname LIKE 'lockwise\\_%'"
        ).fetchall()
    orphans = [name for name, comment in rows if _orphaned(comment)]
    for name in orphans:
        drop_database(server, name)
    return orphans


def _orphaned(comment: str | None) -> bool:
    match = _OWNER.match(comment or "")
    if match is None or match["host"] != socket.gethostname():
        return False
    return not psutil.pid_exists(int(match["pid"]))


def list_scratch(server: Server) -> list[str]:
    """Return the names of every scratch database on the server."""
    with server.connect() as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'lockwise\\_%' ORDER BY 1"
        ).fetchall()
    return [str(row[0]) for row in rows]
