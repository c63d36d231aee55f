"""`lockwise review --fix`: the unsafe ops of named revisions, rewritten in place."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import lockwise, one_line_error, use_server

from lockwise import commands
from lockwise.database.server import Server

# What --fix writes and prints is lockwise's; each rewrite is proved clean on every
# version by tests/rewrite/test_fix_proofs.py.
pytestmark = pytest.mark.version_independent

PROJECTS = Path(__file__).parents[1] / "projects"
EXAMPLE = Path(__file__).parents[2] / "examples" / "backend"
# index, FK, CHECK, unique constraint, NOT NULL, enum value: what --fix makes safe
FIXED = {
    "ab0000000005": "LW106",
    "ab0000000007": "LW201",
    "ab0000000008": "LW202",
    "ab0000000009": "LW204",
    "ab0000000010": "LW207",
    "ab0000000018": "LW309",
}


@pytest.fixture
def hazards(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PROJECTS / "hazards", tmp_path / "hazards"))


def test_fix_without_a_range_is_refused(hazards: Path) -> None:
    message = one_line_error(lockwise("review", str(hazards), "--fix"))
    assert "give --since REV or --range A:B" in message


def test_fix_refuses_sql_files(tmp_path: Path) -> None:
    sql = tmp_path / "change.sql"
    sql.write_text("CREATE INDEX ix_a ON a (b);\n")
    message = one_line_error(lockwise("review", str(sql), "--since", "x", "--fix"))
    assert "not .sql files" in message


def test_diff_shows_the_rewrite_and_writes_nothing(server_env: Server, hazards: Path) -> None:
    before = (hazards / "migrations/versions/ab0000000010_lw207.py").read_text()
    run = lockwise("review", str(hazards), "--range", "ab0000000009:ab0000000010", "--diff")
    assert run.returncode == 1, run.stderr
    assert '-    op.create_index("ix_orders_total", "orders", ["total"])' in run.stdout
    assert (
        '+    lockwise.ops.create_index_concurrently("ix_orders_total", "orders", ["total"])'
        in run.stdout
    )
    assert (hazards / "migrations/versions/ab0000000010_lw207.py").read_text() == before


@pytest.fixture(scope="module")
def fixed(pg_server: Server, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The hazards project after one `review --fix` (the tests below only read it), and
    what that run printed."""
    hazards = Path(shutil.copytree(PROJECTS / "hazards", tmp_path_factory.mktemp("fixed") / "p"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_server(monkeypatch, pg_server)
        run = lockwise("review", str(hazards), "--since", "ab0000000004", "--fix")
    return hazards, run.stdout + run.stderr


def test_fixed_revisions_review_without_errors(server_env: Server, fixed: tuple[Path, str]) -> None:
    project, _ = fixed
    again = commands.review(project, None, "ab0000000004:")
    errors = {(f.revision, f.rule) for f in again.findings if f.severity == "error"}
    assert {(rev, rule) for rev, rule in FIXED.items()} & errors == set()
    assert not [f for f in again.findings if f.revision in FIXED and f.severity == "error"]


def test_fixed_history_passes_lockwise_test(server_env: Server, fixed: tuple[Path, str]) -> None:
    project, _ = fixed
    # Without the data checks: a fix makes a step safe to run, not valid over rows
    # that break it (the fixed SET NOT NULL still refuses the synthetic NULLs).
    assert commands.test(project, data=False).ok


def test_fix_reports_what_it_fixed_and_what_remains(fixed: tuple[Path, str]) -> None:
    _, output = fixed
    assert "fixed LW207, LW401 in" in output and "reviewing them again" in output
    assert "LW107 change-column-type-rewrite" in output  # a plan: shown, not written


def test_fix_keeps_comments_and_adds_the_import(fixed: tuple[Path, str]) -> None:
    project, _ = fixed
    source = (project / "migrations/versions/ab0000000010_lw207.py").read_text()
    assert "import lockwise.ops\n" in source
    assert '"""index orders.total' in source
    assert source.count("SET LOCAL lock_timeout") == 1  # the downgrade only drops: no LW401


def test_fixed_example_files_stay_formatted(server_env: Server, tmp_path: Path) -> None:
    project = Path(shutil.copytree(EXAMPLE, tmp_path / "backend"))
    (project / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    run = lockwise("review", str(project), "--since", "5d7f3b9a1e62", "--fix")
    assert "fixed LW401" in run.stderr, run.stderr
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "migrations/versions"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


def test_diff_goes_to_the_output_file(server_env: Server, hazards: Path, tmp_path: Path) -> None:
    written = tmp_path / "fixes.diff"
    run = lockwise(
        "review", str(hazards), "--range", "ab0000000009:ab0000000010", "--diff", "-o", str(written)
    )
    assert run.returncode == 1 and run.stdout == "", run.stderr
    assert "+    lockwise.ops.create_index_concurrently(" in written.read_text()
