"""`lockwise check -j 2` (the default on two cores): review in a second process, the same
report, nothing left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from support import PROJECTS, left_by, lockwise
from test_interrupts import start, wait_for_a_sleeping_migration, wait_for_lockwise_handlers

from lockwise.database.server import Server

# How lockwise runs its own processes; what the server does is checked in tests/database.
pytestmark = pytest.mark.version_independent

BACKEND = Path(__file__).parents[1] / "examples" / "backend"


def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_timings(v) for k, v in value.items() if k not in {"seconds", "duration_ms"}
        }
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


@pytest.mark.slow
def test_check_with_two_jobs_reports_what_check_reports(server_env: Server) -> None:
    alone = lockwise("check", "-j", "1", "--format", "json", str(BACKEND))
    both = lockwise("check", "-j", "2", "--format", "json", str(BACKEND))
    assert (both.returncode, alone.returncode) == (0, 0), both.stderr
    assert _without_timings(json.loads(both.stdout)) == _without_timings(json.loads(alone.stdout))
    assert "review and test ─" in both.stderr and "Traceback" not in both.stderr
    assert left_by(server_env, both.pid) == []


def _check_heading_on(cores: set[int]) -> str:
    """The phase heading `lockwise check` (no -j) prints when it may use only `cores`."""
    done = subprocess.run(
        [sys.executable, "-m", "lockwise", "check", str(PROJECTS / "clean_history")],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.sched_setaffinity(0, cores),
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.splitlines()[0].rstrip(" ─")


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores")
def test_check_reviews_beside_the_test_by_default_on_two_cores(server_env: Server) -> None:
    first_two = set(sorted(os.sched_getaffinity(0))[:2])
    assert _check_heading_on(first_two) == "review and test"
    assert _check_heading_on({min(first_two)}) == "review"


def test_an_error_in_the_review_process_is_the_checks_error(server_env: Server) -> None:
    alone = lockwise("check", "-j", "1", str(PROJECTS / "bad_ignore"))
    both = lockwise("check", "-j", "2", str(PROJECTS / "bad_ignore"))
    assert (both.returncode, alone.returncode) == (2, 2)
    assert both.stderr.splitlines()[-1] == alone.stderr.splitlines()[-1]
    assert "unknown rule LW999" in both.stderr and "Traceback" not in both.stderr
    assert left_by(server_env, both.pid) == []


@pytest.mark.slow
def test_sigterm_to_check_stops_the_review_process_too_with_nothing_left(
    server_env: Server,
) -> None:
    process = start("check", "-j", "2", str(PROJECTS / "slow_migration"))
    try:
        wait_for_a_sleeping_migration(server_env, process.pid)  # the test, in this process
        # Its children: the review, and multiprocessing's resource tracker.
        (review,) = [
            child
            for child in psutil.Process(process.pid).children()
            if "spawn_main" in " ".join(child.cmdline())
        ]
        wait_for_a_sleeping_migration(server_env, review.pid)  # the review, in its own
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=90)
    finally:
        if process.poll() is None:  # a failed wait: end the run rather than leave it
            process.kill()
            process.communicate()
    assert process.returncode == 143, stderr
    assert time.monotonic() - started < 30  # both minute-long statements were cut short
    assert "Traceback" not in stderr
    assert not review.is_running()
    assert left_by(server_env, process.pid) == []
    assert left_by(server_env, review.pid) == []


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 0.6, 0.9, 1.2, 1.8, 2.5])
def test_ctrl_c_at_the_terminal_stops_both_processes_cleanly(
    server_env: Server, delay: float
) -> None:
    # A terminal's Ctrl-C goes to the whole foreground process group: both processes.
    command = [sys.executable, "-m", "lockwise", "check", "-j", "2", str(BACKEND)]
    pipe = subprocess.PIPE
    process = subprocess.Popen(command, stdout=pipe, stderr=pipe, text=True, start_new_session=True)
    wait_for_lockwise_handlers(process.pid)
    time.sleep(delay)
    children = psutil.Process(process.pid).children()
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=90)
    assert process.returncode in (0, 130), stderr  # 0: it had finished
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    for pid in (process.pid, *(child.pid for child in children)):
        assert left_by(server_env, pid) == []
