"""Scratch databases: created as `lockwise_<host>_<pid>_<random>`, always dropped, swept.

The name itself says which host and process created the database, so the mark is part
of creation: a process killed at any moment leaves nothing a later run cannot sweep.
A later run drops the databases (and run roles) whose creator died without cleaning
up (kill -9, a power cut) and leaves alone those of runs still going.

On a server lockwise runs itself (the embedded one), migrations do not run as the
superuser: each session creates a login role of the same name, without SUPERUSER,
CREATEDB or CREATEROLE, that owns the session's scratch databases and may connect to
them only. So project code cannot create databases nobody sweeps, `ALTER SYSTEM`
the reused cluster, or `COPY ... TO PROGRAM`. lockwise's own maintenance connection
keeps the superuser.
"""

from __future__ import annotations

import hashlib
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

from lockwise import interrupts
from lockwise.database.server import Server
from lockwise.errors import DatabaseUnavailable
from lockwise.urls import redact, with_user

PREFIX = "lockwise_"
_NAME = re.compile(r"^lockwise_(?P<host>[0-9a-f]{8})_(?P<pid>\d+)_[0-9a-f]+$")
# Databases made before names carried their creator were marked by a comment.
_OWNER_COMMENT = re.compile(r"^lockwise scratch: host=(?P<host>\S+) pid=(?P<pid>\d+)$")


@dataclass(frozen=True)
class ScratchDatabase:
    """A database lockwise created and will drop; `url` is how migrations reach it."""

    name: str
    url: str


def new_name(pid: int | None = None) -> str:
    """A fresh scratch name that carries this host and process (or `pid`)."""
    return f"{PREFIX}{host_id()}_{os.getpid() if pid is None else pid}_{secrets.token_hex(3)}"


def is_run_role(name: str) -> bool:
    """True for the name of a run role (a scratch session's unprivileged login role)."""
    return _NAME.match(name) is not None


def host_id() -> str:
    """Eight hex digits naming this host and pid namespace."""
    # The host name alone is shared by containers on one host, whose pids are not:
    # the pid namespace tells them apart.
    try:
        namespace = str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        namespace = ""
    return hashlib.sha1(f"{socket.gethostname()}/{namespace}".encode()).hexdigest()[:8]


def create_database(server: Server, template: str | None = None) -> ScratchDatabase:
    """Create a scratch database, empty or cloned from `template`, owned by the server's role."""
    with server.connect() as conn:
        return _create(conn, server, template, new_name(), None)


def drop_database(server: Server, name: str) -> None:
    """Drop a database, closing any connection still open to it."""
    with server.connect() as conn:
        _drop(conn, name)


def _create(
    conn: psycopg.Connection[Any],
    server: Server,
    template: str | None,
    name: str,
    role: str | None,
) -> ScratchDatabase:
    if template:
        _disconnect(conn, template)
    owner = sql.SQL(" OWNER {}").format(sql.Identifier(role)) if role else sql.SQL("")
    try:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}{}").format(
                sql.Identifier(name), sql.Identifier(template or "template0"), owner
            )
        )
    except psycopg.errors.InsufficientPrivilege:
        raise DatabaseUnavailable(
            f"the role {conn.info.user} cannot create databases on {redact(server.url)}:"
            " grant it CREATEDB, or give lockwise another --url"
        ) from None
    if role is None:
        return ScratchDatabase(name=name, url=server.url_for(name))
    # The owner keeps CONNECT; nobody else's run role may come in.
    conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(name)))
    return ScratchDatabase(name=name, url=with_user(server.url_for(name), role))


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
    """Creates scratch databases over one maintenance connection; drops them all on exit.

    With `isolate` (only on a server lockwise runs: `Server.isolate`), the databases
    belong to a run role without superuser rights, and their URLs log in as it.
    """

    def __init__(self, server: Server, isolate: bool = True) -> None:
        self.server = server
        self.role = new_name() if isolate and server.isolate else None
        self._live: dict[str, ScratchDatabase] = {}
        self._conn: psycopg.Connection[Any] | None = None

    def __enter__(self) -> ScratchSession:
        self._conn = self.server.open()
        if self.role is not None:
            _create_role(self._conn, self.role)
        interrupts.on_interrupt(id(self), self._cancel_queries)
        return self

    def __exit__(self, *exc: object) -> None:
        interrupts.forget(id(self))
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            for name in list(self._live):
                _drop(conn, name)
            if self.role is not None:
                _drop_role(conn, self.role)
        finally:
            conn.close()

    def create(self, template: ScratchDatabase | None = None) -> ScratchDatabase:
        """Create an empty scratch database, or a clone of `template`."""
        assert self._conn is not None, "use ScratchSession as a context manager"
        name = new_name()
        self._live[name] = ScratchDatabase(name=name, url=self.server.url_for(name))
        template_name = template.name if template else None
        return _create(self._conn, self.server, template_name, name, self.role)

    def drop(self, database: ScratchDatabase) -> None:
        """Drop one scratch database now."""
        assert self._conn is not None, "use ScratchSession as a context manager"
        _drop(self._conn, database.name)
        self._live.pop(database.name, None)

    def _cancel_queries(self) -> None:
        """Cut whatever runs on this session's databases (called on Ctrl-C, from a thread)."""
        names = list(self._live)
        with self.server.connect() as conn:
            conn.execute(
                "SELECT pg_cancel_backend(pid) FROM pg_stat_activity"
                " WHERE datname = ANY(%s) AND pid <> pg_backend_pid()",
                (names,),
            )


