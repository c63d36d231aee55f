"""Lockwise's own development fixtures: real PostgreSQL servers and scratch databases.

Database tests run once per server: the embedded PostgreSQL 18 (or the server at
$LOCKWISE_DATABASE_URL), and a throwaway PostgreSQL 15 cluster where the machine has
PostgreSQL 15 binaries ($LOCKWISE_PG15_BIN, default /usr/lib/postgresql/15/bin).
Nothing here mocks PostgreSQL. The plugin lockwise offers its users is another one,
`lockwise.testing.pytest_plugin` (registered under `pytest11`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from lockwise.database.scratch import create_database, drop_database
from lockwise.database.server import URL_ENV, Server, open_server

PG15_BIN = Path(os.environ.get("LOCKWISE_PG15_BIN", "/usr/lib/postgresql/15/bin"))
_SERVERS = ["pg18", "pg15"] if (PG15_BIN / "postgres").exists() else ["pg18"]


def _run_as_postgres_user(args: list[str]) -> None:
    user = "embedded_postgres" if os.geteuid() == 0 else None
    subprocess.run(args, check=True, capture_output=True, user=user, timeout=60)


@pytest.fixture(scope="session")
def _pg15_cluster() -> Iterator[Server]:
    # Made the way embedded-postgres makes its own: an unprivileged user owns the
    # data folder when we are root, and the server listens on a socket only.
    open_server(None) if os.geteuid() == 0 else None  # creates the embedded_postgres user
    data = Path(tempfile.mkdtemp(prefix="lockwise-pg15-"))
    data.chmod(0o777)
    pgdata = data / "data"
    _run_as_postgres_user(
        [
            str(PG15_BIN / "initdb"),
            "-D",
            str(pgdata),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=utf8",
        ]
    )
    _run_as_postgres_user(
        [
            str(PG15_BIN / "pg_ctl"),
            "-D",
            str(pgdata),
            "-w",
            "-l",
            str(data / "log"),
            "-o",
            f"-h '' -k {data} -F",
            "start",
        ]
    )
    try:
        yield Server(
            url=f"postgresql://postgres@/postgres?host={data}", embedded=False, isolate=True
        )
    finally:
        _run_as_postgres_user(
            [str(PG15_BIN / "pg_ctl"), "-D", str(pgdata), "-w", "-m", "immediate", "stop"]
        )
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session", params=_SERVERS)
def pg_server(request: pytest.FixtureRequest) -> Server:
    """A running server: PostgreSQL 18 (embedded or $LOCKWISE_DATABASE_URL), then 15."""
    if request.param == "pg15":
        server: Server = request.getfixturevalue("_pg15_cluster")
        return server
    return open_server(None)


@pytest.fixture
def server_env(pg_server: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    """Point lockwise commands run in this test at `pg_server`.

    The embedded server is what commands use without a URL, as users run them (with
    migrations under a run role); any other server is handed over as a URL.
    """
    if pg_server.embedded:
        monkeypatch.delenv(URL_ENV, raising=False)
    else:
        monkeypatch.setenv(URL_ENV, pg_server.url)
    return pg_server


@pytest.fixture
def scratch_url(pg_server: Server) -> Iterator[str]:
    """A libpq URL to a fresh, empty database, dropped after the test."""
    database = create_database(pg_server)
    try:
        yield database.url
    finally:
        drop_database(pg_server, database.name)
