"""The async engine and session factory, on asyncpg."""

from __future__ import annotations

import os
from functools import cache

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

DEFAULT_URL = "postgresql+asyncpg://postgres@localhost/backend"


def database_url() -> str:
    """Return the URL from `DATABASE_URL`, or the local default."""
    return os.environ.get("DATABASE_URL", DEFAULT_URL)


def make_engine(url: str | None = None) -> AsyncEngine:
    """Create an async engine for `url` (by default `DATABASE_URL`).

    Args:
        url: a SQLAlchemy URL with the asyncpg driver, e.g.
            `postgresql+asyncpg://app@/backend?host=/run/postgresql` for a unix socket.
    """
    return create_async_engine(url or database_url(), pool_pre_ping=True)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Create the session factory the application uses on `engine`.

    Objects stay usable after commit (`expire_on_commit=False`): an async session
    cannot lazily reload expired attributes.
    """
    return async_sessionmaker(engine, expire_on_commit=False)


@cache
def default_engine() -> AsyncEngine:
    """The process-wide engine, created on first use."""
    return make_engine()


@cache
def default_sessionmaker() -> async_sessionmaker[AsyncSession]:
    """The process-wide session factory, created on first use."""
    return make_sessionmaker(default_engine())
