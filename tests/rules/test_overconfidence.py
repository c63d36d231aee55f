"""LW105 and LW307 stand down only where the data really is handled, in plain SQL too."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockwise import commands


def rules(tmp_path: Path, text: str) -> list[str]:
    sql = tmp_path / "change.sql"
    sql.write_text(text)
    return [finding.rule for finding in commands.review_sql([sql]).findings]


ADD = "ALTER TABLE orders ADD COLUMN status text NOT NULL;\n"


@pytest.mark.parametrize(
    ("before", "flagged"),
    [
        ("TRUNCATE orders;\n", False),
        ("DELETE FROM orders;\n", False),
        ("DELETE FROM orders WHERE id < 10;\n", True),
        ("DELETE FROM orders;\nINSERT INTO orders SELECT * FROM orders_archive;\n", True),
        ("TRUNCATE orders;\nCOMMIT;\nBEGIN;\n", True),  # emptied in another transaction
    ],
)
def test_lw105_stands_down_only_on_a_table_the_transaction_emptied(
    tmp_path: Path, before: str, flagged: bool
) -> None:
    found = rules(tmp_path, f"BEGIN;\n{before}{ADD}COMMIT;\n")
    assert ("LW105" in found) is flagged


@pytest.mark.parametrize(
    ("copy", "flagged"),
    [
        ("INSERT INTO item_prices SELECT id, price FROM items;\n", False),
        ("UPDATE items SET amount = price;\n", False),
        ("UPDATE items SET amount = 0 WHERE price IS NULL;\n", True),  # price only filtered on
        ("", True),
    ],
)
def test_lw307_stands_down_only_when_the_dropped_values_were_copied(
    tmp_path: Path, copy: str, flagged: bool
) -> None:
    text = (
        "ALTER TABLE items ADD COLUMN amount numeric;\n"
        f"{copy}"
        "ALTER TABLE items DROP COLUMN price;\n"
    )
    assert ("LW307" in rules(tmp_path, text)) is flagged
