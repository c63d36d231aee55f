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


def test_each_backfill_after_a_lock_on_an_existing_table_is_flagged(tmp_path: Path) -> None:
    text = (
        "BEGIN;\n"
        "CREATE TABLE notes (id bigint PRIMARY KEY, body text);\n"
        "ALTER TABLE notes ADD COLUMN title text;\n"
        "UPDATE notes SET title = '';\n"  # notes is new: its lock blocks nobody
        "ALTER TABLE orders ADD COLUMN note text;\n"
        "UPDATE orders SET note = '';\n"
        "UPDATE notes SET body = '';\n"  # still inside the lock on orders
        "COMMIT;\n"
        "UPDATE orders SET note = 'x';\n"  # its own transaction: nothing held
    )
    sql = tmp_path / "change.sql"
    sql.write_text(text)
    lines = [f.line for f in commands.review_sql([sql]).findings if f.rule == "LW403"]
    assert lines == [6, 7]


def test_findings_of_a_file_come_in_line_order(tmp_path: Path) -> None:
    sql = tmp_path / "change.sql"
    sql.write_text(
        "ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n"  # LW107
        "CREATE INDEX ix_orders_note ON orders (note);\n"  # LW207
        "ALTER TABLE orders ADD COLUMN code integer DEFAULT 0 NOT NULL;\n"
    )
    lines = [finding.line or 0 for finding in commands.review_sql([sql]).findings]
    assert lines == sorted(lines) and lines[0] == 1 and 2 in lines
