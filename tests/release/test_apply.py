"""`lockwise apply`: one deploy at a time, short lock waits with retries, leftovers rebuilt,
nothing half-done, and the URL's password never shown."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url
from support import lockwise, one_line_error

from lockwise.release.apply import DEPLOY_LOCK

BACKEND = Path(__file__).parents[2] / "examples" / "backend"
HEAD = "4b8e2f6a1d07"
REVISIONS = 16
BEFORE_PHONE = "a4c81e5f9b23"  # the next revision, 7b2d9e04c6f1, adds users.phone
BEFORE_EMAIL_INDEX = "7b2d9e04c6f1"  # the next, c15e8a3f2d97, builds ix_users_email concurrently


def versions(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]


def applied_count(stdout: str) -> int:
    found = re.search(r"^applied (\d+) revisions?;", stdout, re.MULTILINE)
    return int(found.group(1)) if found else 0


def blocks_someone(conn: psycopg.Connection[Any], holder: psycopg.Connection[Any]) -> bool:
    """Whether a session waits for a lock `holder` holds (apply, here)."""
    row = conn.execute(
        "SELECT 1 FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
        [holder.info.backend_pid],
    ).fetchone()
    return row is not None


def apply_waiting_on(
    url: str, holder: psycopg.Connection[Any], watcher: psycopg.Connection[Any]
) -> subprocess.Popen[str]:
    """`lockwise apply` started with a long lock_timeout, once it waits for `holder`'s lock."""
    command = [sys.executable, "-m", "lockwise", "apply", str(BACKEND), "--url", url]
    process = subprocess.Popen(
        [*command, "--lock-timeout", "60s"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not blocks_someone(watcher, holder):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    return process


@pytest.fixture
def at_phone(backend_at: Callable[[str], str]) -> str:
    """A database at the revision before `add users.phone`."""
    return backend_at(BEFORE_PHONE)


@pytest.fixture
def holder(at_phone: str) -> Iterator[psycopg.Connection[Any]]:
    """A session that reads users in an open transaction: it holds ACCESS SHARE on it."""
    with psycopg.connect(at_phone) as conn:
        conn.execute("SELECT count(*) FROM users WHERE email = 'secret@example.com'")
        yield conn


@pytest.mark.version_independent  # lockwise's bookkeeping; the server's locking is tested on both
def test_apply_upgrades_to_head_then_finds_nothing_to_do(scratch_url: str) -> None:
    first = lockwise("apply", str(BACKEND), "--url", scratch_url)
    assert first.returncode == 0, first.stderr
    assert applied_count(first.stdout) == REVISIONS
    assert f"the database is at {HEAD}" in first.stdout
    assert "[16/16] 4b8e2f6a1d07" in first.stderr
    assert re.search(r"^\s+\d+ ms  CREATE TABLE users \(", first.stderr, re.MULTILINE)
    again = lockwise("apply", str(BACKEND), "--url", scratch_url)
    assert again.returncode == 0, again.stderr
    assert f"nothing to apply: the database is at {HEAD}" in again.stdout
    assert versions(scratch_url) == [HEAD]


@pytest.mark.version_independent  # lockwise's bookkeeping; the server's locking is tested on both
def test_three_applies_at_once_apply_each_revision_once(scratch_url: str) -> None:
    command = [sys.executable, "-m", "lockwise", "apply", str(BACKEND), "--url", scratch_url]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert sorted(applied_count(out) for out in outputs) == [0, 0, REVISIONS]
    assert versions(scratch_url) == [HEAD]


@pytest.mark.version_independent  # lockwise's bookkeeping; the server's locking is tested on both
def test_dry_run_prints_the_plan_of_what_would_run_and_changes_nothing(at_phone: str) -> None:
    done = lockwise("apply", str(BACKEND), "--url", at_phone, "--dry-run", "--to", "c15e8a3f2d97")
    assert done.returncode == 0, done.stderr
    assert "Release plan" in done.stdout and "5. Instructions for production" in done.stdout
    assert "7b2d9e04c6f1" in done.stdout and "c15e8a3f2d97" in done.stdout
    assert "5d7f3b9a1e62" not in done.stdout  # after --to
    assert versions(at_phone) == [BEFORE_PHONE]


@pytest.mark.version_independent  # lock waits and lock_timeout behave alike on 15 and 18
def test_a_lock_held_past_every_retry_fails_naming_the_blocker(
    at_phone: str, holder: psycopg.Connection[Any]
) -> None:
    blocker = holder.info.backend_pid
    started = time.monotonic()
    done = lockwise(
        "apply", str(BACKEND), "--url", at_phone, "--lock-timeout", "200ms", "--retries", "2"
    )
    assert done.returncode == 1, done.stderr
    assert time.monotonic() - started < 60
    assert (
        "apply stopped at 7b2d9e04c6f1: migrations/versions/7b2d9e04c6f1_add_users_phone.py:24"
        in (done.stdout)
    )
    assert "lock timeout" in done.stdout
    # The blocker's query, without its constants (they may be a user's data)
    assert (
        f"the lock was held by pid {blocker} (idle in transaction: SELECT count(*) FROM users"
        " WHERE email = $1), after 3 attempts"
    ) in done.stdout
    assert "secret@example.com" not in done.stdout + done.stderr
    assert done.stderr.count("lock_timeout: blocked by pid") == 2
    assert f"the database is at {BEFORE_PHONE} (none applied)" in done.stdout
    assert versions(at_phone) == [BEFORE_PHONE]
    with psycopg.connect(at_phone) as conn:  # the revision's transaction rolled back
        row = conn.execute(
            "SELECT count(*) FROM information_schema.columns"
            " WHERE table_name = 'users' AND column_name = 'phone'"
        ).fetchone()
    assert row == (0,)


@pytest.mark.version_independent  # lock waits and lock_timeout behave alike on 15 and 18
def test_writers_wait_at_most_about_lock_timeout_while_apply_retries(
    at_phone: str, holder: psycopg.Connection[Any]
) -> None:
    """Behind apply's ACCESS EXCLUSIVE request, a writer queues; lock_timeout ends each wait."""
    stalls: list[float] = []
    stop = threading.Event()

    def write() -> None:
        with psycopg.connect(at_phone, autocommit=True) as conn:
            org = conn.execute("INSERT INTO organizations (name) VALUES ('o') RETURNING id")
            assert org.fetchone() is not None
            while not stop.is_set():
                started = time.monotonic()
                conn.execute(
                    "INSERT INTO users (email, display_name) VALUES ('w@example.com', 'w')"
                )
                stalls.append(time.monotonic() - started)
                time.sleep(0.02)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        done = lockwise(
            "apply", str(BACKEND), "--url", at_phone, "--lock-timeout", "300ms", "--retries", "2"
        )
    finally:
        stop.set()
        writer.join()
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("lock_timeout: blocked by pid") == 2
    assert len(stalls) > 10
    assert max(stalls) < 0.3 + 0.5, sorted(stalls)[-3:]


@pytest.mark.version_independent  # lock waits and lock_timeout behave alike on 15 and 18
def test_a_lock_released_between_attempts_lets_the_retry_through(
    at_phone: str, holder: psycopg.Connection[Any]
) -> None:
    def release_after_the_first_attempt() -> None:
        """Once apply waited for the lock and gave up (lock_timeout), let go of it."""
        with psycopg.connect(at_phone, autocommit=True) as watcher:
            for waiting in (True, False):
                while waiting != blocks_someone(watcher, holder):
                    time.sleep(0.02)
        holder.rollback()

    releaser = threading.Thread(target=release_after_the_first_attempt)
    releaser.start()
    done = lockwise(
        "apply", str(BACKEND), "--url", at_phone, "--lock-timeout", "200ms", "--retries", "8"
    )
    releaser.join()
    assert done.returncode == 0, done.stderr
    assert f"blocked by pid {holder.info.backend_pid}" in done.stderr
    assert "rolled back on lock_timeout and ran again" in done.stdout
    assert versions(at_phone) == [HEAD]


def test_an_invalid_index_left_by_a_killed_build_is_dropped_and_rebuilt(
    backend_at: Callable[[str], str],
) -> None:
    scratch_url = backend_at(BEFORE_EMAIL_INDEX)
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        org = conn.execute("INSERT INTO organizations (name) VALUES ('o') RETURNING id")
        assert org.fetchone() is not None
        conn.execute("INSERT INTO users (email, display_name) VALUES ('a@example.com', 'a')")
        with pytest.raises(psycopg.errors.DivisionByZero):  # a concurrent build that failed
            conn.execute("CREATE INDEX CONCURRENTLY ix_users_email ON users ((1 / (id - id)))")
    done = lockwise("apply", str(BACKEND), "--url", scratch_url)
    assert done.returncode == 0, done.stderr
    assert "dropping INVALID index public.ix_users_email" in done.stderr
    assert "dropped and rebuilt INVALID indexes: public.ix_users_email" in done.stdout
    with psycopg.connect(scratch_url) as conn:
        row = conn.execute(
            "SELECT i.indisvalid, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indexrelid = 'ix_users_email'::regclass"
        ).fetchone()
    assert row == (True, "CREATE INDEX ix_users_email ON public.users USING btree (email)")


@pytest.mark.version_independent  # lockwise's bookkeeping; the server's locking is tested on both
def test_an_unknown_version_is_refused_before_anything_runs(scratch_url: str) -> None:
    with psycopg.connect(scratch_url) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('0123abcd4567')")
    error = one_line_error(lockwise("apply", str(BACKEND), "--url", scratch_url))
    assert "is at 0123abcd4567, a revision this project does not know" in error
    assert "nothing was applied" in error
    with psycopg.connect(scratch_url) as conn:
        row = conn.execute("SELECT to_regclass('users')").fetchone()
    assert row == (None,)


@pytest.mark.version_independent  # lockwise's bookkeeping; the server's locking is tested on both
def test_a_deploy_lock_held_past_wait_is_one_clear_error(scratch_url: str) -> None:
    with psycopg.connect(scratch_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [DEPLOY_LOCK])
        done = lockwise("apply", str(BACKEND), "--url", scratch_url, "--wait", "1")
    assert done.returncode == 1
    error = done.stderr.splitlines()[-1]
    assert "Traceback" not in done.stderr
    assert error.startswith("lockwise: error: another lockwise apply (pid ")
    assert "held the deploy lock" in error and "for 1 s (--wait): nothing was applied" in error
    assert "waiting for another lockwise apply" in done.stderr
    with psycopg.connect(scratch_url) as conn:
        assert conn.execute("SELECT to_regclass('alembic_version')").fetchone() == (None,)


@pytest.mark.version_independent  # lockwise's bookkeeping; the server's locking is tested on both
def test_the_urls_password_never_shows(scratch_url: str) -> None:
    password = "sentinel-Pw-7f3e1a"
    url = make_url(scratch_url).set(password=password).render_as_string(hide_password=False)
    runs = [
        lockwise("apply", str(BACKEND), "--url", url, "--to", BEFORE_PHONE),
        lockwise("apply", str(BACKEND), "--url", url, "--to", "ffff"),
    ]
    assert [run.returncode for run in runs] == [0, 2]
    for run in runs:
        assert password not in run.stdout + run.stderr
    assert all("***" in run.stdout + run.stderr for run in runs if run.returncode == 0)


@pytest.mark.version_independent  # lock waits and lock_timeout behave alike on 15 and 18
def test_ctrl_c_while_apply_waits_for_a_lock_rolls_the_revision_back(
    at_phone: str, holder: psycopg.Connection[Any]
) -> None:
    with psycopg.connect(at_phone, autocommit=True) as watcher:
        process = apply_waiting_on(at_phone, holder, watcher)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        left = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'lockwise apply%%'"
        ).fetchone()
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1] == "lockwise: interrupted"
    assert "Traceback" not in stderr
    assert left == (0,)
    assert versions(at_phone) == [BEFORE_PHONE]


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        (
            ["--url", "postgresql://app@/shop", "--lock-timeout", "2 seconds"],
            2,
            '--lock-timeout must be a duration such as "2s" or "500ms", not \'2 seconds\'',
        ),
        (["--url", "mysql://app@/shop"], 2, "not a PostgreSQL URL: mysql://app@/shop"),
        (
            ["--url", "postgresql://app:sentinel-Pw-0a1b@127.0.0.1:1/shop"],
            3,
            "cannot connect to postgresql://app:***@127.0.0.1:1/shop",
        ),
    ],
)
def test_bad_options_and_unreachable_databases_are_one_clear_line(
    options: list[str], code: int, message: str
) -> None:
    error = one_line_error(lockwise("apply", str(BACKEND), *options), exit_code=code)
    assert error.startswith(message)
    assert "sentinel-Pw" not in error


@pytest.mark.version_independent  # what lockwise does when its sessions are cut
def test_a_database_that_goes_away_mid_apply_is_one_line_and_exit_3(
    at_phone: str, holder: psycopg.Connection[Any]
) -> None:
    with psycopg.connect(at_phone, autocommit=True) as admin:
        process = apply_waiting_on(at_phone, holder, admin)
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name LIKE 'lockwise apply%%'"
        )
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 3, stderr
    last = stderr.splitlines()[-1]
    assert last.startswith("lockwise: error: lost the connection to postgresql://")
    assert "at 7b2d9e04c6f1: " in last and last.endswith(
        "lockwise status says where the database is"
    )
    assert "Traceback" not in stderr
