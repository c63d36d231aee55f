"""Ctrl-C and SIGTERM end a run at a step boundary: the exit code says so, nothing is left.

Every test sends the signal to the real console entry point and then looks on the
server for what that process created (names carry the creator's pid).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import PROJECTS, left_by

from lockwise.database.scratch import sweep
from lockwise.database.server import Server

# Signals are lockwise's own business. What the server does for them (cancel a query,
# drop a database in use, sweep) is checked on every version in tests/database/.
pytestmark = [pytest.mark.slow, pytest.mark.version_independent]

BACKEND = Path(__file__).parents[1] / "examples" / "backend"


def start(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "lockwise", *args]
    pipe = subprocess.PIPE
    return subprocess.Popen(command, stdout=pipe, stderr=pipe, text=True, env=os.environ.copy())


def wait_for_lockwise_handlers(pid: int) -> None:
    """Until process `pid` catches SIGTERM, as lockwise's `interrupts.install` makes it.

    A signal before that lands in Python's own start-up (importing `typing` takes
    longer than 0.2 s on a loaded machine), where no program can handle it.
    """
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status").read_text()
        caught = int(
            next(line for line in status.splitlines() if line.startswith("SigCgt:"))[7:], 16
        )
        if caught & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.005)
    raise AssertionError("lockwise never installed its signal handlers")


def wait_for_a_sleeping_migration(server: Server, pid: int) -> None:
    """Until process `pid`'s migration (slow_migration's pg_sleep) is running."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with server.connect() as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE query LIKE 'SELECT pg_sleep%%' AND datname LIKE %s",
                [f"lockwise\\_%\\_{pid}\\_%"],
            ).fetchone()
        if row and row[0]:
            return
        time.sleep(0.05)
    raise AssertionError("the migration never started")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_a_migration_stops_the_run_and_drops_its_databases(
    server_env: Server, signum: int, code: int
) -> None:
    process = start("test", str(PROJECTS / "slow_migration"))
    wait_for_a_sleeping_migration(server_env, process.pid)
    started = time.monotonic()
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert time.monotonic() - started < 10  # the minute-long statement was cut short
    assert stderr.splitlines()[-1] == "lockwise: interrupted"
    assert "Traceback" not in stderr
    assert left_by(server_env, process.pid) == []


@pytest.mark.parametrize("delay", [0.2, 0.4, 0.7, 1.0, 1.3, 1.6, 2.0, 2.5, 3.0])
def test_ctrl_c_at_any_moment_of_check_exits_130_with_nothing_left(
    server_env: Server, delay: float
) -> None:
    process = start("check", "-j", "1", str(BACKEND))
    wait_for_lockwise_handlers(process.pid)
    time.sleep(delay)
    if process.poll() is not None:
        process.communicate()
        pytest.skip(f"check finished within {delay} s, before the signal")
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        # The signal landed while the finished process was being torn down by the
        # kernel (after os._exit, ~20 ms): too late for any process to see it.
        assert "16 revisions: 16 passed" in stdout
    else:
        assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "ignored" not in stderr
    assert left_by(server_env, process.pid) == []


def test_a_killed_run_leaves_nothing_the_next_run_does_not_sweep(server_env: Server) -> None:
    if not server_env.embedded:
        # Without a run role, a statement still running for the dead process keeps its
        # database busy; the sweep after it ends drops it.
        pytest.skip("only lockwise's own servers tell the dead run's sessions apart")
    process = start("test", str(PROJECTS / "slow_migration"))
    wait_for_a_sleeping_migration(server_env, process.pid)
    process.kill()
    process.communicate(timeout=30)
    assert left_by(server_env, process.pid) != []
    sweep(server_env)
    assert left_by(server_env, process.pid) == []
