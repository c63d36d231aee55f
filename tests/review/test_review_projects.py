"""`lockwise review` on whole projects: each hazard at its line, safe patterns clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from lockwise import commands
from lockwise.database.scratch import scratch_database
from lockwise.database.server import Server
from lockwise.review.findings import ReviewReport

PROJECTS = Path(__file__).parents[1] / "projects"


@pytest.fixture(scope="module")
def hazards(pg_server: Server) -> ReviewReport:
    return commands.review(PROJECTS / "hazards", pg_server.url)


def expected_hazards() -> list[tuple[str, str]]:
    lines = (PROJECTS / "hazards" / "expected.txt").read_text().split("\n")
    return [(rev, rule) for rev, rule in (line.split() for line in lines if line)]


@pytest.mark.parametrize(("revision", "rule"), expected_hazards())
def test_each_hazard_is_flagged_at_its_op_line(
    hazards: ReviewReport, revision: str, rule: str
) -> None:
    found = [
        (f.line, f.direction) for f in hazards.findings if (f.revision, f.rule) == (revision, rule)
    ]
    assert (15, "upgrade") in found, [
        (f.rule, f.line) for f in hazards.findings if f.revision == revision
    ]


def test_hazard_history_has_at_least_twenty_distinct_hazards() -> None:
    assert len({rule for _, rule in expected_hazards()}) >= 20


def test_safe_patterns_report_no_warning(pg_server: Server) -> None:
    report = commands.review(PROJECTS / "safe_patterns", pg_server.url)
    loud = [
        (f.rule, f.revision, f.direction, f.message)
        for f in report.findings
        if f.severity != "info"
    ]
    assert loud == []


def test_statements_carry_measured_locks(hazards: ReviewReport) -> None:
    index_build = next(
        s for s in hazards.statements if s.sql.startswith("CREATE INDEX ix_orders_total")
    )
    assert any(lock.mode == "ShareLock" and lock.relation == "orders" for lock in index_build.locks)


def test_failing_migration_keeps_findings_so_far(pg_server: Server) -> None:
    report = commands.review(PROJECTS / "failing_migration", pg_server.url)
    assert [f.revision for f in report.failures] == ["2c3d4e5f0002"]
    assert report.revisions[0] == "2c3d4e5f0001"


def test_range_reviews_only_the_revisions_it_names(pg_server: Server) -> None:
    report = commands.review(PROJECTS / "hazards", pg_server.url, "ab0000000009:ab0000000010")
    assert report.revisions == ("ab0000000010",)
    assert {f.rule for f in report.findings if f.severity == "error"} == {"LW207"}


def lockwise(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lockwise", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )


def test_unknown_revision_in_range_is_bad_input(server_env: Server) -> None:
    done = lockwise("review", str(PROJECTS / "hazards"), "--range", "nosuchrev:")
    assert done.returncode == 2 and "nosuchrev names no revision" in done.stderr


def test_unreachable_stats_from_exits_3_without_the_password(server_env: Server) -> None:
    done = lockwise(
        "review",
        str(PROJECTS / "safe_patterns"),
        "--stats-from",
        "postgresql://bob:s3cret@127.0.0.1:1/prod",
    )
    assert done.returncode == 3 and "127.0.0.1" in done.stderr
    assert "s3cret" not in done.stdout + done.stderr


def test_two_heads_are_a_finding_for_review(pg_server: Server) -> None:
    report = commands.review(PROJECTS / "two_heads", pg_server.url)
    heads = [f for f in report.findings if f.rule == "LW410"]
    assert {f.revision for f in heads} == {"1b2c3d4e0002", "1b2c3d4e0003"}
    assert "alembic merge" in heads[0].fix and report.fails("error")


def test_stats_from_adds_production_size_and_lock_estimate(pg_server: Server) -> None:
    with scratch_database(pg_server) as production:
        with psycopg.connect(production.url, autocommit=True) as conn:
            conn.execute("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)")
            conn.execute("INSERT INTO orders SELECT g, g FROM generate_series(1, 50000) g")
            conn.execute("ANALYZE orders")
        report = commands.review(
            PROJECTS / "hazards", pg_server.url, "ab0000000009:ab0000000010", production.url
        )
    (index,) = [f for f in report.findings if f.rule == "LW207"]
    assert index.size is not None and index.size.rows == 50000
    assert index.estimated_lock_s is not None and index.severity == "error"


def test_a_validate_only_revision_is_no_missing_downgrade(pg_server: Server) -> None:
    report = commands.review(PROJECTS / "validate_only", pg_server.url)
    assert [f for f in report.findings if f.rule == "LW409"] == []


def test_a_rollback_finding_is_capped_at_warning(hazards: ReviewReport) -> None:
    rollback = [f for f in hazards.findings if f.direction == "downgrade" and f.rule == "LW207"]
    assert rollback and {f.severity for f in rollback} == {"warning"}


def test_timeouts_leave_alone_a_downgrade_that_only_drops(hazards: ReviewReport) -> None:
    drops_only = {"ab0000000008", "ab0000000009", "ab0000000010"}  # drop FK, unique, index
    flagged = {
        f.revision
        for f in hazards.findings
        if f.rule in ("LW401", "LW402") and f.direction == "downgrade"
    }
    assert flagged and not flagged & drops_only
