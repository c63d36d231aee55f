"""LW306 rename-other: RENAME of a constraint, index, schema, view, type... or SET SCHEMA."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import ObjectType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_OWN_RULES = (ObjectType.OBJECT_COLUMN, ObjectType.OBJECT_TABLE)  # LW304, LW305
_ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag renames and schema moves of objects that existed before the revision."""
    for statement in facts.statements:
        node = statement.node
        if isinstance(node, ast.RenameStmt) and node.renameType not in _OWN_RULES:
            change = f"is renamed to {node.newname}"
        elif isinstance(node, ast.AlterObjectSchemaStmt):
            change = f"moves to schema {node.newschema}"
        else:
            continue
        name = getattr(node, "subname", None) or _name(node.relation or node.object)
        if node.relation is None or statement.existed_before(relation_name(node.relation)):
            yield Hit(
                f"{_kind(node)} {name} {change}: queries, function bodies, ON CONFLICT ON "
                "CONSTRAINT clauses, search_path settings and scripts that name it break at "
                "once, and the release still running uses the old name",
                statement.index,
            )


def _kind(node: Any) -> str:
    kind = node.renameType if hasattr(node, "renameType") else node.objectType
    return str(kind.name).removeprefix("OBJECT_").replace("TABCONSTRAINT", "CONSTRAINT")


def _name(target: Any) -> str:
    """An object's name from a RangeVar, String(s), TypeName or ObjectWithArgs."""
    if isinstance(target, ast.RangeVar):
        return relation_name(target)
    parts = getattr(target, "names", None) or getattr(target, "objname", None) or target
    parts = (parts,) if isinstance(parts, ast.String) else parts
    return ".".join(str(part.sval) for part in parts)


RULE = Rule(
    id="LW306",
    name="rename-other",
    severity="warning",
    summary="RENAME CONSTRAINT/INDEX/SCHEMA/VIEW/TYPE/... or SET SCHEMA on an existing object",
    lock="",
    blocks="the object (and its table) only for a moment; the harm is to what names it",
    why=(
        "Renaming a constraint, an index, a view, a type, a function or a schema, or moving "
        "an object to another schema, is instant, but everything that refers to it by name "
        "breaks: views and functions that call it by its old name, ON CONFLICT ON CONSTRAINT "
        "clauses, code that matches constraint names in IntegrityError messages, index hints "
        "in ops scripts, search_path settings and grants. Objects that reference it by oid "
        "(foreign keys, indexes, defaults) follow the rename; text does not."
    ),
    # A function body given as a string is kept as text: a rename does not update it.
    # https://www.postgresql.org/docs/current/sql-createfunction.html
    fix=(
        "# Keep the old name where code or SQL names it. Otherwise, in release N make the\n"
        "# code accept both names, and rename in release N+1:\n"
        "def upgrade() -> None:\n"
        '    op.execute("ALTER TABLE orders RENAME CONSTRAINT uq_orders_ref TO uq_orders_number")'
    ),
    check=check,
    bad=(
        Example(
            setup=f"{_ORDERS}, ref text, CONSTRAINT uq_orders_ref UNIQUE (ref))",
            upgrade=(
                'op.execute("ALTER TABLE orders RENAME CONSTRAINT uq_orders_ref'
                ' TO uq_orders_number")'
            ),
        ),
        Example(
            setup=f"CREATE SCHEMA billing; {_ORDERS})",
            upgrade='op.execute("ALTER TABLE orders SET SCHEMA billing")',
        ),
    ),
    good=(
        Example(
            upgrade=(
                'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True),'
                ' sa.Column("ref", sa.Text()), sa.UniqueConstraint("ref", name="uq_orders_ref"))\n'
                'op.execute("ALTER TABLE orders RENAME CONSTRAINT uq_orders_ref'
                ' TO uq_orders_number")'
            ),
        ),
    ),
    aliases={"squawk": "renaming-object, ban-set-schema", "strong_migrations": "rename_schema"},
    downgrades=False,
)
