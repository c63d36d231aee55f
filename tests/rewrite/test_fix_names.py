"""Each finding's fix names the finding's own objects, never another table's."""

from __future__ import annotations

import re
from pathlib import Path

import pglast
import pytest

from lockwise import commands
from lockwise.database.server import Server
from lockwise.review.findings import Finding, ReviewReport

PROJECTS = Path(__file__).parents[1] / "projects"
EXAMPLE = Path(__file__).parents[2] / "examples" / "backend"
NAMING = {
    "IndexStmt": ("idxname",),
    "Constraint": ("conname",),
    "AlterTableCmd": ("name",),
    "IndexElem": ("name",),
    "RenameStmt": ("subname", "newname"),
}
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@pytest.fixture(scope="module")
def hazards(pg_server: Server) -> ReviewReport:
    return commands.review(PROJECTS / "hazards", pg_server.url)


@pytest.fixture(scope="module")
def example(pg_server: Server) -> ReviewReport:
    return commands.review(EXAMPLE, pg_server.url)


def schema_names(report: ReviewReport) -> set[str]:
    """Every table, column, index and constraint name the project's statements spell."""
    names: set[str] = set()
    for statement in report.statements:
        try:
            tree = pglast.parse_sql(statement.sql)
        except pglast.parser.ParseError:
            continue
        for node in _nodes(tree):
            for attribute in (*NAMING.get(type(node).__name__, ()), "relname", "colname"):
                value = getattr(node, attribute, None)
                if isinstance(value, str):
                    names.add(value)
    return names


def _nodes(tree: object) -> list[object]:
    found: list[object] = []
    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple | list):
            stack.extend(node)
        elif isinstance(node, pglast.ast.Node):
            found.append(node)
            slots = getattr(node, "__slots__", ())
            stack.extend(getattr(node, slot, None) for slot in slots)
    return found


def foreign_names(finding: Finding, names: set[str]) -> set[str]:
    """Schema names in the fix that neither the finding's SQL nor its message spells."""
    own = set(WORD.findall(f"{finding.sql or ''} {finding.message}"))
    return (set(WORD.findall(finding.fix)) & names) - own - {"id"}


def test_no_fix_on_the_hazards_names_another_object(hazards: ReviewReport) -> None:
    names = schema_names(hazards)
    wrong = [(f.rule, f.revision, foreign_names(f, names)) for f in hazards.findings]
    assert [w for w in wrong if w[2]] == []


def test_no_fix_on_the_example_names_another_object(example: ReviewReport) -> None:
    names = schema_names(example)
    wrong = [(f.rule, f.revision, foreign_names(f, names)) for f in example.findings]
    assert [w for w in wrong if w[2]] == []
    assert not any("orders" in f.fix for f in example.findings)


def test_index_fix_names_the_index_the_table_and_its_columns(hazards: ReviewReport) -> None:
    finding = next(f for f in hazards.findings if f.rule == "LW207" and f.direction == "upgrade")
    assert finding.fix == (
        'lockwise.ops.create_index_concurrently("ix_orders_total", "orders", ["total"])'
    )
    assert finding.fixable
