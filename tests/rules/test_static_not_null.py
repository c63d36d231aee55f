"""LW106 in plain SQL: SET NOT NULL after a valid CHECK (col IS NOT NULL) scans nothing."""

from __future__ import annotations

from pathlib import Path

from lockwise import commands

PROVED = (
    "ALTER TABLE orders ADD CONSTRAINT ck_total CHECK (total IS NOT NULL) NOT VALID;\n"
    "ALTER TABLE orders ALTER COLUMN total SET NOT NULL;\n"  # not proved yet: scans
    "ALTER TABLE orders VALIDATE CONSTRAINT ck_total;\n"
    "ALTER TABLE orders ALTER COLUMN total SET NOT NULL;\n"  # proved: no scan
    "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n"  # another column: scans
    "ALTER TABLE users ADD CONSTRAINT ck_email CHECK (email IS NOT NULL);\n"  # valid at once
    "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
)


def test_only_set_not_null_without_a_valid_check_is_flagged(tmp_path: Path) -> None:
    sql = tmp_path / "change.sql"
    sql.write_text(PROVED)
    lines = [f.line for f in commands.review_sql([sql]).findings if f.rule == "LW106"]
    assert lines == [2, 5]


def test_a_dropped_check_proves_nothing_any_more(tmp_path: Path) -> None:
    sql = tmp_path / "change.sql"
    sql.write_text(
        "ALTER TABLE orders ADD CONSTRAINT ck_note CHECK (note IS NOT NULL);\n"
        "ALTER TABLE orders DROP CONSTRAINT ck_note;\n"
        "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n"
    )
    lines = [f.line for f in commands.review_sql([sql]).findings if f.rule == "LW106"]
    assert lines == [3]
