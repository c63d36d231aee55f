"""A fix for a plain .sql file: the same safe sequence, written as SQL.

The rewriter writes Alembic code. A finding in a `.sql` file (reviewed statically, run
by psql) gets that code turned into the statements it runs: `op.execute("...")` is its
SQL; an autocommit block is what psql does anyway, outside BEGIN ... COMMIT; SET LOCAL
becomes SET, since outside a transaction block SET LOCAL does nothing; and the
`lockwise.ops` helpers a static fix uses become their statements. Code it cannot turn
into SQL stays Alembic code, said to be so.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator

from pglast.keywords import RESERVED_KEYWORDS

OUTSIDE = "-- outside BEGIN ... COMMIT (psql runs each statement in its own transaction):"
AS_ALEMBIC = "-- as an Alembic migration writes it (no SQL form here):"


def as_sql(code: str, target_version: int = 15) -> str:
    """The fix `code` as SQL statements, or as the Alembic code under a comment saying so."""
    try:
        tree = ast.parse(code)
        comments = _comments(code)
        placed = list(_statements(tree.body, comments, target_version))
    except (SyntaxError, tokenize.TokenError, _NotSql):
        return "\n".join([AS_ALEMBIC, code])
    source = code.splitlines()
    alone = [(n, f"-- {c}") for n, c in comments.items() if source[n - 1].lstrip().startswith("#")]
    lines = [text for _, text in sorted(placed + alone, key=lambda item: item[0])]
    return "\n".join(text for i, text in enumerate(lines) if i == 0 or text != lines[i - 1])


class _NotSql(Exception):
    """A statement of the fix has no SQL form here."""


def _statements(
    body: list[ast.stmt], comments: dict[int, str], version: int
) -> Iterator[tuple[int, str]]:
    """Each statement's SQL lines, with the line of the code they come from."""
    for node in body:
        if isinstance(node, ast.With) and "autocommit_block" in ast.unparse(node.items[0]):
            yield node.lineno, OUTSIDE
            yield from _statements(node.body, comments, version)
            continue
        call = node.value if isinstance(node, ast.Expr) else None
        if not isinstance(call, ast.Call):
            raise _NotSql
        for sql in _sql_of(ast.unparse(call.func), _literals(call), version):
            comment = comments.get(node.lineno, "") if sql != OUTSIDE else ""
            ending = "" if sql == OUTSIDE else ";"
            yield node.lineno, f"{sql}{ending}" + (f"  -- {comment}" if comment else "")


def _sql_of(function: str, args: list[object], version: int) -> list[str]:
    if function == "op.execute" and len(args) == 1 and isinstance(args[0], str):
        sql = args[0].strip().rstrip(";")
        local = re.match(r"(?i)set\s+local\s+", sql)
        return [f"SET {sql[local.end() :]}" if local else sql]
    if function == "lockwise.ops.add_not_null" and _texts(args, 2):
        table, column = _ident(str(args[0])), _ident(str(args[1]))
        name = _ident(f"{str(args[0]).rpartition('.')[2]}_{args[1]}_not_null")
        if version >= 18:
            return [
                OUTSIDE,
                f"ALTER TABLE {table} ADD CONSTRAINT {name} NOT NULL {column} NOT VALID",
                f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}",
            ]
        return [
            OUTSIDE,
            f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({column} IS NOT NULL) NOT VALID",
            f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}",
            f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL",
            f"ALTER TABLE {table} DROP CONSTRAINT {name}",
        ]
    if function == "lockwise.ops.add_unique" and _texts(args, 2) and len(args) == 3:
        name, table, columns = _ident(str(args[0])), _ident(str(args[1])), args[2]
        if not isinstance(columns, list):
            raise _NotSql
        keys = ", ".join(_ident(str(column)) for column in columns)
        return [
            OUTSIDE,
            f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} ({keys})",
            f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE USING INDEX {name}",
        ]
    raise _NotSql


def _ident(name: str) -> str:
    """A name as SQL writes it: each dotted part quoted where PostgreSQL needs it."""
    return ".".join(
        part if _PLAIN.fullmatch(part) and part not in RESERVED_KEYWORDS else quote(part)
        for part in name.split(".")
    )


_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*")


def quote(part: str) -> str:
    return '"' + part.replace('"', '""') + '"'


def _texts(args: list[object], count: int) -> bool:
    return len(args) >= count and all(isinstance(a, str) for a in args[:count])


def _literals(call: ast.Call) -> list[object]:
    """The call's positional arguments, which must all be literals."""
    if call.keywords:
        raise _NotSql
    try:
        return [ast.literal_eval(argument) for argument in call.args]
    except ValueError:
        raise _NotSql from None


def _comments(code: str) -> dict[int, str]:
    """Each line's `#` comment, without the `#`."""
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    return {t.start[0]: t.string.lstrip("# ") for t in tokens if t.type == tokenize.COMMENT}
