"""Findings in plain .sql files get their fix as SQL, and --fix does not claim them."""

from __future__ import annotations

from pathlib import Path

from lockwise import commands
from lockwise.rewrite.as_sql import AS_ALEMBIC, OUTSIDE, as_sql

CHANGE = (
    "CREATE INDEX ix_orders_total ON orders (total);\n"
    "ALTER TABLE orders ADD CONSTRAINT uq_number UNIQUE (number);\n"
    "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n"
)


def fixes(tmp_path: Path, target_version: int = 15) -> dict[str, str]:
    sql = tmp_path / "change.sql"
    sql.write_text(CHANGE)
    report = commands.review_sql([sql], target_version)
    assert not any(finding.fixable for finding in report.findings)
    return {f.rule: f.fix for f in report.findings if f.rule in ("LW207", "LW204", "LW106")}


def test_each_fix_of_a_sql_file_is_sql(tmp_path: Path) -> None:
    assert fixes(tmp_path) == {
        "LW207": (
            f"{OUTSIDE}\nCREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_total ON orders (total);"
        ),
        "LW204": (
            f"{OUTSIDE}\n"
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_number ON orders (number);\n"
            "ALTER TABLE orders ADD CONSTRAINT uq_number UNIQUE USING INDEX uq_number;"
        ),
        "LW106": (
            f"{OUTSIDE}\n"
            "ALTER TABLE orders ADD CONSTRAINT orders_note_not_null CHECK (note IS NOT NULL)"
            " NOT VALID;\n"
            "ALTER TABLE orders VALIDATE CONSTRAINT orders_note_not_null;\n"
            "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n"
            "ALTER TABLE orders DROP CONSTRAINT orders_note_not_null;"
        ),
    }


def test_on_postgresql_18_not_null_is_added_not_valid(tmp_path: Path) -> None:
    assert fixes(tmp_path, 18)["LW106"] == (
        f"{OUTSIDE}\n"
        "ALTER TABLE orders ADD CONSTRAINT orders_note_not_null NOT NULL note NOT VALID;\n"
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_note_not_null;"
    )


def test_set_local_becomes_set_which_holds_for_the_whole_file() -> None:
    code = "op.execute(\"SET LOCAL lock_timeout = '2s'\")  # fail fast, do not queue"
    assert as_sql(code) == "SET lock_timeout = '2s';  -- fail fast, do not queue"


def test_code_with_no_sql_form_says_it_is_alembic_code() -> None:
    code = 'lockwise.ops.backfill("orders", {"token": "gen_random_uuid()"})'
    assert as_sql(code) == f"{AS_ALEMBIC}\n{code}"


def test_names_are_quoted_where_postgresql_needs_it_and_the_schema_stays_on_the_table() -> None:
    code = 'lockwise.ops.add_not_null("billing.Order", "Total")'
    assert as_sql(code).splitlines()[1] == (
        'ALTER TABLE billing."Order" ADD CONSTRAINT "Order_Total_not_null"'
        ' CHECK ("Total" IS NOT NULL) NOT VALID;'
    )


def test_a_plan_keeps_its_comment_lines_in_order() -> None:
    code = (
        "# release 1: stop reading orders.note\n"
        "# release 2:\n"
        'op.execute("ALTER TABLE orders DROP COLUMN note;")\n'
    )
    assert as_sql(code) == (
        "-- release 1: stop reading orders.note\n"
        "-- release 2:\n"
        "ALTER TABLE orders DROP COLUMN note;"
    )


def test_a_unique_constraint_with_options_gets_no_rewrite_that_would_lose_them(
    tmp_path: Path,
) -> None:
    sql = tmp_path / "change.sql"
    sql.write_text("ALTER TABLE orders ADD CONSTRAINT uq_number UNIQUE NULLS NOT DISTINCT (n);\n")
    [fix] = [f.fix for f in commands.review_sql([sql]).findings if f.rule == "LW204"]
    assert "USING INDEX" not in fix and "lockwise explain LW204" in fix
