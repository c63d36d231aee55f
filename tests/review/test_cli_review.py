"""`lockwise review` as users run it: formats, plain SQL, ignores, bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lockwise.database.server import Server

# Formats, ignores and bad input are lockwise's own; what review measures is checked on
# every version in tests/rules/ and tests/review/test_review_projects.py.
pytestmark = pytest.mark.version_independent

PROJECTS = Path(__file__).parents[1] / "projects"
REPOSITORY = Path(__file__).parents[2]
DOWNGRADE_LINE = 18  # of pass_downgrade's second revision


def lockwise(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lockwise", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
        cwd=cwd,
    )


def test_plain_sql_is_reviewed_without_a_database(tmp_path: Path) -> None:
    sql = tmp_path / "0001.sql"
    sql.write_text("-- add an index\nCREATE INDEX ix_orders_total ON orders (total);\n")
    done = lockwise("review", str(sql), "--format", "json")
    findings = json.loads(done.stdout)["findings"]
    assert done.returncode == 1
    errors = [(f["rule"], f["line"], f["measured"]) for f in findings if f["severity"] == "error"]
    assert errors == [("LW207", 2, False)]


def test_ignore_comment_silences_its_finding_and_a_stale_one_is_reported(
    server_env: Server,
) -> None:
    done = lockwise("review", str(PROJECTS / "ignores"), "--format", "json")
    found = [(f["rule"], f["line"]) for f in json.loads(done.stdout)["findings"]]
    assert ("LW207", 13) not in found
    assert ("LW001", 14) in found


NOTE_REVISION = "migrations/versions/1900aa000003_add_orders_note.py"


def monorepo(tmp_path: Path) -> Path:
    """A repository (it has a `.git`) holding the `ignores` project in services/db."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(PROJECTS / "ignores", tmp_path / "services" / "db")
    return tmp_path


def test_github_format_prints_workflow_annotations(server_env: Server) -> None:
    done = lockwise("review", str(PROJECTS / "ignores"), "--format", "github", cwd=REPOSITORY)
    assert f"::warning file=tests/projects/ignores/{NOTE_REVISION},line=14" in done.stdout


def test_github_names_files_from_the_repository_root_run_from_a_subfolder(
    server_env: Server, tmp_path: Path
) -> None:
    root = monorepo(tmp_path)
    done = lockwise("review", "db", "--format", "github", cwd=root / "services")
    assert f"::warning file=services/db/{NOTE_REVISION},line=14," in done.stdout


def test_sarif_names_files_from_the_declared_repository_root(
    server_env: Server, tmp_path: Path
) -> None:
    root = monorepo(tmp_path)
    done = lockwise("review", ".", "--format", "sarif", cwd=root / "services" / "db")
    (run,) = json.loads(done.stdout)["runs"]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": f"{root.as_uri()}/"}}
    artifacts = [
        where["physicalLocation"]["artifactLocation"]
        for result in run["results"]
        for where in result["locations"]
    ]
    assert {"uri": f"services/db/{NOTE_REVISION}", "uriBaseId": "%SRCROOT%"} in artifacts


def test_github_names_sql_files_from_the_working_folder_outside_git(tmp_path: Path) -> None:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "0001.sql").write_text("CREATE INDEX ix ON orders (total);\n")
    done = lockwise("review", "sql/0001.sql", "--format", "github", cwd=tmp_path)
    assert done.stdout.startswith("::error file=sql/0001.sql,line=1,title=LW207 ")


def test_unknown_rule_in_an_ignore_comment_is_bad_input(server_env: Server) -> None:
    done = lockwise("review", str(PROJECTS / "bad_ignore"))
    assert done.returncode == 2
    assert "1900aa000003_add_orders_note.py:14: unknown rule LW999" in done.stderr


def test_unknown_rule_in_config_is_bad_input(server_env: Server) -> None:
    done = lockwise("review", str(PROJECTS / "bad_config"))
    assert done.returncode == 2 and "unknown rule LW999" in done.stderr


def test_fail_on_never_exits_0_with_findings(tmp_path: Path) -> None:
    sql = tmp_path / "a.sql"
    sql.write_text("CREATE INDEX ix ON orders (total);\n")
    assert lockwise("review", str(sql), "--fail-on", "never").returncode == 0


def test_explain_prints_the_rule_page() -> None:
    done = lockwise("explain", "LW207")
    assert done.returncode == 0 and "index-not-concurrent" in done.stdout


def test_explain_unknown_rule_is_bad_input() -> None:
    done = lockwise("explain", "LW999")
    assert done.returncode == 2 and done.stderr.startswith("lockwise: error: unknown rule")


def test_a_statement_the_parser_rejects_is_unanalysable_not_fatal(tmp_path: Path) -> None:
    sql = tmp_path / "0002.sql"
    sql.write_text("-- typo\nSELEC broken(;\nCREATE INDEX ix ON orders (total);\n")
    done = lockwise("review", str(sql), "--format", "json")
    found = {(f["rule"], f["line"]) for f in json.loads(done.stdout)["findings"]}
    assert {("LW404", 2), ("LW207", 3)} <= found


def test_a_range_that_selects_nothing_is_bad_input(server_env: Server) -> None:
    done = lockwise("review", str(PROJECTS / "ignores"), "--range", "1900aa000003:1900aa000001")
    assert done.returncode == 2 and "selects no revision" in done.stderr


def test_sql_files_and_a_project_together_are_bad_input(tmp_path: Path) -> None:
    sql = tmp_path / "a.sql"
    sql.write_text("SELECT 1;\n")
    done = lockwise("review", str(sql), str(PROJECTS / "ignores"))
    assert done.returncode == 2 and "not a mix" in done.stderr


def test_missing_downgrade_points_at_def_downgrade(server_env: Server) -> None:
    done = lockwise("review", str(PROJECTS / "pass_downgrade"), "--format", "json")
    found = [
        (f["revision"], f["line"])
        for f in json.loads(done.stdout)["findings"]
        if f["rule"] == "LW409"
    ]
    assert found == [("f6b8d0e20002", DOWNGRADE_LINE)]
