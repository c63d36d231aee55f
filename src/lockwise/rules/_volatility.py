"""Which functions an expression calls that may be volatile, by PostgreSQL's own catalog.

A function is volatile unless the catalog says otherwise (`_pg_volatility`, generated
from `pg_proc.provolatile`) or the project declares it stable. So a function lockwise
cannot see, user-defined or from an extension (`uuid_generate_v1()`), counts as volatile:
PostgreSQL itself makes every new function volatile unless it is declared otherwise.
https://www.postgresql.org/docs/current/xfunc-volatility.html
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from pglast import ast

from lockwise.rules._pg_volatility import IMMUTABLE, STABLE, VOLATILE
from lockwise.rules.base import RevisionFacts

_NON_VOLATILE = IMMUTABLE | STABLE


def volatile_calls(expression: object, stable: Collection[str] = ()) -> list[str]:
    """The functions `expression` calls, nested calls too, that may be volatile.

    Casts, constants and SQL's own value keywords (`CURRENT_TIMESTAMP`) call nothing
    volatile. Names come as written, schema included, in the order they are written.

    Args:
        expression: A parse tree (pglast), e.g. a column DEFAULT's `raw_expr`.
        stable: Functions the project declares immutable or stable (`myschema.myfunc`
            or `myfunc`); a declared name without a schema matches in any schema.
    """
    found = [name for name in _called(expression) if not _non_volatile(name, stable)]
    return [".".join(name) for name in dict.fromkeys(found)]


def why_volatile(name: str) -> str:
    """Why the function `name` (as `volatile_calls` gives it) counts as volatile, in words."""
    if _builtin(tuple(name.split("."))) in VOLATILE:
        return f"{name}() is volatile"
    return (
        f"{name}() is no built-in function, and PostgreSQL makes a function volatile unless "
        "it is declared STABLE or IMMUTABLE"
    )


def made_stable(facts: RevisionFacts, before: int) -> list[str]:
    """Functions a CREATE FUNCTION before statement `before` declares STABLE or IMMUTABLE.

    The last CREATE [OR REPLACE] of a name before it counts; one without a volatility
    clause makes the function volatile.
    """
    latest: dict[str, bool] = {}
    for statement, node in facts.of_type(ast.CreateFunctionStmt):
        if statement.index < before:
            name = ".".join(str(part.sval) for part in node.funcname or ())
            latest[name] = _declared(node) in ("stable", "immutable")
    return [name for name, stable in latest.items() if stable]


def _declared(node: ast.CreateFunctionStmt) -> str:
    for option in node.options or ():
        if isinstance(option, ast.DefElem) and option.defname == "volatility":
            return str(getattr(option.arg, "sval", ""))
    return "volatile"


def called(expression: object) -> list[str]:
    """Every function `expression` calls, nested calls too, as written."""
    return [".".join(name) for name in dict.fromkeys(_called(expression))]


def _called(node: Any) -> Iterator[tuple[str, ...]]:
    if isinstance(node, ast.FuncCall) and node.funcname:
        yield tuple(str(part.sval) for part in node.funcname)
    if isinstance(node, ast.Node):
        node = tuple(getattr(node, member) for member in node)
    for child in node if isinstance(node, tuple) else ():
        yield from _called(child)


def _non_volatile(name: tuple[str, ...], stable: Collection[str]) -> bool:
    """A built-in the catalog knows as immutable or stable, or a function declared stable.

    An unqualified name resolves in `pg_catalog` first, as PostgreSQL resolves it.
    """
    if _builtin(name) in _NON_VOLATILE:
        return True
    return any(_matches(name, tuple(declared.split("."))) for declared in stable)


def _builtin(name: tuple[str, ...]) -> str:
    """The built-in function a name can mean: unqualified or in `pg_catalog`, else ""."""
    return name[-1] if len(name) == 1 or name[:-1] == ("pg_catalog",) else ""


def _matches(name: tuple[str, ...], declared: tuple[str, ...]) -> bool:
    """`myschema.myfunc` matches a call to `myschema.myfunc()` or `myfunc()` (search_path)."""
    if len(name) == 1 or len(declared) == 1:
        return name[-1] == declared[-1]
    return name == declared
