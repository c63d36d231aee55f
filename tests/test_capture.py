"""Capture: every statement of a revision, its line, and what PostgreSQL measured for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from lockwise.capture import Capture, Facts, Lock, Recorded, Statement, measure
from lockwise.database.scratch import ScratchDatabase, ScratchSession
from lockwise.database.server import Server
from lockwise.migrate.steps import run_step
from lockwise.project import Project, load_project
from lockwise.review.history import RevisionCapture, Start, capture_revision

PROJECT = Path(__file__).parent / "projects" / "capture_facts"


@pytest.fixture
def project() -> Project:
    return load_project(PROJECT)


@pytest.fixture
def session(pg_server: Server) -> Iterator[ScratchSession]:
    with ScratchSession(pg_server) as session:
        yield session


def at_revision(project: Project, session: ScratchSession, count: int) -> ScratchDatabase:
    base = session.create()
    for revision in project.revisions[:count]:
        run_step(project, base.url, revision, "upgrade")
    return base


def captured(project: Project, session: ScratchSession, index: int) -> RevisionCapture:
    """Revision `index` as review captures it, from a database at the one before."""
    start = Start(at_revision(project, session, index), tuple(project.revisions[:index]))
    return capture_revision(project, session, start, project.revisions[index])


@pytest.fixture
def mixed(project: Project, session: ScratchSession) -> Capture:
    return captured(project, session, 1).upgrade


def on_line(result: Capture, line: int) -> Statement:
    return next(s for s in result.statements if s.line == line)


def test_each_statement_points_at_its_op_line(mixed: Capture) -> None:
    assert [s.line for s in mixed.statements] == [15, 16, 17, 21, 22, 23, 24]
    assert {s.file for s in mixed.statements} == {"migrations/versions/c0ffee000002_mixed_ddl.py"}


def test_alembic_bookkeeping_is_left_out(mixed: Capture) -> None:
    assert not [s for s in mixed.statements if "alembic_version" in s.sql]


def test_an_earlier_exclusive_lock_does_not_hide_the_index_builds_share_lock(
    mixed: Capture,
) -> None:
    assert on_line(mixed, 15).locks == (Lock("orders", "AccessExclusiveLock"),)
    assert Lock("orders", "ShareLock") in on_line(mixed, 16).locks
    assert Lock("orders", "AccessExclusiveLock") not in on_line(mixed, 16).locks


def test_volatile_default_is_measured_as_a_rewrite(mixed: Capture) -> None:
    statement = on_line(mixed, 17)
    assert "orders" in statement.rewrites
    assert Lock("orders", "AccessExclusiveLock") in statement.locks


def test_check_constraint_is_measured_as_a_scan_without_rewrite(mixed: Capture) -> None:
    statement = on_line(mixed, 21)
    assert statement.scans == ("orders",) and statement.rewrites == ()


def test_table_created_earlier_in_the_revision_is_known(mixed: Capture) -> None:
    assert "refunds" in on_line(mixed, 23).created_before
    assert "refunds" not in on_line(mixed, 22).created_before


def test_bulk_insert_is_captured_with_its_rows_lock(mixed: Capture) -> None:
    assert on_line(mixed, 24).locks == (Lock("refunds", "RowExclusiveLock"),)


def test_autocommit_block_statement_is_not_transactional(
    project: Project, session: ScratchSession
) -> None:
    (statement,) = captured(project, session, 2).upgrade.statements
    assert statement.sql.startswith("CREATE INDEX CONCURRENTLY")
    assert statement.transactional is False


def test_concurrent_index_build_is_seen_holding_share_update_exclusive(
    project: Project, session: ScratchSession
) -> None:
    (statement,) = captured(project, session, 2).upgrade.statements
    assert statement.locks_measured is True
    assert Lock("orders", "ShareUpdateExclusiveLock") in statement.locks
    assert Lock("orders", "ShareLock") not in statement.locks


def test_downgrade_is_captured_too(project: Project, session: ScratchSession) -> None:
    result = captured(project, session, 1).downgrade
    assert result is not None
    assert result.statements[0].sql == "DROP TABLE refunds"
    assert Lock("orders", "AccessExclusiveLock") in result.statements[-1].locks


def test_capture_leaves_its_base_database_as_it_was(
    project: Project, session: ScratchSession
) -> None:
    start = Start(at_revision(project, session, 1), tuple(project.revisions[:1]))
    capture_revision(project, session, start, project.revisions[1])
    result = capture_revision(project, session, start, project.revisions[1]).upgrade
    assert result.failure is None and len(result.statements) == 7


def replayed(session: ScratchSession, setup: str, *statements: str) -> list[Facts]:
    """Measure `statements`, in order, on a scratch database holding `setup`."""
    database = session.create()
    with psycopg.connect(database.url, autocommit=True) as conn:
        conn.execute(setup)
    return measure(database, [Recorded(sql, None, False, None, True) for sql in statements])


def test_a_scan_is_counted_for_the_statement_that_made_it_only(session: ScratchSession) -> None:
    setup = "CREATE TABLE t (a int); INSERT INTO t SELECT generate_series(1, 100)"
    check = "ALTER TABLE t ADD CONSTRAINT {} CHECK (a > 0)"
    plain = "ALTER TABLE t ADD COLUMN b int"
    facts = replayed(session, setup, check.format("ck"), plain, check.format("ck2"))
    assert [fact.scans for fact in facts] == [("t",), (), ("t",)]


def test_a_dropped_table_keeps_its_name_and_leaves_the_relations(
    session: ScratchSession,
) -> None:
    setup = "CREATE TABLE old (a int); CREATE TABLE keep (a int)"
    dropped, after = replayed(session, setup, "DROP TABLE old", "CREATE TABLE old (b int)")
    assert dropped.locks == (Lock("old", "AccessExclusiveLock"),)
    assert after.created_before == ()
    assert Lock("old", "AccessExclusiveLock") in after.locks


def test_tables_made_earlier_in_the_revision_are_known_to_later_statements(
    session: ScratchSession,
) -> None:
    made, indexed = replayed(
        session, "SELECT", "CREATE TABLE fresh (a int)", "CREATE INDEX ix ON fresh (a)"
    )
    assert made.created_before == ()
    assert indexed.created_before == ("fresh",)
    assert indexed.rewrites == ()


def test_a_statement_repeated_is_measured_every_time(session: ScratchSession) -> None:
    # As SQLAlchemy sends DDL: with an empty parameter set.
    again = Recorded("ALTER TABLE t ADD COLUMN IF NOT EXISTS b int", {}, False, None, True)
    database = session.create()
    with psycopg.connect(database.url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int)")
    facts = measure(database, [again] * 7)
    assert [fact.locks for fact in facts] == [(Lock("t", "AccessExclusiveLock"),)] * 7
