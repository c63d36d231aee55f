"""LW101: a default is volatile by the catalog, in plain SQL too, and the message names it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from lockwise import commands
from lockwise.database.server import Server
from lockwise.review.examples import run_example
from lockwise.review.sqlfiles import sql_file_facts
from lockwise.rules.add_column_volatile_default import check
from lockwise.rules.base import Example


def flagged(tmp_path: Path, default: str) -> list[str]:
    sql = tmp_path / "change.sql"
    sql.write_text(f"ALTER TABLE orders ADD COLUMN c text DEFAULT {default};\n")
    return [f.message for f in commands.review_sql([sql]).findings if f.rule == "LW101"]


@pytest.mark.parametrize(
    "default", ["myfunc()", "uuid_generate_v1()", "timeofday()", "nextval('orders_seq')"]
)
def test_volatile_or_unknown_functions_are_flagged(tmp_path: Path, default: str) -> None:
    [message] = flagged(tmp_path, default)
    assert f"{default.split('(')[0]}() is " in message


@pytest.mark.parametrize(
    "default",
    ["now()", "CURRENT_TIMESTAMP", "'x'::text", "pg_catalog.now()", "lower(md5('x'))", "0"],
)
def test_stable_functions_casts_and_constants_are_not(tmp_path: Path, default: str) -> None:
    assert flagged(tmp_path, default) == []


def test_a_nested_volatile_call_is_found_and_named(tmp_path: Path) -> None:
    [message] = flagged(tmp_path, "coalesce(random()::text, md5('x'))")
    assert "random() is volatile" in message


def test_a_function_unknown_to_the_catalog_says_why_it_counts(tmp_path: Path) -> None:
    [message] = flagged(tmp_path, "uuid_generate_v1()")
    assert "no built-in function" in message and "STABLE or IMMUTABLE" in message


def test_a_schema_other_than_pg_catalog_is_not_the_built_in(tmp_path: Path) -> None:
    assert flagged(tmp_path, "app.now()")


def test_functions_declared_stable_in_the_settings_are_not_flagged(tmp_path: Path) -> None:
    sql = tmp_path / "change.sql"
    sql.write_text("ALTER TABLE orders ADD COLUMN c text DEFAULT app.code(myfunc());\n")
    facts = sql_file_facts(sql)
    declared = dataclasses.replace(facts, settings={"stable_functions": ["app.code", "myfunc"]})
    assert list(check(facts)) and not list(check(declared))


@pytest.mark.parametrize(("volatility", "expected"), [("STABLE", False), ("", True)])
def test_a_function_created_earlier_in_the_file_is_judged_by_its_declaration(
    tmp_path: Path, volatility: str, expected: bool
) -> None:
    sql = tmp_path / "change.sql"
    sql.write_text(
        f"CREATE FUNCTION app.code() RETURNS text LANGUAGE sql {volatility} AS $$ SELECT 'x' $$;\n"
        "ALTER TABLE orders ADD COLUMN c text DEFAULT code();\n"
    )
    assert bool(list(check(sql_file_facts(sql)))) is expected


def test_a_measured_rewrite_names_the_volatile_function(pg_server: Server) -> None:
    example = Example(
        setup="CREATE TABLE orders (id bigint); INSERT INTO orders VALUES (1)",
        upgrade=(
            'op.add_column("orders", sa.Column("code", sa.Text(),'
            ' server_default=sa.text("md5(random()::text)")))'
        ),
    )
    [hit] = check(run_example(pg_server, example))
    assert "random() is volatile" in hit.message
