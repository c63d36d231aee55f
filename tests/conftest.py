"""Lockwise's own development fixtures: real PostgreSQL servers and scratch databases.

Servers. A database test runs on the embedded PostgreSQL 18 (or the server at
$LOCKWISE_DATABASE_URL), then on a throwaway PostgreSQL 15 cluster where the machine
has PostgreSQL 15 binaries ($LOCKWISE_PG15_BIN, default /usr/lib/postgresql/15/bin).
Nothing here mocks PostgreSQL. `examples` runs rule examples on `pg_server`, one
session per worker, so that examples with the same setup share its database.

Which versions. By default a test that asks for `pg_server` (or `server_env`,
`scratch_url`) runs on both: its result may depend on what the server does (locks,
rewrites, scans, catalog facts, privileges, the SQL lockwise sends). A test marked
`version_independent` runs on PostgreSQL 18 only: it needs a server to drive lockwise
end to end, but what it asserts is lockwise's own doing (exit codes, messages, output
formats, files written, settings, signals), and the server's part of that path is
checked on both versions by another test. When unsure, leave the mark off.

In parallel. `pytest` runs on every core (`-n auto`, pytest-xdist, in pyproject.toml).
Each worker has servers of its own: the embedded server in a temporary data folder
($LOCKWISE_DATA_DIR) and its own PostgreSQL 15 cluster, so a test that sweeps, counts
or stops a server sees only its own worker's work. Throwaway clusters live in /dev/shm
when it has room: a scratch database is hundreds of files, twice as fast in memory. A
run narrowed with `-k` or to test ids runs in one process, on the embedded server in
the cache folder (starting workers would cost more than they save), and so does a run
on a server named by $LOCKWISE_DATABASE_URL, which every worker would share. `-n 2` or
`-n 0` overrides.

The plugin lockwise offers its users is another one, `lockwise.pytest_plugin`
(registered under `pytest11`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support import lockwise, use_server

from lockwise.database.scratch import ScratchDatabase, create_database, drop_database
from lockwise.database.server import DATA_DIR_ENV, URL_ENV, Server, open_server, stop_embedded
from lockwise.review.examples import ExampleRunner

PG15_BIN = Path(os.environ.get("LOCKWISE_PG15_BIN", "/usr/lib/postgresql/15/bin"))
_SERVERS = ["pg18", "pg15"] if (PG15_BIN / "postgres").exists() else ["pg18"]
_WORKER_FOLDER = pytest.StashKey[Path]()  # a worker's own servers live here
# Throwaway clusters live in memory when there is room: creating and dropping a scratch
# database writes and deletes hundreds of files, which costs twice the time on a disk.
_IN_MEMORY = Path("/dev/shm")
_ROOM_NEEDED = 4 * 2**30
_TERMINAL = "lockwise_terminal_size"  # the COLUMNS and LINES a worker should see


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """How many workers `-n auto` starts: none for a narrowed run or a shared server."""
    narrowed = bool(config.option.keyword) or any("::" in arg for arg in config.args)
    return 0 if narrowed or os.environ.get(URL_ENV) else None


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook, run before each worker starts
def pytest_configure_node(node: Any) -> None:
    node.workerinput[_TERMINAL] = {name: os.environ.get(name) for name in ("COLUMNS", "LINES")}


def pytest_configure(config: pytest.Config) -> None:
    worker = getattr(config, "workerinput", None)  # only pytest-xdist's workers have it
    if worker is None:
        return
    # Workers start with COLUMNS=80: the lockwise commands tests run would wrap their
    # reports at 80 columns, unlike in a run without workers.
    for name, value in worker.get(_TERMINAL, {}).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if os.environ.get(URL_ENV):
        return
    folder = _throwaway_folder(f"lockwise-{worker['workerid']}-")
    config.stash[_WORKER_FOLDER] = folder
    os.environ[DATA_DIR_ENV] = str(folder / "pg18")  # created on first use, by open_server


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_WORKER_FOLDER, None)
    if folder is not None:
        os.environ[DATA_DIR_ENV] = str(folder / "pg18")
        stop_embedded()
        shutil.rmtree(folder, ignore_errors=True)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "pg_server" not in metafunc.fixturenames:
        return
    independent = metafunc.definition.get_closest_marker("version_independent") is not None
    servers = _SERVERS[:1] if independent else _SERVERS
    metafunc.parametrize("pg_server", servers, indirect=True, scope="session")


def _throwaway_folder(prefix: str) -> Path:
    """A new folder for a throwaway cluster: in memory (/dev/shm) if it has room."""
    in_memory = _IN_MEMORY.is_dir() and shutil.disk_usage(_IN_MEMORY).free > _ROOM_NEEDED
    return Path(tempfile.mkdtemp(prefix=prefix, dir=_IN_MEMORY if in_memory else None))


def _run_as_postgres_user(args: list[str]) -> None:
    user = "embedded_postgres" if os.geteuid() == 0 else None
    subprocess.run(args, check=True, capture_output=True, user=user, timeout=60)


@pytest.fixture(scope="session")
def _pg15_cluster() -> Iterator[Server]:
    # Made the way embedded-postgres makes its own: an unprivileged user owns the
    # data folder when we are root, and the server listens on a socket only.
    open_server(None) if os.geteuid() == 0 else None  # creates the embedded_postgres user
    data = _throwaway_folder("lockwise-pg15-")
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
            "--no-sync",  # a throwaway cluster: nothing to make durable
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


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> Server:
    """A running server: PostgreSQL 18 (embedded or $LOCKWISE_DATABASE_URL), then 15.

    Only 18 for a test marked `version_independent` (see this module's docstring).
    """
    if request.param == "pg15":
        server: Server = request.getfixturevalue("_pg15_cluster")
        return server
    return open_server(None)


@pytest.fixture
def server_env(pg_server: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    """Point lockwise commands run in this test at `pg_server` (see `support.use_server`)."""
    use_server(monkeypatch, pg_server)
    return pg_server


@pytest.fixture
def scratch_url(pg_server: Server) -> Iterator[str]:
    """A libpq URL to a fresh, empty database, dropped after the test."""
    database = create_database(pg_server)
    try:
        yield database.url
    finally:
        drop_database(pg_server, database.name)


@pytest.fixture(scope="session")
def examples(pg_server: Server) -> Iterator[ExampleRunner]:
    """Runs rule examples on `pg_server`; examples with the same setup share its database."""
    with ExampleRunner(pg_server) as runner:
        yield runner


# --- the example backend at a revision (tests/release) ---------------------------------
# Bringing a database to a revision with `lockwise apply` takes a process and a second or
# two; most release tests only need the state, so each revision is applied once, into a
# template database, and every test gets a clone of it (CREATE DATABASE ... TEMPLATE).

BACKEND = Path(__file__).parents[1] / "examples" / "backend"


class _Templates:
    """One template database per revision of the example backend, on one server."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.made: dict[str, ScratchDatabase] = {}

    def of(self, revision: str) -> str:
        if revision not in self.made:
            template = create_database(self.server)
            self.made[revision] = template
            done = lockwise("apply", str(BACKEND), "--url", template.url, "--to", revision)
            assert done.returncode == 0, done.stderr
        return self.made[revision].name


@pytest.fixture(scope="session")
def _backend_templates(pg_server: Server) -> Iterator[_Templates]:
    templates = _Templates(pg_server)
    try:
        yield templates
    finally:
        for database in templates.made.values():
            drop_database(pg_server, database.name)


@pytest.fixture
def backend_at(pg_server: Server, _backend_templates: _Templates) -> Iterator[Callable[[str], str]]:
    """`backend_at(REV)`: the URL of a new database holding the example backend at REV."""
    clones: list[ScratchDatabase] = []

    def at(revision: str) -> str:
        clone = create_database(pg_server, template=_backend_templates.of(revision))
        clones.append(clone)
        return clone.url

    try:
        yield at
    finally:
        for clone in clones:
            drop_database(pg_server, clone.name)
