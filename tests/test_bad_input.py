"""Bad input of every kind: exit 2 and one `lockwise: error:` line, never a traceback (70).

None of these reaches a database: each is refused while reading arguments, settings or files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import PROJECTS, Run, lockwise, one_line_error

BACKEND = Path(__file__).parents[1] / "examples" / "backend"


def refused(*args: str, cwd: Path | None = None) -> str:
    """Run lockwise on bad input; return its one-line message after checking the contract."""
    return one_line_error(lockwise(*args, cwd=cwd), exit_code=2)


def project_with_ini(tmp_path: Path, ini: bytes) -> Path:
    (tmp_path / "alembic.ini").write_bytes(ini)
    return tmp_path


@pytest.mark.parametrize("url", ["postgresql://app@localhost:abc/app", "postgresql://app@[::1/app"])
def test_a_url_that_cannot_be_parsed_is_bad_input(url: str) -> None:
    message = refused("test", str(BACKEND), "--url", url)
    assert message.startswith("not a valid PostgreSQL URL")


def test_a_file_that_is_no_ini_is_bad_input(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n")
    assert (
        refused("test", str(notes))
        == f"{notes}: not an Alembic ini (File contains no section headers)"
    )


def test_test_on_a_sql_file_points_at_review(tmp_path: Path) -> None:
    sql = tmp_path / "x.sql"
    sql.write_text("SELECT 1;\n")
    message = refused("test", str(sql))
    assert message == (
        "lockwise test runs an Alembic project, not SQL files:"
        f" lockwise review {sql} checks SQL files"
    )


def test_a_garbage_ini_is_bad_input(tmp_path: Path) -> None:
    project = project_with_ini(tmp_path, b"this is not\n an ini [[\n")
    assert "not an Alembic ini" in refused("test", str(project))


def test_an_interpolation_error_in_the_ini_is_bad_input(tmp_path: Path) -> None:
    project = project_with_ini(tmp_path, b"[alembic]\nscript_location = %(nope)s/migrations\n")
    assert "contains an interpolation key 'nope'" in refused("test", str(project))


def test_an_ini_that_is_not_utf8_is_bad_input(tmp_path: Path) -> None:
    project = project_with_ini(tmp_path, b"[alembic]\nscript_location = caf\xe9\n")
    assert refused("test", str(project)).endswith(
        "alembic.ini: not UTF-8 text, so not an Alembic ini"
    )


def test_a_row_count_that_is_no_number_is_bad_input(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECTS / "clean_history", project)
    (project / "pyproject.toml").write_text('[tool.lockwise]\nlarge_table_rows = "many"\n')
    assert "large_table_rows must be a whole number of rows, not 'many'" in refused(
        "test", str(project)
    )


def test_an_unknown_setting_names_the_nearest_known_one(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECTS / "clean_history", project)
    (project / "pyproject.toml").write_text("[tool.lockwise]\nurl_envs = ['APP_DB']\n")
    assert "unknown setting url_envs (did you mean url_env?)" in refused("review", str(project))


def test_a_binary_sql_file_is_bad_input(tmp_path: Path) -> None:
    sql = tmp_path / "dump.sql"
    sql.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff")
    assert refused("review", str(sql)) == f"{sql}: not UTF-8 text (byte 1), so not SQL"


def test_an_unterminated_quote_names_its_line(tmp_path: Path) -> None:
    sql = tmp_path / "broken.sql"
    sql.write_text("SELECT 1;\nSELECT 'oops;\n")
    assert refused("review", str(sql)) == f"{sql}:2: unterminated quoted string"


def test_non_ascii_text_keeps_statements_and_lines_apart(tmp_path: Path) -> None:
    sql = tmp_path / "0002.sql"
    sql.write_text(
        "-- café, naïve, 数据\nCREATE INDEX ix_a ON t (a); CREATE INDEX ix_b ON t (b);\n"
    )
    done = lockwise("review", str(sql), "--format", "json")
    found = [
        (f["line"], f["sql"]) for f in json.loads(done.stdout)["findings"] if f["rule"] == "LW207"
    ]
    assert found == [(2, "CREATE INDEX ix_a ON t (a)"), (2, "CREATE INDEX ix_b ON t (b)")]


def test_a_revision_file_with_nul_bytes_is_named(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECTS / "clean_history", project)
    broken = project / "migrations" / "versions" / "a1c3e5f70002_add_display_name.py"
    broken.write_bytes(broken.read_bytes() + b"\x00")
    assert refused("test", str(project)) == f"{broken}: holds NUL bytes, so it is not Python"


def test_a_target_version_below_15_is_refused(tmp_path: Path) -> None:
    sql = tmp_path / "0001.sql"
    sql.write_text("SELECT 1;\n")
    message = refused("review", str(sql), "--target-version", "14")
    assert (
        message
        == "--target-version: target_version must be a PostgreSQL major version >= 15, not 14"
    )


def test_a_config_file_that_does_not_exist_is_bad_input(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.ini"
    assert refused("test", "-c", str(missing)) == f"{missing}: no such file"


def test_an_output_file_that_cannot_be_written_is_bad_input(tmp_path: Path) -> None:
    sql = tmp_path / "0001.sql"
    sql.write_text("SELECT 1;\n")
    target = tmp_path / "no" / "such" / "folder" / "report.json"
    assert refused("review", str(sql), "--output", str(target)) == (
        f"--output {target}: no such folder {target.parent}"
    )


def test_no_bad_input_here_ends_in_an_internal_error(tmp_path: Path) -> None:
    run: Run = lockwise("review", str(tmp_path / "missing.sql"))
    assert run.returncode == 2 and "internal error" not in run.stderr


def test_a_revision_file_that_exits_when_imported_is_named(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECTS / "clean_history", project)
    exits = project / "migrations" / "versions" / "a1c3e5f70002_add_display_name.py"
    exits.write_text("import sys\n\nsys.exit(3)\n" + exits.read_text())
    assert refused("test", str(project)) == (
        f"{exits}:3: called sys.exit(3) instead of raising an error"
    )


def test_a_section_without_alembic_options_is_named() -> None:
    ini = PROJECTS / "alembic_options" / "alembic.ini"
    assert refused("test", "-c", str(ini), "-n", "nosuch") == (
        f"{ini}: no script_location in section [nosuch] of the Alembic configuration"
    )
