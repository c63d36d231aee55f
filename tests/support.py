"""Helpers shared by the tests that run lockwise as users do: the real console entry point."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from lockwise.database.scratch import new_name
from lockwise.database.server import URL_ENV, Server

PROJECTS = Path(__file__).parent / "projects"
SNAPSHOTS = Path(__file__).parent / "report" / "snapshots"
PROGRESS = re.compile(r"^\[\d+/\d+\] ")  # `[3/16] <revision> <message>` on stderr


@dataclass(frozen=True)
class Run:
    """One finished `lockwise ...` process."""

    pid: int
    returncode: int
    stdout: str
    stderr: str


def use_server(monkeypatch: pytest.MonkeyPatch, server: Server) -> None:
    """Point the lockwise commands run from here on at `server`, as `server_env` does.

    The embedded server is what commands use without a URL, as users run them (with
    migrations under a run role); any other server is handed over as a URL.
    """
    if server.embedded:
        monkeypatch.delenv(URL_ENV, raising=False)
    else:
        monkeypatch.setenv(URL_ENV, server.url)


def lockwise(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: int = 300
) -> Run:
    """Run `python -m lockwise ARGS` to the end; stdout and stderr kept apart."""
    command = [sys.executable, "-m", "lockwise", *args]
    environment = os.environ.copy() | (env or {})
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=environment,
    ) as child:
        stdout, stderr = child.communicate(timeout=timeout)
    return Run(child.pid, child.returncode, stdout, stderr)


def one_line_error(run: Run, exit_code: int = 2) -> str:
    """Check the error contract (the exit code, one `lockwise: error:` line, no traceback)
    and return the message."""
    assert run.returncode == exit_code, run.stderr
    lines = [line for line in run.stderr.splitlines() if not PROGRESS.match(line)]
    assert len(lines) == 1 and lines[0].startswith("lockwise: error: "), run.stderr
    return lines[0].removeprefix("lockwise: error: ")


def left_by(server: Server, pid: int) -> list[str]:
    """Scratch databases and run roles that process `pid` created and did not drop.

    Their names carry the creator's host and pid (lockwise.database.scratch), so runs
    sharing the server do not disturb the answer.
    """
    prefix = new_name(pid).rsplit("_", 1)[0].replace("_", "\\_") + "\\_%"
    with server.connect() as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %(p)s"
            " UNION ALL SELECT rolname FROM pg_roles WHERE rolname LIKE %(p)s",
            {"p": prefix},
        ).fetchall()
    return [str(row[0]) for row in rows]


def matches_snapshot(name: str, text: str) -> bool:
    """`text` equals the snapshot `name` in tests/report/snapshots/ (with
    LOCKWISE_UPDATE_SNAPSHOTS set, it becomes the snapshot)."""
    path = SNAPSHOTS / name
    if os.environ.get("LOCKWISE_UPDATE_SNAPSHOTS"):
        path.write_text(text)
    return path.read_text() == text
