"""The `op.*` call at a line of a revision file: its source text and its Alembic op object.

A fix reuses the call's own argument text (the user's spelling: `op.f(...)`,
`sa.text(...)`, constants), and reads names and options from the operation object
Alembic's own `op.*` method builds from those arguments. The object is built without a
database: the call is evaluated against an `Operations` whose `invoke` returns the
operation instead of running it, in a namespace made of the file's top-level statements.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic.operations import MigrateOperation, Operations


class _Collect(Operations):
    """`op` for evaluating one call: builds the operation, runs nothing."""

    def __init__(self) -> None:  # no migration context: nothing is run
        pass

    def invoke(self, operation: MigrateOperation) -> Any:
        return operation


@dataclass(frozen=True)
class OpCall:
    """One `op.<name>(...)` statement of a revision file.

    Attributes:
        name: The `op` method called (`create_index`, `execute`...).
        args: The positional arguments' source text.
        kwargs: The keyword arguments' source text, in order.
        operation: The Alembic operation it builds, or None when its arguments
            name something only known at run time (a local variable).
        first_line: The statement's first line in the file.
        last_line: Its last line.
    """

    name: str
    args: tuple[str, ...]
    kwargs: dict[str, str] = field(default_factory=dict)
    operation: MigrateOperation | None = None
    first_line: int = 0
    last_line: int = 0

    def argument(self, position: int, keyword: str) -> str | None:
        """An argument's source, given positionally or by keyword."""
        if position < len(self.args):
            return self.args[position]
        return self.kwargs.get(keyword)

    def value(self, position: int, keyword: str) -> Any:
        """An argument's value when it is a literal (a string, a list of strings)."""
        text = self.argument(position, keyword)
        try:
            return ast.literal_eval(text) if text is not None else None
        except (ValueError, SyntaxError):
            return None


def call_at(path: Path, line: int | None) -> OpCall | None:
    """The `op.*` call whose statement spans `line`, innermost first."""
    if line is None:
        return None
    try:
        source = path.read_text(encoding="utf-8")
        return _call_at(str(path), source, line)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None


@lru_cache(maxsize=1024)
def _call_at(path: str, source: str, line: int) -> OpCall | None:
    """`call_at` for one version of a file: a statement's findings share one answer."""
    found = [
        statement
        for statement in _op_statements(source)
        if statement.lineno <= line <= (statement.end_lineno or statement.lineno)
    ]
    if not found:
        return None
    statement = min(found, key=lambda s: (s.end_lineno or s.lineno) - s.lineno)
    return _described(source, statement, _namespace(path, source))


@lru_cache(maxsize=64)
def _op_statements(source: str) -> tuple[ast.Expr, ...]:
    """A file's `op.*(...)` statements, parsed once for all of its findings."""
    return tuple(
        statement
        for statement in ast.walk(ast.parse(source))
        if isinstance(statement, ast.Expr) and _op_call(statement.value)
    )


# Lines as `ast` counts them: ended by \r\n, \n or \r only (not by form feeds).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$")


@lru_cache(maxsize=64)
def _lines(source: str) -> tuple[bytes, ...]:
    """A file's lines as UTF-8 (the encoding `ast` counts columns in), split once."""
    return tuple(line.encode() for line in _LINE.findall(source))


def _segment(source: str, node: ast.expr) -> str:
    """The source text of `node`, as `ast.get_source_segment` returns it (without padding)."""
    if node.end_lineno is None or node.end_col_offset is None:
        return ""
    lines = _lines(source)
    first, last = node.lineno - 1, node.end_lineno - 1
    start, end = node.col_offset, node.end_col_offset
    if first == last:
        return lines[first][start:end].decode()
    middle = b"".join(lines[first + 1 : last])
    return (lines[first][start:] + middle + lines[last][:end]).decode()


def _op_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "op"
    )


def _described(source: str, statement: ast.Expr, namespace: dict[str, Any]) -> OpCall:
    call = statement.value
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
    text = [_segment(source, a) for a in call.args]
    keywords = {k.arg: _segment(source, k.value) for k in call.keywords if k.arg}
    return OpCall(
        name=call.func.attr,
        args=tuple(text),
        kwargs=keywords,
        operation=_evaluated(call, namespace),
        first_line=statement.lineno,
        last_line=statement.end_lineno or statement.lineno,
    )


def _evaluated(call: ast.Call, namespace: dict[str, Any]) -> MigrateOperation | None:
    """The operation Alembic builds from the call, or None if its arguments do not evaluate."""
    expression = ast.fix_missing_locations(ast.Expression(body=call))
    try:
        built = eval(compile(expression, "<op call>", "eval"), {**namespace, "op": _Collect()})
    except Exception:  # a name only known at run time, or arguments Alembic refuses
        return None
    return built if isinstance(built, MigrateOperation) else None


@lru_cache(maxsize=64)
def _namespace(path: str, source: str) -> dict[str, Any]:
    """The file's top-level names: each import and assignment run on its own.

    Functions are left out (nothing in `upgrade()` runs); a statement that fails (an
    import the environment lacks) only leaves its names out.
    """
    namespace: dict[str, Any] = {"__name__": "lockwise_fix_source", "__file__": path}
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        module = ast.Module(body=[statement], type_ignores=[])
        try:
            exec(compile(module, path, "exec"), namespace)
        except Exception:
            continue
    return namespace
