"""LW309 enum-add-value-unordered: ALTER TYPE ... ADD VALUE without BEFORE or AFTER."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule

_STATUS = "CREATE TYPE order_status AS ENUM ('new', 'paid', 'cancelled')"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag values appended to enum types that existed before the revision."""
    created = {_name(node.typeName) for _, node in facts.of_type(ast.CreateEnumStmt)}
    for statement, node in facts.of_type(ast.AlterEnumStmt):
        enum = _name(node.typeName)
        if node.oldVal is None and node.newValNeighbor is None and enum not in created:
            yield Hit(
                f"ALTER TYPE {enum} ADD VALUE '{node.newVal}' puts it after every existing "
                f"value: ORDER BY, <, > and max() on {enum} columns sort it last, wherever "
                "it belongs in the workflow",
                statement.index,
            )


def _name(names: Any) -> str:
    return ".".join(str(part.sval) for part in names).removeprefix("public.")


RULE = Rule(
    id="LW309",
    name="enum-add-value-unordered",
    severity="info",
    summary="ALTER TYPE ... ADD VALUE without BEFORE or AFTER",
    lock="",
    blocks="nothing for long: adding an enum value edits the catalog only",
    why=(
        "An enum's values are ordered by their position in the type, not alphabetically, "
        "and that order is what ORDER BY, comparisons, min() and max() and range checks "
        "such as status < 'cancelled' use. ADD VALUE without BEFORE or AFTER appends the "
        "value at the end, which silently changes the meaning of those queries when the "
        "new state belongs in the middle of the workflow. Say where the value goes."
    ),
    # Enum ordering is the order of creation; ADD VALUE places it with BEFORE/AFTER:
    # https://www.postgresql.org/docs/current/datatype-enum.html
    # https://www.postgresql.org/docs/current/sql-altertype.html
    fix=(
        "with op.get_context().autocommit_block():\n"
        "    op.execute(\n"
        "        \"ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'shipped' AFTER 'paid'\"\n"
        "    )"
    ),
    check=check,
    bad=(
        Example(
            setup=_STATUS,
            upgrade="op.execute(\"ALTER TYPE order_status ADD VALUE 'shipped'\")",
        ),
    ),
    good=(
        Example(
            setup=_STATUS,
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                "    op.execute(\"ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'shipped'"
                " AFTER 'paid'\")"
            ),
        ),
        Example(
            upgrade=(
                f'op.execute("{_STATUS}")\n'
                "op.execute(\"ALTER TYPE order_status ADD VALUE 'refunded'\")"
            ),
        ),
    ),
    aliases={"squawk": "require-enum-value-ordering"},
)
