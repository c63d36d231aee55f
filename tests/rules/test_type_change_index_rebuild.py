"""LW108 and LW107 on plain SQL: one finding per type change, never saying opposite things."""

from __future__ import annotations

from pathlib import Path

from lockwise import commands

ADD_EMAIL = "ALTER TABLE orders ADD COLUMN email varchar(100);\n"


def rules_and_messages(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    sql = tmp_path / "change.sql"
    sql.write_text(text)
    found = commands.review_sql([sql]).findings
    return [(f.rule, f.message) for f in found if f.rule in ("LW107", "LW108")]


def test_a_new_collation_that_keeps_the_rows_is_lw108s_alone(tmp_path: Path) -> None:
    change = 'ALTER TABLE orders ALTER COLUMN email TYPE text COLLATE "C";\n'
    [(rule, message)] = rules_and_messages(tmp_path, ADD_EMAIL + change)
    assert rule == "LW108" and "keeps the rows of orders" in message


def test_citext_from_an_unknown_type_is_lw107s_hedge_naming_the_rebuild(tmp_path: Path) -> None:
    change = "ALTER TABLE orders ALTER COLUMN email TYPE citext;\n"
    [(rule, message)] = rules_and_messages(tmp_path, change)
    assert rule == "LW107" and "does not define the type email has now" in message
    assert "rebuilds the indexes on email" in message


def test_a_new_collation_on_a_rewrite_is_lw107s_alone(tmp_path: Path) -> None:
    change = 'ALTER TABLE orders ALTER COLUMN email TYPE char(100) COLLATE "C";\n'
    [(rule, message)] = rules_and_messages(tmp_path, ADD_EMAIL + change)
    assert rule == "LW107" and "rewrites orders" in message
