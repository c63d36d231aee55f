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

import psutil
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
    name = new_name()
    statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
        sql.Identifier(name), sql.Identifier(template or "template0")
    )
    owner = f"lockwise scratch: host={socket.gethostname()} pid={os.getpid()}"
    with server.connect() as conn:
        conn.execute(statement)
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(owner))
        )
    return ScratchDatabase(name=name, url=server.url_for(name))


def drop_database(server: Server, name: str) -> None:
    """Drop a database, closing any connection still open to it."""
    statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with server.connect() as conn:
        conn.execute(statement)


@contextmanager
def scratch_database(server: Server, template: str | None = None) -> Iterator[ScratchDatabase]:
    """Yield a scratch database that is dropped on exit, on failure and on Ctrl-C."""
    database = create_database(server, template)
    try:
        yield database
    finally:
        drop_database(server, database.name)


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
