"""Connection URLs: redaction for messages, and per-driver spellings for SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DRIVERS = ("psycopg", "asyncpg", "psycopg2")


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
    return text.replace(str(password), "***")


def libpq_url(url: str) -> str:
    """Return `url` without a SQLAlchemy driver suffix, as psycopg and psql accept it."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def sqlalchemy_url(url: str, driver: str) -> str:
    """Return `url` spelled for SQLAlchemy with `driver` (psycopg, asyncpg or psycopg2)."""
    parsed = make_url(url)
    return parsed.set(drivername=f"postgresql+{driver}").render_as_string(hide_password=False)


def with_database(url: str, database: str) -> str:
    """Return `url` pointing at another database on the same server."""
    return make_url(url).set(database=database).render_as_string(hide_password=False)
