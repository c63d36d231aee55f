"""LW204 and LW202 on the UNIQUE and REFERENCES a new column carries: measured and in plain SQL.

These forms are not among the rules' own bad examples: `tests/rewrite/test_fix_proofs.py`
requires every bad example of LW202 and LW204 to be rewritten, and the rewriter has no
safe form for a constraint added with its column yet.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from alembic.operations.ops import AddColumnOp

from lockwise.review.examples import ExampleRunner
from lockwise.review.sqlfiles import sql_file_facts
from lockwise.rules import BY_ID
from lockwise.rules.base import Example

SETUP = (
    "CREATE TABLE customers (id bigint PRIMARY KEY); INSERT INTO customers VALUES (1);"
    " CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);"
    " INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g"
)
# op.add_column(..., inline_references=True) writes REFERENCES into ADD COLUMN itself
INLINE_REFERENCES = "inline_references" in inspect.signature(AddColumnOp.add_column).parameters
BUYER = 'sa.Column("buyer_id", sa.BigInteger(), sa.ForeignKey("customers.id")'


def measured(examples: ExampleRunner, rule: str, upgrade: str) -> list[str]:
    """The messages `rule` gives for `upgrade`, run on the server after SETUP."""
    facts = examples.run(Example(setup=SETUP, upgrade=upgrade))
    return [hit.message for hit in BY_ID[rule].check(facts)]


def static(tmp_path: Path, rule: str, sql: str) -> list[str]:
    """The messages `rule` gives for a plain SQL file, reviewed without a server."""
    path = tmp_path / "change.sql"
    path.write_text(sql)
    return [hit.message for hit in BY_ID[rule].check(sql_file_facts(path))]


@pytest.mark.parametrize(
    ("upgrade", "said"),
    [
        (  # Alembic adds the column, then ADD UNIQUE (code)
            'op.add_column("orders", sa.Column("code", sa.Text(), unique=True))',
            "ADD CONSTRAINT ... UNIQUE (code) builds its index on orders under ACCESS EXCLUSIVE",
        ),
        (
            'op.execute("ALTER TABLE orders ADD COLUMN code text UNIQUE")',
            "ADD COLUMN code ... UNIQUE builds a unique index of code on orders",
        ),
    ],
)
def test_a_new_columns_unique_on_an_existing_table_is_flagged_by_its_name(
    examples: ExampleRunner, upgrade: str, said: str
) -> None:
    [message] = measured(examples, "LW204", upgrade)
    assert message.startswith(said)


@pytest.mark.parametrize(
    "upgrade",
    [
        f'op.add_column("orders", {BUYER}))',
        pytest.param(
            f'op.add_column("orders", {BUYER}, server_default="1"), inline_references=True)',
            marks=pytest.mark.skipif(
                not INLINE_REFERENCES,
                reason="this Alembic has no inline_references (1.16.0 has not)",
            ),
        ),
        'op.execute("ALTER TABLE orders ADD COLUMN buyer_id bigint DEFAULT 1'
        ' REFERENCES customers (id)")',
    ],
)
def test_a_new_columns_checked_foreign_key_is_flagged_by_its_name(
    examples: ExampleRunner, upgrade: str
) -> None:
    [message] = measured(examples, "LW202", upgrade)
    assert "buyer_id" in message and "customers" in message


def test_a_new_all_null_columns_references_is_not_flagged(examples: ExampleRunner) -> None:
    upgrade = f'op.add_column("orders", {BUYER}), inline_references=True)'
    assert measured(examples, "LW202", upgrade) == []


def test_plain_sql_new_columns_unique_is_flagged(tmp_path: Path) -> None:
    [message] = static(tmp_path, "LW204", "ALTER TABLE orders ADD COLUMN code text UNIQUE;")
    assert message.startswith("ADD COLUMN code ... UNIQUE builds a unique index of code on orders")


def test_plain_sql_new_columns_unique_on_a_table_made_earlier_is_not(tmp_path: Path) -> None:
    sql = "CREATE TABLE orders (id bigint);\nALTER TABLE orders ADD COLUMN code text UNIQUE;"
    assert static(tmp_path, "LW204", sql) == []


@pytest.mark.parametrize(
    ("column", "flagged"),
    [
        ("buyer_id bigint DEFAULT 1 REFERENCES customers (id)", True),
        ("buyer_id bigint REFERENCES customers (id)", False),
        ("buyer_id bigint DEFAULT NULL REFERENCES customers (id)", False),
    ],
)
def test_plain_sql_new_columns_references_is_flagged_when_rows_get_a_value(
    tmp_path: Path, column: str, flagged: bool
) -> None:
    messages = static(tmp_path, "LW202", f"ALTER TABLE orders ADD COLUMN {column};")
    assert bool(messages) == flagged
    assert all(m.startswith("ADD COLUMN buyer_id ... REFERENCES customers") for m in messages)


def test_plain_sql_new_columns_references_on_a_table_made_earlier_is_not(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE orders (id bigint);\n"
        "ALTER TABLE orders ADD COLUMN buyer_id bigint DEFAULT 1 REFERENCES customers (id);"
    )
    assert static(tmp_path, "LW202", sql) == []
