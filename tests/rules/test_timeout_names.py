"""LW401 and LW402 name the table a statement locks, not one of its indexes."""

from __future__ import annotations

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
