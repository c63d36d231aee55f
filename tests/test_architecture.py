"""The package import graph has no cycles, so each layer can be read on its own.

Units are lockwise's subpackages (`database`, `migrate`, `rules`, ...) and its top-level
modules (`config`, `project`, ...). Every import counts, lazy ones inside functions too:
a cycle hidden in a function is still a cycle a reader has to untangle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import lockwise

ROOT = Path(lockwise.__file__).parent


def _unit(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "lockwise" and len(parts) > 1 else None


def import_graph() -> dict[str, dict[str, set[str]]]:
    """unit -> imported unit -> the files that import it."""
    graph: dict[str, dict[str, set[str]]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT.parent).with_suffix("")
        source = _unit(".".join(relative.parts).removesuffix(".__init__"))
        if source is None:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            modules: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "lockwise":
                    modules = [f"lockwise.{alias.name}" for alias in node.names]
                else:
                    modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            for module in modules:
                target = _unit(module)
                if target and target != source:
                    files = graph.setdefault(source, {}).setdefault(target, set())
                    files.add(str(path.relative_to(ROOT)))
    return graph


def cycles(graph: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """The strongly connected components with more than one unit (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(unit: str) -> None:
        index[unit] = low[unit] = len(index)
        stack.append(unit)
        for target in graph.get(unit, {}):
            if target not in index:
                visit(target)
                low[unit] = min(low[unit], low[target])
            elif target in stack:
                low[unit] = min(low[unit], index[target])
        if low[unit] == index[unit]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == unit:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for unit in sorted(graph):
        if unit not in index:
            visit(unit)
    return found


def test_the_package_import_graph_has_no_cycles() -> None:
    graph = import_graph()
    explained = []
    for component in cycles(graph):
        edges = [
            f"{source} -> {target} ({', '.join(sorted(graph[source][target]))})"
            for source in component
            for target in component
            if target in graph.get(source, {})
        ]
        explained.append("cycle: " + "; ".join(edges))
    assert not explained, "\n".join(explained)


def test_the_cycle_finder_sees_a_cycle() -> None:
    graph: dict[str, dict[str, set[str]]] = {
        "a": {"b": {"a.py"}},
        "b": {"c": {"b.py"}},
        "c": {"a": {"c.py"}},
        "d": {"a": set()},
    }
    assert cycles(graph) == [["a", "b", "c"]]
