"""Which tables a step may have written: the data checks re-read only those."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from lockwise.testing.written import watching_writes
from lockwise.urls import sqlalchemy_url

pytestmark = pytest.mark.version_independent  # what pg_locks names, not how


def _engine(url: str) -> Engine:
    engine = create_engine(sqlalchemy_url(url, "psycopg"), poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE kept (id int); CREATE TABLE written (id int)"))
    return engine


def _oid(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT '{table}'::regclass::oid")).scalar_one())


def test_a_transaction_names_the_tables_it_wrote_not_those_it_read(scratch_url: str) -> None:
    engine = _engine(scratch_url)
    with watching_writes() as writes, engine.begin() as conn:
        conn.execute(text("SELECT * FROM kept"))
        conn.execute(text("INSERT INTO written VALUES (1)"))
    assert writes.settled() == {_oid(engine, "written")}


def test_a_write_outside_a_transaction_makes_every_table_suspect(scratch_url: str) -> None:
    engine = _engine(scratch_url)
    with watching_writes() as writes, engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("UPDATE kept SET id = 2"))
    assert writes.settled() is None


def test_a_commit_written_in_sql_makes_every_table_suspect(scratch_url: str) -> None:
    engine = _engine(scratch_url)
    with watching_writes() as writes, engine.begin() as conn:
        conn.execute(text("UPDATE kept SET id = 2"))
        conn.execute(text("COMMIT"))
        conn.execute(text("UPDATE written SET id = 2"))
    assert writes.settled() is None


def test_statements_with_no_commit_seen_make_every_table_suspect(scratch_url: str) -> None:
    engine = _engine(scratch_url)
    with watching_writes() as writes, engine.connect() as conn:
        conn.execute(text("UPDATE kept SET id = 2"))
        dbapi = conn.connection.dbapi_connection  # committed behind SQLAlchemy's back
        assert dbapi is not None
        dbapi.commit()
    assert writes.settled() is None
