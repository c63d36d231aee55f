"""Connection URLs: redaction for messages, and per-driver spellings for SQLAlchemy."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from lockwise.errors import BadInput


def redact(url: str) -> str:
    """Return `url` with any password replaced by `***`, safe to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # ValueError: a bad port, an unclosed [IPv6]
        return "<unparseable URL>"


def redact_text(text: str, url: str) -> str:
    """Remove the password of `url` from an arbitrary message (a driver error, say)."""
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        return text
    if not password:
        return text
    for spelling in {str(password), quote(str(password), safe=""), quote(str(password))}:
        text = text.replace(spelling, "***")
    return text


def libpq_url(url: str) -> str:
    """Return `url` without a SQLAlchemy driver suffix, as psycopg and psql accept it."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def sqlalchemy_url(url: str, driver: str | None) -> str:
    """Return `url` spelled for SQLAlchemy with `driver` (None: a bare `postgresql://`).

    libpq's query parameters mean nothing to asyncpg: `sslmode` becomes its `ssl`, and
    those it has no equivalent for are left out. pg8000 reaches a Unix socket through
    `unix_sock`, the socket file, where libpq takes the folder as `host`.
    """
    parsed = make_url(url).set(drivername=f"postgresql+{driver}" if driver else "postgresql")
    if driver == "asyncpg":
        parsed = parsed.set(query=_asyncpg_query(parsed.query))
    if driver == "pg8000":
        parsed = _pg8000_socket(parsed)
    return parsed.render_as_string(hide_password=False)


def _pg8000_socket(parsed: URL) -> URL:
    host = parsed.query.get("host")
    if not isinstance(host, str) or not host.startswith("/"):
        return parsed
    socket = f"{host.rstrip('/')}/.s.PGSQL.{parsed.port or 5432}"
    query = {key: value for key, value in parsed.query.items() if key != "host"}
    return parsed.set(query={**query, "unix_sock": socket})


_LIBPQ_ONLY = frozenset(
    {
        "connect_timeout",
        "application_name",
        "options",
        "target_session_attrs",
        "gssencmode",
        "keepalives",
        "keepalives_idle",
        "keepalives_interval",
        "keepalives_count",
    }
)


def _asyncpg_query(query: Mapping[str, str | tuple[str, ...]]) -> dict[str, str | tuple[str, ...]]:
    kept = {key: value for key, value in query.items() if key not in _LIBPQ_ONLY}
    if "sslmode" in kept:
        kept["ssl"] = kept.pop("sslmode")
    return kept


def parse_server_url(url: str) -> str:
    """Check a server URL given by the user; return it in libpq form (no driver suffix).

    Raises:
        BadInput: it is not a postgresql:// URL.
    """
    try:
        parsed = make_url(url)
        port = parsed.port  # SQLAlchemy checks the port only when it is read
    except (ArgumentError, ValueError):
        raise BadInput(
            f"not a valid PostgreSQL URL: {redact(url)} (expected"
            " postgresql://user@host:port/database; an IPv6 host goes in [brackets])"
        ) from None
    if port is not None and not 0 < port < 65536:
        raise BadInput(f"not a valid PostgreSQL URL: port {port} is out of range")
    if parsed.get_backend_name() != "postgresql":
        raise BadInput(f"not a PostgreSQL URL: {redact(url)} (expected postgresql://...)")
    return libpq_url(url)


def with_database(url: str, database: str) -> str:
    """Return `url` pointing at another database on the same server."""
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def with_user(url: str, user: str) -> str:
    """Return `url` logging in as another role (without a password: trust or peer auth)."""
    return make_url(url).set(username=user, password=None).render_as_string(hide_password=False)
