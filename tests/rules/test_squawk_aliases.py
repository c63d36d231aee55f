"""A rule that names a squawk rule as its equivalent flags what that squawk rule flags.

Each statement is from the squawk rule's own tests; lockwise reviews it as plain SQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lockwise.review.sqlfiles import sql_file_facts
from lockwise.rules import RULES

SQUAWK = {
    "ban-drop-column": 'ALTER TABLE "bar_tbl" DROP COLUMN "foo_col" CASCADE',
    "ban-drop-table": 'DROP TABLE IF EXISTS "table_name"',
    "ban-drop-database": 'DROP DATABASE IF EXISTS "table_name"',
    "ban-drop-not-null": 'ALTER TABLE "bar_tbl" ALTER COLUMN "foo_col" DROP NOT NULL',
    "ban-alter-domain-with-add-constraint": (
        "ALTER DOMAIN domain_name ADD CONSTRAINT constraint_name CHECK (value > 0)"
    ),
    "ban-drop-generated-expression": "ALTER TABLE t ALTER COLUMN c DROP EXPRESSION",
    "ban-alter-identity": "ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY",
    "ban-drop-schema": "DROP SCHEMA IF EXISTS billing",
    "ban-drop-view": "DROP VIEW IF EXISTS order_totals",
    "ban-drop-function": "DROP FUNCTION IF EXISTS order_total(bigint)",
    "ban-drop-type": "DROP TYPE IF EXISTS order_status",
    "ban-drop-domain": "DROP DOMAIN IF EXISTS positive_int",
    "ban-drop-sequence": "DROP SEQUENCE IF EXISTS orders_id_seq",
    "ban-drop-extension": "DROP EXTENSION IF EXISTS pg_trgm",
    "ban-set-schema": "ALTER TABLE orders SET SCHEMA billing",
    "prefer-bigint-over-smallint": "CREATE TABLE items (id smallint PRIMARY KEY)",
}


@pytest.mark.parametrize(("squawk", "sql"), SQUAWK.items())
def test_the_rule_aliased_to_a_squawk_rule_flags_its_example(
    tmp_path: Path, squawk: str, sql: str
) -> None:
    [rule] = [rule for rule in RULES if squawk in rule.aliases.get("squawk", "").split(", ")]
    path = tmp_path / "change.sql"
    path.write_text(f"{sql};\n")
    assert list(rule.check(sql_file_facts(path))), rule.id
