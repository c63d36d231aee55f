"""Which DBAPI driver env.py gets: the one the project's own URL names, as `alembic` would.

A URL spelled `postgresql+psycopg2://` keeps psycopg2; a bare `postgresql://` stays
bare, so SQLAlchemy picks its own default driver (psycopg2 on SQLAlchemy 2.0, psycopg
on 2.1) exactly as `alembic upgrade` run by the project would. Only when that driver
is not installed does lockwise fall back to one it ships with (psycopg, or asyncpg for
an async driver), and it says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

SYNC_FALLBACK = "psycopg"
ASYNC_FALLBACK = "asyncpg"


@dataclass(frozen=True)
class Driver:
    """The driver env.py's scratch URL is spelled with.

    Attributes:
        name: The SQLAlchemy driver name (`psycopg2`, `asyncpg`...); None for a bare
            `postgresql://`, SQLAlchemy's default.
        dbapi: The DBAPI module's driver name as SQLAlchemy reports it (`psycopg2`...).
        asynchronous: True for asyncio drivers (asyncpg, psycopg_async).
        note: One line saying lockwise did not use the driver the project names, or "".
    """

    name: str | None
    dbapi: str
    asynchronous: bool
    note: str = ""

    @property
    def drivername(self) -> str:
        """`postgresql` or `postgresql+<name>`, as a SQLAlchemy URL spells it."""
        return f"postgresql+{self.name}" if self.name else "postgresql"


def choose(configured_url: str, preferred: str | None = None) -> Driver:
    """The driver for a project whose sqlalchemy.url is `configured_url` ("" when unset).

    `preferred` (`[tool.lockwise] driver`) applies when the URL names no PostgreSQL
    driver, as for env.py files that build their URL from settings.
    """
    named = _named(configured_url)
    if named is None:
        named = preferred
    wanted = named or "SQLAlchemy's default PostgreSQL driver"
    found = _installed(named)
    if found is not None:
        return found
    fallback = _installed(ASYNC_FALLBACK if _is_async_name(named) else SYNC_FALLBACK)
    assert fallback is not None, "lockwise's own drivers are installed with it"
    note = f"{wanted} is not installed here: env.py gets a {fallback.drivername}:// URL instead"
    return Driver(fallback.name, fallback.dbapi, fallback.asynchronous, note)


def _named(url: str) -> str | None:
    """The driver a PostgreSQL URL names; None when bare, unset or not PostgreSQL."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if parsed.get_backend_name() != "postgresql":
        return None
    return parsed.get_driver_name() if "+" in parsed.drivername else None


def _installed(name: str | None) -> Driver | None:
    """The driver when SQLAlchemy knows it and its DBAPI module imports, else None."""
    drivername = f"postgresql+{name}" if name else "postgresql"
    try:
        dialect = make_url(f"{drivername}://").get_dialect()
        dialect.import_dbapi()
    except (ImportError, NoSuchModuleError, ArgumentError):
        return None
    return Driver(name, str(dialect.driver), bool(dialect.is_async))


def _is_async_name(name: str | None) -> bool:
    return bool(name) and ("async" in str(name))
