"""Migrations on lockwise's own servers run as a run role: no superuser, its databases only."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from support import PROJECTS, lockwise

from lockwise.database.scratch import ScratchSession
from lockwise.database.server import Server


@pytest.fixture
def run_role_url(pg_server: Server) -> Iterator[str]:
    """The URL migrations get: a scratch database, logged in as the session's run role."""
    if not pg_server.isolate:
        pytest.skip("a server named by URL runs migrations as the URL's own role")
    with ScratchSession(pg_server) as session:
        yield session.create().url


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE DATABASE lockwise_escape",
        "ALTER SYSTEM SET work_mem = '1GB'",
        "COPY (SELECT 1) TO PROGRAM 'true'",
        "CREATE ROLE lockwise_escape",
    ],
)
def test_a_migration_cannot_reach_outside_its_database(run_role_url: str, statement: str) -> None:
    with (
        psycopg.connect(run_role_url, autocommit=True) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(statement)


def test_a_migration_owns_its_database_and_builds_in_it(run_role_url: str) -> None:
    with psycopg.connect(run_role_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)")
        conn.execute("CREATE EXTENSION IF NOT EXISTS citext")  # trusted: a database owner may
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    assert row == (False,)


def test_a_run_role_cannot_connect_to_the_maintenance_database(
    run_role_url: str, pg_server: Server
) -> None:
    maintenance = run_role_url.rsplit("/", 1)[0] + "/postgres?" + run_role_url.split("?", 1)[1]
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        psycopg.connect(maintenance).close()


@pytest.mark.slow
def test_a_history_that_needs_a_superuser_says_which_setting(server_env: Server) -> None:
    if not server_env.embedded:
        pytest.skip("commands run migrations as a run role on the embedded server only")
    done = lockwise("test", str(PROJECTS / "needs_superuser"))
    assert done.returncode == 1
    assert 'permission denied to create event trigger "note_ddl"' in done.stdout
    assert "set [tool.lockwise] superuser = true" in done.stdout


@pytest.mark.slow
def test_superuser_true_runs_the_history_as_the_superuser(
    server_env: Server, tmp_path: Path
) -> None:
    project = tmp_path / "needs_superuser"
    shutil.copytree(PROJECTS / "needs_superuser", project)
    (project / "pyproject.toml").write_text("[tool.lockwise]\nsuperuser = true\n")
    done = lockwise("test", str(project))
    assert done.returncode == 0, done.stdout + done.stderr
