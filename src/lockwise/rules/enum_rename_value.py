"""LW311 enum-rename-value: ALTER TYPE ... RENAME VALUE on an enum that already exists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule

_STATUS = "CREATE TYPE order_status AS ENUM ('new', 'paid', 'cancelled')"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag enum values renamed on types that existed before the revision."""
    created = {_name(node.typeName) for _, node in facts.of_type(ast.CreateEnumStmt)}
    for statement, node in facts.of_type(ast.AlterEnumStmt):
        enum, old, new = _name(node.typeName), node.oldVal, node.newVal
        if old is not None and enum not in created:
            yield Hit(
                f"ALTER TYPE {enum} RENAME VALUE '{old}' TO '{new}': running code that writes "
                f"'{old}' fails (invalid input value for enum {enum}), and code that reads "
                f"the rows gets '{new}', a value it does not know",
                statement.index,
            )


def _name(names: Any) -> str:
    return ".".join(str(part.sval) for part in names).removeprefix("public.")


RULE = Rule(
    id="LW311",
    name="enum-rename-value",
    severity="warning",
    summary="ALTER TYPE ... RENAME VALUE on an existing enum type",
    lock="",
    blocks="nothing for long: renaming an enum value edits the catalog only",
    why=(
        "RENAME VALUE changes the label of every row that holds the value at once, without "
        "touching the rows, so it is instant; but the release already running still writes "
        'and compares the old label. Its INSERTs and UPDATEs fail with "invalid input value '
        "for enum\", its WHERE status = 'old' finds nothing, and its Python Enum cannot load "
        "rows that now say the new label. Add the new value, ship code that accepts both, "
        "backfill, and leave the old value unused (enum values cannot be dropped)."
    ),
    # RENAME VALUE exists since PostgreSQL 10; values cannot be removed from an enum:
    # https://www.postgresql.org/docs/current/sql-altertype.html
    # https://www.postgresql.org/docs/current/datatype-enum.html
    fix=(
        "# Release N: add the new label (usable only after the transaction that adds it).\n"
        "with op.get_context().autocommit_block():\n"
        "    op.execute(\n"
        "        \"ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'settled' AFTER 'paid'\"\n"
        "    )\n"
        "# Code accepts both labels and writes the new one; then a later revision backfills:\n"
        "#     UPDATE orders SET status = 'settled' WHERE status = 'paid'  (in batches)"
    ),
    check=check,
    bad=(
        Example(
            setup=_STATUS,
            upgrade="op.execute(\"ALTER TYPE order_status RENAME VALUE 'paid' TO 'settled'\")",
        ),
    ),
    good=(
        Example(
            setup=_STATUS,
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                "    op.execute(\"ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'settled'"
                " AFTER 'paid'\")"
            ),
        ),
        Example(
            upgrade=(
                f'op.execute("{_STATUS}")\n'
                "op.execute(\"ALTER TYPE order_status RENAME VALUE 'paid' TO 'settled'\")"
            ),
        ),
    ),
    versions="PostgreSQL 10 and later (RENAME VALUE does not exist before)",
    aliases={"strong_migrations": "rename_enum_value"},
    downgrades=False,
)
