"""The shipped volatility of built-in functions is the server's, and reads as the catalog does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pglast
from pglast import ast

from lockwise.database.server import Server, open_server
from lockwise.database.volatility import builtin_volatility
from lockwise.rules import _pg_volatility as shipped
from lockwise.rules._volatility import volatile_calls

SCRIPT = Path(__file__).parents[2] / "scripts" / "volatility.py"
REGENERATE = "rules/_pg_volatility.py is stale: run `python scripts/volatility.py`"


def default(expression: str) -> object:
    select = pglast.parse_sql(f"SELECT {expression}")[0].stmt
    assert isinstance(select, ast.SelectStmt) and select.targetList
    return select.targetList[0].val


def test_shipped_names_are_the_embedded_servers_catalog() -> None:
    with open_server(None).connect() as conn:
        live = builtin_volatility(conn)
    assert live.postgres == shipped.POSTGRES, REGENERATE
    assert shipped.IMMUTABLE ^ live.immutable == set(), REGENERATE
    assert shipped.STABLE ^ live.stable == set(), REGENERATE
    assert shipped.VOLATILE ^ live.volatile == set(), REGENERATE


def test_the_script_reproduces_the_shipped_file() -> None:
    run = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_no_name_shipped_as_non_volatile_is_volatile_on_any_tested_server(
    pg_server: Server,
) -> None:
    with pg_server.connect() as conn:
        live = builtin_volatility(conn)
    assert (shipped.IMMUTABLE | shipped.STABLE) & live.volatile == set()


def test_nested_calls_are_found_in_the_order_written() -> None:
    assert volatile_calls(default("coalesce(random(), 1) + nextval('s')")) == ["random", "nextval"]


def test_casts_constants_and_sql_value_keywords_call_nothing_volatile() -> None:
    assert volatile_calls(default("'0'::int + extract(epoch FROM CURRENT_TIMESTAMP)")) == []


def test_a_declared_name_matches_with_or_without_its_schema() -> None:
    declared = ["app.code"]
    assert volatile_calls(default("app.code() || code()"), declared) == []
    assert volatile_calls(default("other.code()"), declared) == ["other.code"]
