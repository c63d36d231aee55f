"""LW401 and LW402 name the table a statement locks, not one of its indexes."""

from __future__ import annotations

from pathlib import Path

from lockwise import commands
from lockwise.database.server import Server
from lockwise.review.examples import run_example
from lockwise.rules.base import Example
from lockwise.rules.missing_lock_timeout import check

RETYPE = Example(
    setup="CREATE TABLE users (id int CONSTRAINT pk_users PRIMARY KEY, email text)",
    upgrade='op.alter_column("users", "id", type_=sa.BigInteger(), existing_type=sa.Integer())',
)


def test_a_retyped_key_column_names_the_table(pg_server: Server) -> None:
    messages = [hit.message for hit in check(run_example(pg_server, RETYPE))]
    assert messages and all(" users" in m and "pk_users" not in m for m in messages), messages


def test_static_review_states_each_statements_documented_lock(tmp_path: Path) -> None:
    sql = tmp_path / "change.sql"
    sql.write_text(
        "ALTER TABLE orders VALIDATE CONSTRAINT ck_total;\n"  # writes go on: no LW401
        "ALTER TABLE orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id)"
        " REFERENCES users (id) NOT VALID;\n"
        "ALTER TABLE orders ADD COLUMN note text;\n"
    )
    found = [f for f in commands.review_sql([sql]).findings if f.rule == "LW401"]
    assert [(f.line, f.message.split(" with ")[0]) for f in found] == [
        (2, "ALTER TABLE takes SHARE ROW EXCLUSIVE on orders"),
        (3, "ALTER TABLE takes ACCESS EXCLUSIVE on orders"),
    ]
