"""The `op.*` call at a line of a revision file: its source text and its Alembic op object.

A fix reuses the call's own argument text (the user's spelling: `op.f(...)`,
`sa.text(...)`, constants), and reads names and options from the operation object
Alembic's own `op.*` method builds from those arguments. The object is built without a
database: the call is evaluated against an `Operations` whose `invoke` returns the
operation instead of running it, in a namespace made of the file's top-level statements.
"""

from __future__ import annotations

import ast
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
        tree = _parsed(source)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    found = [
        statement
        for statement in ast.walk(tree)
        if isinstance(statement, ast.Expr)
        and _op_call(statement.value)
        and statement.lineno <= line <= (statement.end_lineno or statement.lineno)
    ]
    if not found:
        return None
    statement = min(found, key=lambda s: (s.end_lineno or s.lineno) - s.lineno)
    return _described(source, statement, _namespace(str(path), source))


@lru_cache(maxsize=64)
def _parsed(source: str) -> ast.Module:
    """A file's syntax tree, parsed once for all of its findings."""
    return ast.parse(source)


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
    text = [ast.get_source_segment(source, a) or "" for a in call.args]
    keywords = {
        k.arg: ast.get_source_segment(source, k.value) or "" for k in call.keywords if k.arg
    }
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
