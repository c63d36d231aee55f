"""LW310 enum-value-used-same-transaction: a new enum value used before its ADD VALUE commits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts

_TYPE = "CREATE TYPE order_status AS ENUM ('new', 'paid')"
_STATUS = (
    f"{_TYPE}; CREATE TABLE orders (id bigint PRIMARY KEY, status order_status DEFAULT 'new');"
    " INSERT INTO orders SELECT g, 'new' FROM generate_series(1, 100) g"
)
_BEFORE_12 = (
    " runs in the migration's transaction: before PostgreSQL 12 it cannot run in a "
    "transaction block (25001), so the migration fails"
)
_ADD = "op.execute(\"ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'shipped' AFTER 'paid'\")"
_USE = "op.execute(\"UPDATE orders SET status = 'shipped' WHERE id = 1\")"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag statements that use a value added to an existing enum in the same transaction."""
    created: set[str] = set()
    added: dict[str, str] = {}  # new value -> its enum, within the open transaction
    for statement in facts.statements:
        node = statement.node
        if not statement.captured.transactional:  # an autocommit_block ended the transaction
            created, added = set(), {}
        elif isinstance(node, ast.CreateEnumStmt):
            created.add(_name(node.typeName))
        elif isinstance(node, ast.AlterEnumStmt) and node.oldVal is None:
            if (enum := _name(node.typeName)) not in created:
                added[str(node.newVal)] = enum
                if facts.target_version < 12:
                    yield Hit(f"ALTER TYPE {enum} ADD VALUE{_BEFORE_12}", statement.index)
        elif used := _used(facts, statement, added):
            yield _use(statement, used, added[used])


def _use(statement: StatementFacts, value: str, enum: str) -> Hit:
    return Hit(
        f"{statement.sql.split()[0].upper()} uses '{value}', which ALTER TYPE {enum} ADD "
        "VALUE added in the same transaction: PostgreSQL refuses a new enum value until the "
        "transaction that added it commits (unsafe use of new value, 55P04), so the "
        "migration fails",
        statement.index,
    )


def _used(facts: RevisionFacts, statement: StatementFacts, added: dict[str, str]) -> str:
    """The new value the statement uses as a literal, or that its failure names, or ""."""
    last = statement.index == len(facts.statements) - 1
    error = facts.failure.error if facts.failure and last else ""
    used = (v for v in added if f"'{v}'" in statement.sql or f'new value "{v}"' in error)
    return next(used, "")


def _name(names: Any) -> str:
    return ".".join(str(part.sval) for part in names).removeprefix("public.")


RULE = Rule(
    id="LW310",
    name="enum-value-used-same-transaction",
    severity="error",
    summary="ALTER TYPE ... ADD VALUE, then the new value used in the same transaction",
    lock="",
    blocks="nothing: the migration fails at deploy time instead",
    why=(
        "Since PostgreSQL 12, ALTER TYPE ... ADD VALUE may run inside a transaction block, "
        "but the new value cannot be used until that transaction has committed: an UPDATE, "
        'INSERT, DEFAULT or CHECK that mentions it fails with "unsafe use of new value" '
        "(55P04). Alembic runs a revision, by default the whole upgrade, in one transaction, "
        "so the deploy fails. Before PostgreSQL 12, ADD VALUE cannot run in a transaction "
        "block at all. An enum created in the same transaction is the exception."
    ),
    # ADD VALUE in a transaction block: the value cannot be used until committed:
    # https://www.postgresql.org/docs/current/sql-altertype.html
    fix=(
        "# Commit the new value first, in an autocommit block (or a revision of its own):\n"
        "with op.get_context().autocommit_block():\n"
        "    op.execute(\n"
        "        \"ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'shipped' AFTER 'paid'\"\n"
        "    )\n"
        "op.execute(\"UPDATE orders SET status = 'shipped' WHERE id = 1\")"
    ),
    check=check,
    bad=(Example(setup=_STATUS, upgrade=f"{_ADD}\n{_USE}"),),
    good=(
        Example(
            setup=_STATUS,
            upgrade=f"with op.get_context().autocommit_block():\n    {_ADD}\n{_USE}",
        ),
        Example(
            upgrade=(
                f'op.execute("{_TYPE}")\n{_ADD}\n'
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("status", sa.Enum(name="order_status", create_type=False),'
                ' server_default="shipped"))'
            ),
        ),
    ),
    versions=(
        "PostgreSQL 12 and later: ADD VALUE runs in a transaction but its value is unusable "
        "until commit; before 12, ADD VALUE itself fails in a transaction block"
    ),
)
