"""LW510 duplicate-column-assignment: one column set twice in an UPDATE, INSERT or ON CONFLICT."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from pglast import ast

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule

_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric, tags text[]); "
    "INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g"
)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag a column named twice in one SET list or INSERT column list."""
    for statement in facts.statements:
        for clause, error, targets in _target_lists(statement.node):
            for column in _duplicates(targets):
                yield Hit(
                    f"{clause} names {column} twice: PostgreSQL rejects it ({error}), so the "
                    "migration fails here",
                    statement.index,
                )


def _target_lists(node: ast.Node | None) -> Iterator[tuple[str, str, Sequence[Any]]]:
    assigned = "multiple assignments to same column"
    if isinstance(node, ast.UpdateStmt):
        yield "UPDATE ... SET", assigned, node.targetList or ()
    if isinstance(node, ast.InsertStmt):
        yield "INSERT INTO (...)", "column specified more than once", node.cols or ()
        conflict = node.onConflictClause
        if conflict is not None:
            yield "ON CONFLICT DO UPDATE SET", assigned, conflict.targetList or ()


def _duplicates(targets: Sequence[Any]) -> list[str]:
    """Columns assigned more than once, where one assignment is to the whole column.

    `SET tags[1] = 'a', tags[2] = 'b'` assigns two elements and is allowed.
    """
    counts = Counter(str(target.name) for target in targets)
    whole = {str(target.name) for target in targets if not target.indirection}
    return sorted(name for name, count in counts.items() if count > 1 and name in whole)


RULE = Rule(
    id="LW510",
    name="duplicate-column-assignment",
    severity="error",
    summary="UPDATE ... SET a = 1, a = 2 (or a column listed twice in an INSERT)",
    lock="",
    blocks="nothing: the statement fails before it changes anything",
    why=(
        "PostgreSQL rejects a statement that assigns the same column twice: an UPDATE with "
        "`SET total = 1, total = 2` fails with 'multiple assignments to same column', and "
        "an INSERT listing a column twice fails with 'column specified more than once'. In "
        "a migration that is a failed deploy, usually from a copy-paste or a generated SET "
        "list, and the statement never meant two values anyway. Assigning different "
        "elements or fields of one column (tags[1], tags[2]) is allowed."
    ),  # https://www.postgresql.org/docs/current/sql-update.html
    fix="op.execute(\"UPDATE orders SET total = 0, tags = '{}' WHERE total IS NULL\")",
    check=check,
    bad=(
        Example(setup=_SETUP, upgrade='op.execute("UPDATE orders SET total = 0, total = 1")'),
        Example(
            setup=_SETUP,
            upgrade='op.execute("INSERT INTO orders (id, total, total) VALUES (1000, 1, 2)")',
        ),
    ),
    good=(
        Example(setup=_SETUP, upgrade="op.execute(\"UPDATE orders SET total = 0, tags = '{}'\")"),
        Example(
            setup=_SETUP,
            upgrade="op.execute(\"UPDATE orders SET tags[1] = 'a', tags[2] = 'b'\")",
        ),
    ),
    aliases={"squawk": "ban-duplicate-column-assignments"},
)
