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
from lockwise.errors import DatabaseUnavailable
from lockwise.urls import redact

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


def _create(
    conn: psycopg.Connection[Any], server: Server, template: str | None, name: str | None = None
) -> ScratchDatabase:
    name = name or new_name()
    if template:
        _disconnect(conn, template)
    try:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template or "template0")
            )
        )
    except psycopg.errors.InsufficientPrivilege:
        raise DatabaseUnavailable(
            f"the role {conn.info.user} cannot create databases on {redact(server.url)}:"
            " grant it CREATEDB, or give lockwise another --url"
        ) from None
    conn.execute(
        sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(_owner()))
    )
    return ScratchDatabase(name=name, url=server.url_for(name))


def _owner() -> str:
    return owner_comment(os.getpid())


def owner_comment(pid: int) -> str:
    """The comment that marks a scratch database as created by process `pid` here."""
    return f"lockwise scratch: host={_host_id()} pid={pid}"


def _host_id() -> str:
    # The host name alone is shared by containers on one host, whose pids are not:
    # the pid namespace tells them apart.
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return socket.gethostname()
    return f"{socket.gethostname()}/{namespace}"


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
        name = new_name()
        # Known before it exists: a Ctrl-C between CREATE and COMMENT still drops it.
        self._live[name] = ScratchDatabase(name=name, url=self.server.url_for(name))
        return _create(self._conn, self.server, template.name if template else None, name)

    def drop(self, database: ScratchDatabase) -> None:
        """Drop one scratch database now."""
        assert self._conn is not None, "use ScratchSession as a context manager"
        _drop(self._conn, database.name)
        self._live.pop(database.name, None)


def sweep(server: Server) -> list[str]:
    """Drop scratch databases whose creating process on this host is gone; return their names."""
    with server.connect() as conn:
        rows = conn.execute(
            "SELECT d.datname, shobj_description(d.oid, 'pg_database'),"
            " EXISTS (SELECT FROM pg_stat_activity a WHERE a.datname = d.datname)"
            " FROM pg_database d WHERE d.datname LIKE 'lockwise\\_%'"
        ).fetchall()
    orphans = [name for name, comment, busy in rows if not busy and _orphaned(comment)]
    dropped = []
    for name in orphans:
        try:
            drop_database(server, name)
        except psycopg.errors.InsufficientPrivilege:
            continue  # another role's: not ours to drop
        dropped.append(name)
    return dropped


def _orphaned(comment: str | None) -> bool:
    match = _OWNER.match(comment or "")
    if match is None or match["host"] != _host_id():
        return False
    return not psutil.pid_exists(int(match["pid"]))


def list_scratch(server: Server) -> list[str]:
    """Return the names of every scratch database on the server."""
    with server.connect() as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'lockwise\\_%' ORDER BY 1"
        ).fetchall()
    return [str(row[0]) for row in rows]
