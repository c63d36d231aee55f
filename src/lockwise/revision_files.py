"""What lockwise reads from migration files without running them: names and bodies.

Alembic loads revision files by executing them; these helpers read them as Python
syntax trees instead, to name the files behind a broken graph (a duplicate id, a
missing down-revision) and to tell an empty `downgrade()` from a real one.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TypeGuard


def declared_revisions(folders: list[Path]) -> dict[str, list[Path]]:
    """Map each revision id to the files in `folders` that assign it to `revision`."""
    found: dict[str, list[Path]] = {}
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.py")):
            revision_id = assigned_string(path, "revision")
            if revision_id:
                found.setdefault(revision_id, []).append(path)
    return found


def assigned_string(path: Path, name: str) -> str | None:
    """The string a file assigns to the module-level `name`, if any."""
    try:
        tree = ast.parse(path.read_text())
    except (SyntaxError, UnicodeDecodeError):
        return None
    for node in tree.body:
        targets = assignment_targets(node)
        value = getattr(node, "value", None)
        if name in targets and isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


def assignment_targets(node: ast.stmt) -> list[str]:
    """The plain names a statement assigns to (`a = ...`, `a: T = ...`)."""
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def down_revision_ids(path: Path) -> set[str]:
    """Every revision id a file's `down_revision` names (a string or a tuple)."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if "down_revision" in assignment_targets(node):
            value = getattr(node, "value", None)
            constants = ast.walk(value) if value is not None else iter(())
            return {c.value for c in constants if isinstance(c, ast.Constant) and _is_str(c.value)}
    return set()


def _is_str(value: object) -> TypeGuard[str]:
    return isinstance(value, str)


def functions(path: Path) -> dict[str, ast.FunctionDef]:
    """The module-level functions of a file, by name."""
    tree = ast.parse(path.read_text())
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def is_empty(function: ast.FunctionDef | None) -> bool:
    """True when the function is missing or does nothing: pass, ..., a docstring, a raise."""
    if function is None:
        return True
    return all(_does_nothing(statement) for statement in function.body)


def _does_nothing(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass | ast.Raise):
        return True
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def source(path: Path, function: ast.FunctionDef) -> str:
    """The source text of one function, comments included."""
    lines = path.read_text().splitlines()
    return "\n".join(lines[function.lineno - 1 : function.end_lineno])


def assignment_line(path: Path, name: str) -> int | None:
    """The line where the file assigns the module-level `name`."""
    try:
        tree = ast.parse(path.read_text())
    except (SyntaxError, UnicodeDecodeError):
        return None
    lines = [node.lineno for node in tree.body if name in assignment_targets(node)]
    return lines[0] if lines else None
