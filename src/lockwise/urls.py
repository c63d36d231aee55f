"""Connection URLs: redaction for messages, and per-driver spellings for SQLAlchemy."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from lockwise.errors import BadInput


def redact(url: str) -> str:
    """Return `url` with any password replaced by `***`, safe to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def redact_text(text: str, url: str) -> str:
    """Remove the password of `url` from an arbitrary message (a driver error, say)."""
    try:
        password = make_url(url).password
    except ArgumentError:
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


def sqlalchemy_url(url: str, driver: str) -> str:
    """Return `url` spelled for SQLAlchemy with `driver` (psycopg, asyncpg or psycopg2).

    libpq's query parameters mean nothing to asyncpg: `sslmode` becomes its `ssl`, and
    those it has no equivalent for are left out.
    """
    parsed = make_url(url).set(drivername=f"postgresql+{driver}")
    if driver == "asyncpg":
        parsed = parsed.set(query=_asyncpg_query(parsed.query))
    return parsed.render_as_string(hide_password=False)


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
    except ArgumentError:
        raise BadInput(f"not a PostgreSQL URL: {redact(url)} (expected postgresql://...)") from None
    if parsed.get_backend_name() != "postgresql":
        raise BadInput(f"not a PostgreSQL URL: {redact(url)} (expected postgresql://...)")
    return libpq_url(url)


def with_database(url: str, database: str) -> str:
    """Return `url` pointing at another database on the same server."""
    return make_url(url).set(database=database).render_as_string(hide_password=False)
