"""`lockwise review FILE.sql` reads `[tool.lockwise]` from the working folder's pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from support import lockwise

DEFAULT = "ALTER TABLE orders ADD COLUMN code text DEFAULT app.code();\n"  # LW101 unless stable


def test_the_working_folders_settings_apply_to_sql_files(tmp_path: Path) -> None:
    (tmp_path / "change.sql").write_text(DEFAULT)
    before = lockwise("review", "change.sql", "--format", "github", cwd=tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.lockwise]\nstable_functions = ["app.code"]\ndisable = ["LW401", "LW402"]\n'
    )
    after = lockwise("review", "change.sql", "--format", "github", cwd=tmp_path)
    assert before.returncode == 1 and "LW101" in before.stdout
    assert (after.returncode, after.stdout) == (0, "")


def test_a_bad_setting_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "change.sql").write_text(DEFAULT)
    (tmp_path / "pyproject.toml").write_text('[tool.lockwise]\nstable_functions = "app.code"\n')
    done = lockwise("review", "change.sql", cwd=tmp_path)
    assert done.returncode == 2 and "stable_functions must be a list" in done.stderr
    assert "Traceback" not in done.stderr
