"""`lockwise_database`: a fresh scratch database for one test, with engines on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from lockwise.migrate.baseline import fresh_database
from lockwise.pytest_plugin.state import PluginState
from lockwise.urls import sqlalchemy_url


class LockwiseDatabase:
    """A scratch database, dropped after the test.

    The engines are made on first use, without a pool: a connection never outlives its
    `with` block, so one engine serves tests with any event loop. A project with a
    `baseline` setting gets its baseline tables, as `lockwise test` starts from them.

    Attributes:
        name: The database's name.
        url: A libpq URL (`postgresql://...`), for psycopg, psql and `create_engine`.
    """

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url

    @cached_property
    def sync_engine(self) -> Engine:
        """A SQLAlchemy engine on psycopg (3)."""
        return create_engine(sqlalchemy_url(self.url, "psycopg"), poolclass=NullPool)

    @cached_property
    def async_engine(self) -> AsyncEngine:
        """A SQLAlchemy asyncio engine on asyncpg."""
        return create_async_engine(sqlalchemy_url(self.url, "asyncpg"), poolclass=NullPool)

    def dispose(self) -> None:
        """Dispose of the engines made (without a pool they hold no connection)."""
        if "sync_engine" in self.__dict__:
            self.sync_engine.dispose()
        if "async_engine" in self.__dict__:
            self.async_engine.sync_engine.dispose()


@contextmanager
def scratch_database(state: PluginState, root: Path | None) -> Iterator[LockwiseDatabase]:
    """A fresh database for the project at `root` (any project: None), dropped on exit."""
    settings = state.settings(root) if root else None
    session = state.session(isolate=not (settings and settings.superuser))
    made = fresh_database(state.project(root), session) if root else session.create()
    database = LockwiseDatabase(made.name, made.url)
    try:
        yield database
    finally:
        database.dispose()
        session.drop(made)
