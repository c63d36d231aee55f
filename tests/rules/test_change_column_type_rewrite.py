"""LW107 on plain SQL: a type change judged from the column's type defined earlier in the file.

Each judgement is checked against what PostgreSQL does: the same change is run on the
server and its `relfilenode` compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from lockwise import commands
from lockwise.database.scratch import create_database, drop_database
from lockwise.database.server import Server
from lockwise.review.findings import Finding


def findings(tmp_path: Path, text: str, rule: str = "LW107") -> list[Finding]:
    sql = tmp_path / "change.sql"
    sql.write_text(text)
    return [f for f in commands.review_sql([sql]).findings if f.rule == rule]


def retype(old: str, new: str) -> str:
    """A column of type `old` added to an existing table, then changed to `new`."""
    return (
        f"ALTER TABLE orders ADD COLUMN c {old};\nALTER TABLE orders ALTER COLUMN c TYPE {new};\n"
    )


def test_varchar_to_text_after_the_column_is_defined_is_no_rewrite(tmp_path: Path) -> None:
    assert findings(tmp_path, retype("varchar(10)", "text")) == []


def test_int_to_bigint_is_a_rewrite_that_says_why(tmp_path: Path) -> None:
    [found] = findings(tmp_path, retype("integer", "bigint"))
    assert found.line == 2
    assert "rewrites orders" in found.message and "from integer, every row's value" in found.message


def test_an_unknown_old_type_is_flagged_with_what_the_answer_depends_on(tmp_path: Path) -> None:
    [found] = findings(tmp_path, "ALTER TABLE orders ALTER COLUMN note TYPE text;\n")
    assert "this file does not define the type note has now" in found.message
    assert "Unless it is text already or binary-coercible to it" in found.message


def test_timestamp_to_timestamptz_stays_flagged_for_the_time_zone(tmp_path: Path) -> None:
    [found] = findings(tmp_path, retype("timestamp", "timestamptz"))
    assert "only while the session's TimeZone is UTC" in found.message


def test_a_using_expression_is_a_rewrite(tmp_path: Path) -> None:
    text = retype("varchar(10)", "text").replace("TYPE text", "TYPE text USING lower(c)")
    [found] = findings(tmp_path, text)
    assert "USING expression computes every row's new value" in found.message


def test_a_using_clause_that_only_casts_the_column_is_judged_as_the_cast(tmp_path: Path) -> None:
    text = retype("varchar(10)", "text").replace("TYPE text", "TYPE text USING c::text")
    assert findings(tmp_path, text) == []


def test_the_type_set_by_an_earlier_change_is_the_old_type(tmp_path: Path) -> None:
    text = retype("varchar(10)", "varchar(20)") + "ALTER TABLE orders ALTER COLUMN c TYPE int8;\n"
    assert [f.line for f in findings(tmp_path, text)] == [3]


def test_a_dropped_or_renamed_column_has_no_known_type(tmp_path: Path) -> None:
    text = (
        "ALTER TABLE orders ADD COLUMN c varchar(10);\n"
        "ALTER TABLE orders RENAME COLUMN c TO d;\n"
        "ALTER TABLE orders RENAME COLUMN b TO c;\n"
        "ALTER TABLE orders ALTER COLUMN c TYPE text;\n"
    )
    [found] = findings(tmp_path, text)
    assert "does not define the type c has now" in found.message


# (old type, new type, what PostgreSQL does); the session's TimeZone is not UTC.
CASES = [
    ("varchar(10)", "text", False),
    ("varchar(10)", "varchar(20)", False),
    ("varchar(10)", "varchar", False),
    ("varchar(20)", "varchar(10)", True),
    ("varchar", "varchar(10)", True),
    ("text", "varchar", False),
    ("text", "varchar(10)", True),
    ("text", "bpchar", False),
    ("text", "char(10)", True),
    ("bpchar(10)", "bpchar", False),
    ("char(10)", "char(20)", True),
    ("char(10)", "text", True),
    ("numeric(10, 2)", "numeric(12, 2)", False),
    ("numeric(10, 2)", "numeric", False),
    ("numeric(10, 2)", "numeric(12, 3)", True),
    ("numeric(10)", "numeric(12, 0)", False),
    ("numeric", "numeric(10, 2)", True),
    ("bit varying(4)", "bit varying(8)", False),
    ("bit(4)", "bit varying", False),
    ("bit(4)", "bit(8)", True),
    ("bit varying", "bit", True),
    ("timestamp", "timestamptz", True),
    ("timestamptz", "timestamp", True),
    ("timestamp(3)", "timestamp(6)", False),
    ("timestamp", "timestamp(3)", True),
    ("time(3)", "time(5)", False),
    ("interval(3)", "interval", False),
    ("interval(3)", "interval(5)", False),
    ("interval day", "interval", False),
    ("cidr", "inet", False),
    ("inet", "cidr", True),
    ("xml", "text", False),
    ("int", "bigint", True),
    ("bigserial", "int", True),
    ("int[]", "bigint[]", True),
    ("varchar(10)[]", "text[]", True),
    ("real", "double precision", True),
    ("json", "jsonb", True),
    ("text", "citext", False),
    ("citext", "varchar", False),
]


@pytest.fixture(scope="module")
def db(pg_server: Server) -> Iterator[psycopg.Connection[Any]]:
    database = create_database(pg_server)
    try:
        with psycopg.connect(pg_server.url_for(database.name), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION citext; SET TimeZone = 'Europe/Paris'")
            yield conn
    finally:
        drop_database(pg_server, database.name)


def rewrites_on_the_server(conn: psycopg.Connection[Any], old: str, new: str) -> bool:
    conn.execute(f"DROP TABLE IF EXISTS orders; CREATE TABLE orders (c {old})")
    conn.execute("INSERT INTO orders DEFAULT VALUES")
    query = "SELECT relfilenode FROM pg_class WHERE relname = 'orders'"
    before = conn.execute(query).fetchone()
    conn.execute(f"ALTER TABLE orders ALTER COLUMN c TYPE {new}")
    return before != conn.execute(query).fetchone()


@pytest.mark.parametrize(("old", "new", "rewrites"), CASES, ids=lambda case: str(case))
def test_static_judgement_matches_the_server(
    db: psycopg.Connection[Any], tmp_path: Path, old: str, new: str, rewrites: bool
) -> None:
    assert rewrites_on_the_server(db, old, new) is rewrites
    assert bool(findings(tmp_path, retype(old, new))) is rewrites
