"""Plain SQL files run as psql runs them: statement by statement, unless told otherwise."""

from __future__ import annotations

from pathlib import Path

from lockwise import commands

CONCURRENT = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_a ON accounts (email);\n"
    "DROP INDEX CONCURRENTLY IF EXISTS ix_b;\n"
    "REINDEX INDEX CONCURRENTLY ix_c;\n"
)


def rules(tmp_path: Path, text: str, single_transaction: bool = False) -> list[str]:
    sql = tmp_path / "change.sql"
    sql.write_text(text)
    report = commands.review_sql([sql], single_transaction=single_transaction)
    return [finding.rule for finding in report.findings]


def test_concurrently_in_a_plain_file_is_not_flagged(tmp_path: Path) -> None:
    assert "LW210" not in rules(tmp_path, CONCURRENT)


def test_concurrently_inside_begin_commit_is_flagged(tmp_path: Path) -> None:
    found = rules(tmp_path, f"BEGIN;\n{CONCURRENT}COMMIT;\n")
    assert found.count("LW210") == 3 and "LW407" not in found


def test_single_transaction_flags_concurrently(tmp_path: Path) -> None:
    assert rules(tmp_path, CONCURRENT, single_transaction=True).count("LW210") == 3


def test_alembic_sql_output_stamping_the_version_is_no_backfill(tmp_path: Path) -> None:
    stamped = (
        "BEGIN;\n"
        "ALTER TABLE orders ADD COLUMN note text;\n"
        "UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'b1';\n"
        "COMMIT;\n"
    )
    assert "LW403" not in rules(tmp_path, stamped)
