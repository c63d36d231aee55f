"""Scratch databases: created, cloned, dropped, and swept when their creator died."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from lockwise.database.scratch import (
    ScratchDatabase,
    ScratchSession,
    create_database,
    list_scratch,
    new_name,
    scratch_database,
    sweep,
)
from lockwise.database.server import Server
from lockwise.errors import DatabaseUnavailable

SLOW_PROJECT = Path(__file__).parents[1] / "projects" / "slow_migration"


def test_scratch_database_is_dropped_on_exit(pg_server: Server) -> None:
    with scratch_database(pg_server) as database:
        assert database.name in list_scratch(pg_server)
    assert database.name not in list_scratch(pg_server)


def test_scratch_database_is_dropped_when_the_block_raises(pg_server: Server) -> None:
    names = []
    try:
        with scratch_database(pg_server) as database:
            names.append(database.name)
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert names[0] not in list_scratch(pg_server)


def test_clone_carries_the_template_schema(pg_server: Server) -> None:
    with ScratchSession(pg_server) as session:
        template = session.create()
        with psycopg.connect(template.url, autocommit=True) as conn:
            conn.execute("CREATE TABLE orders (id bigint)")
        clone = session.create(template)
        with psycopg.connect(clone.url) as conn:
            assert conn.execute("SELECT to_regclass('orders') IS NOT NULL").fetchone() == (True,)


def test_clone_works_while_someone_is_connected_to_the_template(pg_server: Server) -> None:
    with ScratchSession(pg_server) as session:
        template = session.create()
        idle = psycopg.connect(template.url)
        clone = session.create(template)
        idle.close()
        assert clone.name in list_scratch(pg_server)


def test_sweep_drops_databases_of_dead_processes_only(pg_server: Server) -> None:
    with scratch_database(pg_server) as mine:
        orphan = _created_by(pg_server, _a_dead_pid())
        swept = sweep(pg_server)
        assert orphan.name in swept and mine.name not in swept
        assert mine.name in list_scratch(pg_server)


def _a_dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(child.stdout)


def _created_by(server: Server, pid: int) -> ScratchDatabase:
    """A scratch database as process `pid` would have named it, then died without dropping."""
    name = new_name(pid)
    with server.connect() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return ScratchDatabase(name, server.url_for(name))


def test_sweep_leaves_a_database_someone_is_connected_to(pg_server: Server) -> None:
    orphan = _created_by(pg_server, _a_dead_pid())
    with psycopg.connect(orphan.url):
        assert orphan.name not in sweep(pg_server)
    assert orphan.name in sweep(pg_server)


def test_ctrl_c_during_lockwise_test_leaves_no_scratch_database(server_env: Server) -> None:
    before = set(list_scratch(server_env))
    process = subprocess.Popen(
        [sys.executable, "-m", "lockwise", "test", str(SLOW_PROJECT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for_a_sleeping_migration(server_env)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert set(list_scratch(server_env)) - before == set()


def _wait_for_a_sleeping_migration(server: Server) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with server.connect() as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'"
            ).fetchone()
        if row and row[0]:
            return
        time.sleep(0.1)
    raise AssertionError("the migration never started")


def test_a_role_without_createdb_gets_one_clear_error(pg_server: Server) -> None:
    role = f"lw_nocreate_{os.getpid()}"
    with pg_server.connect() as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        # lockwise's own servers let only the superuser into the maintenance database.
        conn.execute(
            sql.SQL("GRANT CONNECT ON DATABASE postgres TO {}").format(sql.Identifier(role))
        )
    try:
        weak = Server(url=pg_server.url.replace("postgres@", f"{role}@", 1), embedded=False)
        with pytest.raises(DatabaseUnavailable, match=f"the role {role} cannot create databases"):
            create_database(weak)
    finally:
        with pg_server.connect() as conn:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
