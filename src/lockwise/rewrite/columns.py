"""A `sa.Column(...)` argument edited in its own source text: nullable, no server default."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
import sqlalchemy as sa


def column_source(source: str, nullable: bool) -> str:
    """The column's source with `nullable` set and its `server_default` left out.

    The rest of the call is the user's text, comments and spelling kept.
    """
    try:
        expression = cst.parse_expression(source)
    except cst.ParserSyntaxError:
        return source
    if not isinstance(expression, cst.Call):
        return source
    value = cst.Name(str(nullable))
    args = [
        a.with_changes(value=value) if _keyword(a) == "nullable" else a
        for a in expression.args
        if _keyword(a) != "server_default"
    ]
    if not any(_keyword(a) == "nullable" for a in args):
        args = _appended(args, value)
    return _code(expression.with_changes(args=_commas(args, expression.args)))


def without_constraints(source: str) -> str:
    """The column's source without its `sa.ForeignKey(...)` arguments and `unique=`.

    What is left adds the bare column; the constraints are added after it, safely.
    """
    try:
        expression = cst.parse_expression(source)
    except cst.ParserSyntaxError:
        return source
    if not isinstance(expression, cst.Call):
        return source
    args = [a for a in expression.args if not _foreign_key(a) and _keyword(a) != "unique"]
    return _code(expression.with_changes(args=_commas(args, expression.args)))


def _foreign_key(argument: cst.Arg) -> bool:
    """`sa.ForeignKey(...)` or `ForeignKey(...)` as a positional argument."""
    value = argument.value
    if argument.keyword is not None or not isinstance(value, cst.Call):
        return False
    name = value.func.attr if isinstance(value.func, cst.Attribute) else value.func
    return isinstance(name, cst.Name) and name.value == "ForeignKey"


def _commas(args: list[cst.Arg], original: Sequence[cst.Arg]) -> list[cst.Arg]:
    """Each argument keeps its comma; a new last one takes the call's closing comma."""
    if not args or not original or args[-1] is original[-1]:
        return args
    between = next(
        (c for c in _separators(original[:-1]) if "#" not in _code(c)),
        cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
    )
    moved = [a if a in original[:-1] else a.with_changes(comma=between) for a in args[:-1]]
    own, closing = args[-1].comma, original[-1].comma
    if isinstance(own, cst.Comma) and isinstance(closing, cst.Comma):
        after, before_paren = own.whitespace_after, closing.whitespace_after
        if isinstance(after, cst.ParenthesizedWhitespace) and after.first_line.comment:
            # its own comment stays on its line; the closing parenthesis keeps its place
            if isinstance(before_paren, cst.ParenthesizedWhitespace):
                after = after.with_changes(last_line=before_paren.last_line)
            return [*moved, args[-1].with_changes(comma=own.with_changes(whitespace_after=after))]
    return [*moved, args[-1].with_changes(comma=closing)]


def _separators(args: Sequence[cst.Arg]) -> list[cst.Comma]:
    return [a.comma for a in args if isinstance(a.comma, cst.Comma)]


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _appended(args: list[cst.Arg], value: cst.Name) -> list[cst.Arg]:
    """`nullable=...` after the last argument, in the call's own comma style."""
    tight = cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
    )
    flag = cst.Arg(keyword=cst.Name("nullable"), value=value, equal=tight)
    if not args:
        return [flag]
    return [*args, flag]


def _keyword(argument: cst.Arg) -> str | None:
    return argument.keyword.value if argument.keyword is not None else None


def server_default_sql(column: sa.Column[object]) -> str | None:
    """The SQL of a column's server default (`gen_random_uuid()`), or None."""
    default = column.server_default
    argument = getattr(default, "arg", None)
    if argument is None:
        return None
    if isinstance(argument, str):
        return "'" + argument.replace("'", "''") + "'"
    return str(getattr(argument, "text", argument))
