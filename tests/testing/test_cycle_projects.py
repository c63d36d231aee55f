"""`lockwise test` on the tiny projects of tests/projects: what the up/down/up cycle flags."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lockwise.database.server import Server

PROJECTS = Path(__file__).parents[1] / "projects"
EXAMPLE = Path(__file__).parents[2] / "examples" / "backend"

pytestmark = pytest.mark.slow


def run(project: str, fmt: str = "json") -> subprocess.CompletedProcess[str]:
    """Run the real console entry point on a project, as a user or CI would."""
    args = [sys.executable, "-m", "lockwise", "test", "--format", fmt, str(PROJECTS / project)]
    return subprocess.run(args, capture_output=True, text=True, env=os.environ.copy(), timeout=120)


def report_of(project: str) -> dict[str, Any]:
    """The JSON report of `lockwise test`, checking that the exit code agrees with it."""
    done = run(project)
    assert done.returncode in (0, 1) and done.stdout, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    assert report["ok"] is (done.returncode == 0)
    return report


def step(report: dict[str, Any], revision: str) -> dict[str, Any]:
    """The report's entry for one revision."""
    found: dict[str, Any] = next(r for r in report["revisions"] if r["revision"] == revision)
    return found


def test_clean_history_with_a_concurrent_index_passes(server_env: Server) -> None:
    report = report_of("clean_history")
    assert [r["ok"] for r in report["revisions"]] == [True, True, True]
    assert report["drift"] == {"checked": True, "ops": [], "reason": "", "error": ""}
    assert report["ok"] is True


def test_example_backend_passes_with_a_merge_and_no_drift(server_env: Server) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lockwise", "test", "--format", "json", str(EXAMPLE)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["ok"], done.stdout[-3000:]
    assert len(report["revisions"]) >= 10 and report["drift"]["checked"] is True


def test_custom_version_table_is_bookkeeping_not_a_trace(server_env: Server) -> None:
    report = report_of("custom_version_table")
    assert report["ok"] is True and report["revisions"][0]["trace"] == []


def test_async_env_over_asyncpg_passes(server_env: Server) -> None:
    report = report_of("async_env")
    assert [r["ok"] for r in report["revisions"]] == [True, True, True]
    assert report["ok"] is True


def test_index_left_by_downgrade_is_a_trace(server_env: Server) -> None:
    report = report_of("forgotten_index")
    assert step(report, "b2d4f6a80001")["ok"] is True
    assert step(report, "b2d4f6a80002")["no_trace"] == "trace"
    assert step(report, "b2d4f6a80002")["trace"] == ["index ix_orders_customer_id: added"]


def test_check_constraint_left_by_downgrade_is_a_trace(server_env: Server) -> None:
    flagged = step(report_of("forgotten_check"), "c3e5a7b90002")
    assert flagged["no_trace"] == "trace"
    assert flagged["trace"] == ["constraint ck_products_price_positive on products: added"]


def test_trigger_and_function_left_by_downgrade_are_a_trace(server_env: Server) -> None:
    flagged = step(report_of("forgotten_trigger"), "d4f6b8c00002")
    assert flagged["no_trace"] == "trace"
    assert flagged["trace"] == [
        "function touch_updated_at(): added",
        "trigger trg_documents_touch on documents: added",
    ]


def test_enum_type_left_by_drop_table_is_a_trace(server_env: Server) -> None:
    flagged = step(report_of("forgotten_enum"), "e5a7c9d10002")
    assert flagged["no_trace"] == "trace"
    assert flagged["trace"] == ["enum type ticket_status: added"]


def test_pass_downgrade_is_flagged_empty(server_env: Server) -> None:
    flagged = step(report_of("pass_downgrade"), "f6b8d0e20002")
    assert (flagged["up"], flagged["down"], flagged["ok"]) == ("ok", "empty", False)


def test_revision_after_an_empty_downgrade_is_still_checked(server_env: Server) -> None:
    after = step(report_of("pass_downgrade"), "f6b8d0e20003")
    assert (after["up"], after["down"], after["no_trace"], after["up_again"]) == ("ok",) * 4


def test_model_without_migration_is_reported_as_drift(server_env: Server) -> None:
    report = report_of("model_drift")
    assert all(r["ok"] for r in report["revisions"])
    assert report["ok"] is False
    (op,) = report["drift"]["ops"]
    assert "op.add_column" in op and "nickname" in op


def test_failing_migration_reports_revision_line_sql_and_error(server_env: Server) -> None:
    failure = step(report_of("failing_migration"), "2c3d4e5f0002")["failure"]
    assert failure == {
        "revision": "2c3d4e5f0002",
        "direction": "upgrade",
        "file": "migrations/versions/2c3d4e5f0002_add_column_to_missing_table.py",
        "line": 15,
        "sql": "ALTER TABLE missing_table ADD COLUMN size INTEGER",
        "error": 'relation "missing_table" does not exist',
    }


def test_revision_after_a_failed_one_is_not_run(server_env: Server) -> None:
    report = report_of("failing_migration")
    assert step(report, "2c3d4e5f0003")["up"] == "skipped"
    assert report["drift"] is None


def test_failing_migration_text_names_file_line_and_postgres_error(
    server_env: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # so rich does not wrap the file name
    done = run("failing_migration", fmt="text")
    assert done.returncode == 1
    assert "migrations/versions/2c3d4e5f0002_add_column_to_missing_table.py:15" in done.stdout
    assert 'PostgreSQL: relation "missing_table" does not exist' in done.stdout


def test_revision_depending_on_a_failed_one_is_not_run(server_env: Server) -> None:
    report = report_of("depends_on_failure")
    assert step(report, "3c000002")["up"] == "failed"
    assert step(report, "3c000003")["up"] == "skipped"
    assert "3c000002, which could not be reached" in step(report, "3c000003")["note"]


def test_a_validate_only_revision_needs_no_downgrade(server_env: Server) -> None:
    validated = step(report_of("validate_only"), "aa1100000002")
    assert (validated["up"], validated["ok"]) == ("ok", True)
