"""`lockwise apply` killed (-9) at any moment: the next apply completes the job, and the
database ends as a clean upgrade leaves it, with no INVALID index."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from support import PROJECTS, lockwise

from lockwise.database.catalog import diff, snapshot

BACKEND = Path(__file__).parents[2] / "examples" / "backend"
HEAD = "4b8e2f6a1d07"
BEFORE_EMAIL_INDEX = "7b2d9e04c6f1"  # the next, c15e8a3f2d97, builds ix_users_email concurrently


@pytest.fixture
def clean_url(backend_at: Callable[[str], str]) -> str:
    """A database a plain apply took to head: what every rerun must end as."""
    return backend_at(HEAD)


def start_apply(url: str, *options: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "lockwise", "apply", str(BACKEND), "--url", url, *options]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill_9(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)


def assert_like_a_clean_upgrade(url: str, clean_url: str) -> None:
    with psycopg.connect(url) as done, psycopg.connect(clean_url) as clean:
        assert diff(snapshot(clean), snapshot(done)) == []
        assert done.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        invalid = done.execute("SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid")
        assert invalid.fetchall() == []


@pytest.mark.version_independent  # the kill inside a concurrent build runs on both
@pytest.mark.parametrize("delay", [0.8, 1.6, 2.4])
def test_a_rerun_after_kill_9_at_any_moment_completes(
    scratch_url: str, clean_url: str, delay: float
) -> None:
    process = start_apply(scratch_url)
    time.sleep(delay)
    kill_9(process)
    rerun = lockwise("apply", str(BACKEND), "--url", scratch_url)
    assert rerun.returncode == 0, rerun.stderr
    assert_like_a_clean_upgrade(scratch_url, clean_url)


def test_a_rerun_after_kill_9_inside_a_concurrent_build_rebuilds_the_index(
    backend_at: Callable[[str], str], clean_url: str
) -> None:
    scratch_url = backend_at(BEFORE_EMAIL_INDEX)
    with (
        psycopg.connect(scratch_url) as reader,
        psycopg.connect(scratch_url, autocommit=True) as watcher,
    ):
        # A repeatable-read snapshot: a concurrent build waits for it before it ends.
        reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        reader.execute("SELECT count(*) FROM users")
        process = start_apply(scratch_url, "--lock-timeout", "60s")
        deadline = time.monotonic() + 60
        while not watcher.execute(
            "SELECT 1 FROM pg_stat_progress_create_index p JOIN pg_class c"
            " ON c.oid = p.index_relid WHERE c.relname = 'ix_users_email'"
        ).fetchone():
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        kill_9(process)
        # The server notices the client is gone (client_connection_check_interval) and
        # stops the build, leaving the index INVALID.
        while watcher.execute(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = 'lockwise apply: migration'"
        ).fetchone():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        reader.rollback()
    rerun = lockwise("apply", str(BACKEND), "--url", scratch_url)
    assert rerun.returncode == 0, rerun.stderr
    assert "dropping INVALID index public.ix_users_email" in rerun.stderr
    assert_like_a_clean_upgrade(scratch_url, clean_url)


@pytest.mark.version_independent  # pg_terminate_backend and pg_stat_activity alike
def test_a_rerun_ends_the_session_a_killed_apply_left_running(
    backend_at: Callable[[str], str], clean_url: str
) -> None:
    scratch_url = backend_at(BEFORE_EMAIL_INDEX)
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        # What a killed apply's backend looks like to the next one: a migration session
        # still running (PostgreSQL has not yet noticed its client is gone).
        conn.execute("SET application_name = 'lockwise apply: migration'")
        orphan = conn.info.backend_pid
        rerun = lockwise("apply", str(BACKEND), "--url", scratch_url)
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    assert rerun.returncode == 0, rerun.stderr
    assert f"ended the sessions a killed apply left running (pid {orphan})" in rerun.stderr
    assert_like_a_clean_upgrade(scratch_url, clean_url)


@pytest.mark.version_independent  # batches are plain UPDATEs and commits
def test_a_rerun_after_kill_9_inside_a_backfill_finishes_it(scratch_url: str) -> None:
    project = PROJECTS / "backfill_history"
    to = lockwise("apply", str(project), "--url", scratch_url, "--to", "b0f111000001")
    assert to.returncode == 0, to.stderr
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        conn.execute("INSERT INTO items (price) SELECT g FROM generate_series(1, 20000) g")
        command = [sys.executable, "-m", "lockwise", "apply", str(project), "--url", scratch_url]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not _filled(conn):
            assert time.monotonic() < deadline and process.poll() is None, "no batch committed"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        done_when_killed = _filled(conn)
        assert 0 < done_when_killed < 20000
        rerun = lockwise("apply", str(project), "--url", scratch_url)
        assert rerun.returncode == 0, rerun.stderr
        assert _filled(conn) == 20000
        wrong = conn.execute("SELECT count(*) FROM items WHERE cents <> price * 100").fetchone()
        assert wrong == (0,)
        versions = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        assert versions == [("b0f111000002",)]


def _filled(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT count(*) FROM items WHERE cents IS NOT NULL").fetchone()
    return int(row[0]) if row else 0