def _create_role(conn: psycopg.Connection[Any], role: str) -> None:
    conn.execute(
        sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(
            sql.Identifier(role)
        )
    )
    # New databases let PUBLIC connect; the maintenance ones must not let run roles in.
    conn.execute("REVOKE CONNECT ON DATABASE postgres, template1 FROM PUBLIC")


def sweep(server: Server) -> list[str]:
    """Drop scratch databases and run roles whose creating process on this host is gone.

    A database someone is connected to is left alone, unless every session on it is its
    dead creator's own (logged in as its run role: a statement still running after a
    kill -9). Returns the names of the databases dropped.
    """
    with server.connect() as conn:
        rows = conn.execute(
            "SELECT d.datname, shobj_description(d.oid, 'pg_database'),"
            " pg_get_userbyid(d.datdba),"
            " ARRAY(SELECT DISTINCT coalesce(a.usename, '') FROM pg_stat_activity a"
            "       WHERE a.datname = d.datname)"
            " FROM pg_database d WHERE d.datname LIKE 'lockwise\\_%'"
        ).fetchall()
        roles = conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE 'lockwise\\_%'"
        ).fetchall()
    orphans = [
        name
        for name, comment, owner, users in rows
        if _orphaned(name, comment) and not _in_use(owner, users)
    ]
    dropped = [name for name in orphans if _try_drop(server, name)]
    for (role,) in roles:
        if _orphaned(role, None):
            _try_drop_role(server, role)
    return dropped


def _in_use(owner: str, users: list[str]) -> bool:
    """Someone other than the database's own run role is connected to it."""
    return any(user != owner or not is_run_role(owner) for user in users)


def _try_drop(server: Server, name: str) -> bool:
    try:
        drop_database(server, name)
    except psycopg.errors.InsufficientPrivilege:
        return False  # another role's: not ours to drop
    return True


def _try_drop_role(server: Server, role: str) -> None:
    with server.connect() as conn:
        _drop_role(conn, role)


def _drop_role(conn: psycopg.Connection[Any], role: str) -> None:
    try:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
    except psycopg.Error:
        return  # it still owns a database someone is connected to: the next sweep drops it


def _orphaned(name: str, comment: str | None) -> bool:
    match = _NAME.match(name) or _OWNER_COMMENT.match(comment or "")
    if match is None or match["host"] not in (host_id(), _legacy_host_id()):
        return False
    return not psutil.pid_exists(int(match["pid"]))


def _legacy_host_id() -> str:
    try:
        return f"{socket.gethostname()}/{os.stat('/proc/self/ns/pid').st_ino}"
    except OSError:
        return socket.gethostname()


def list_scratch(server: Server) -> list[str]:
    """Return the names of every scratch database on the server."""
    with server.connect() as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'lockwise\\_%' ORDER BY 1"
        ).fetchall()
    return [str(row[0]) for row in rows]
