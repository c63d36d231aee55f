"""`lockwise db ...` and `lockwise --version`: the embedded server as users drive it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from lockwise import __version__
from lockwise.urls import sqlalchemy_url


def lockwise(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lockwise", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def own_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """An environment whose embedded server lives in a folder of its own."""
    env = {k: v for k, v in os.environ.items() if k != "LOCKWISE_DATABASE_URL"}
    env["LOCKWISE_DATA_DIR"] = str(tmp_path_factory.mktemp("cluster") / "pg")
    try:
        yield env
    finally:
        lockwise("db", "stop", env=env)


def test_version_is_printed() -> None:
    assert lockwise("--version").stdout.strip() == f"lockwise, version {__version__}"


def test_status_before_first_start_says_not_created(tmp_path: Path) -> None:
    env = {**os.environ, "LOCKWISE_DATA_DIR": str(tmp_path / "never-started")}
    result = lockwise("db", "status", env=env)
    assert "not created yet" in result.stdout and result.returncode == 0


def test_url_is_accepted_by_psycopg_and_sqlalchemy(own_cluster: dict[str, str]) -> None:
    url = lockwise("db", "url", env=own_cluster).stdout.strip()
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    engine = create_engine(sqlalchemy_url(url, "psycopg"), poolclass=NullPool)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 2")).scalar() == 2


def test_status_shows_version_socket_and_data_folder(own_cluster: dict[str, str]) -> None:
    lockwise("db", "start", env=own_cluster)
    out = lockwise("db", "status", env=own_cluster).stdout
    assert "version: 18" in out and "state: running" in out
    assert f"data folder: {own_cluster['LOCKWISE_DATA_DIR']}" in out and "socket: " in out


def test_restart_reuses_the_cluster_without_initdb(own_cluster: dict[str, str]) -> None:
    url = lockwise("db", "url", env=own_cluster).stdout.strip()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS kept (id int)")
    marker = Path(own_cluster["LOCKWISE_DATA_DIR"]) / "PG_VERSION"
    created = marker.stat().st_mtime_ns
    assert lockwise("db", "stop", env=own_cluster).stdout.strip() == "stopped"
    assert "state: stopped" in lockwise("db", "status", env=own_cluster).stdout
    lockwise("db", "start", env=own_cluster)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('kept') IS NOT NULL").fetchone() == (True,)
    assert marker.stat().st_mtime_ns == created


def test_stop_when_not_running_says_so(own_cluster: dict[str, str]) -> None:
    lockwise("db", "stop", env=own_cluster)
    assert lockwise("db", "stop", env=own_cluster).stdout.strip() == "not running"


def test_psql_runs_the_shipped_psql_against_the_server(own_cluster: dict[str, str]) -> None:
    result = lockwise("db", "psql", "-Atc", "SELECT 6 * 7", env=own_cluster)
    assert result.stdout.strip() == "42"


def test_start_survives_a_handle_list_truncated_by_a_killed_process(
    own_cluster: dict[str, str],
) -> None:
    lockwise("db", "stop", env=own_cluster)
    (Path(own_cluster["LOCKWISE_DATA_DIR"]) / ".handle_pids.json").write_text("")
    result = lockwise("db", "start", env=own_cluster)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
