"""LW303 drop-other-objects: DROP of a view, function, type, schema... or of a constraint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ObjectType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_KINDS = ("SCHEMA", "VIEW", "MATVIEW", "FUNCTION", "TYPE", "DOMAIN", "SEQUENCE", "EXTENSION")
_MAKE_HELPER_CHECK_REDUNDANT = (AlterTableType.AT_SetNotNull, AlterTableType.AT_AttachPartition)
_BROKEN = ": whatever still uses it (queries, views, functions, running code) fails"
_OFF = ": PostgreSQL stops enforcing it, and rows that break it stay after a downgrade"
_ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric, paid boolean"
_VIEW = f"{_ORDERS}); CREATE VIEW paid_orders AS SELECT id FROM orders WHERE paid"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag objects that existed before the revision and that it drops without replacing."""
    replaced = _replaced(facts)
    for statement in facts.statements:
        for name, owner, message in _drops(statement.node):
            if not {name, owner} & replaced and statement.existed_before(owner):
                yield Hit(message, statement.index)


def _drops(node: ast.Node | None) -> Iterator[tuple[str, str, str]]:
    """(name, relation it lives on, message) for each object the statement drops."""
    if isinstance(node, ast.DropdbStmt):
        yield str(node.dbname), "", f"DROP DATABASE {node.dbname}{_BROKEN}"
    elif isinstance(node, ast.DropStmt):
        kind = ObjectType(node.removeType or 0).name.removeprefix("OBJECT_")
        names = map(_dotted, node.objects or ()) if kind in _KINDS else ()
        kind = kind.replace("MAT", "MATERIALIZED ")
        yield from ((name, name, f"DROP {kind} {name}{_BROKEN}") for name in names)
    elif isinstance(node, ast.AlterTableStmt) and node.relation:
        for cmd in node.cmds or ():
            if cmd.subtype == AlterTableType.AT_DropConstraint:
                table = relation_name(node.relation)
                yield str(cmd.name), table, f"ALTER TABLE {table} DROP CONSTRAINT {cmd.name}{_OFF}"


def _replaced(facts: RevisionFacts) -> set[str]:
    """Views, functions, constraints it (re)creates; tables it sets NOT NULL on or attaches."""
    names = {relation_name(node.view) for _, node in facts.of_type(ast.ViewStmt)}
    names |= {_dotted(node.funcname) for _, node in facts.of_type(ast.CreateFunctionStmt)}
    for _, node in facts.of_type(ast.AlterTableStmt):
        for cmd in node.cmds:
            if cmd.subtype == AlterTableType.AT_AddConstraint and cmd.def_.conname:
                names.add(str(cmd.def_.conname))
            elif cmd.subtype in _MAKE_HELPER_CHECK_REDUNDANT:  # LW106, LW214
                names.add(relation_name(getattr(cmd.def_, "name", None) or node.relation))
    return names


def _dotted(names: Any) -> str:
    """An object's name, bare in `public`, from String(s), a TypeName or an ObjectWithArgs."""
    parts = getattr(names, "names", None) or getattr(names, "objname", None) or names
    parts = (parts,) if isinstance(parts, ast.String) else parts
    return ".".join(str(part.sval) for part in parts).removeprefix("public.")


RULE = Rule(
    id="LW303",
    name="drop-other-objects",
    severity="warning",
    summary="DROP VIEW/FUNCTION/TYPE/SCHEMA/... or op.drop_constraint on an existing object",
    lock="",
    blocks="what the object depends on, only for a moment; the harm is to what still uses it",
    why=(
        "Views, functions, types, sequences, schemas and extensions are used by name from "
        "queries, defaults, other objects and running code: dropping one breaks them all at "
        "once, and CASCADE drops the dependent objects silently. Dropping a constraint is "
        "instant, but its guarantee goes with it: PostgreSQL now accepts the duplicates, "
        "orphans or out-of-range values it used to refuse, and they stay after a downgrade."
    ),
    # Dependency tracking; CASCADE drops dependents recursively:
    # https://www.postgresql.org/docs/current/ddl-depend.html
    fix=(
        "# Release N: stop using the view in code and in other objects. Release N+1:\n"
        'op.execute("DROP VIEW IF EXISTS paid_orders")\n'
        "# To change a view or a constraint, drop and create it in the same revision."
    ),
    check=check,
    bad=(
        Example(setup=_VIEW, upgrade='op.execute("DROP VIEW paid_orders")'),
        Example(
            setup=f"{_ORDERS}, CONSTRAINT ck_orders_total CHECK (total > 0))",
            upgrade='op.drop_constraint("ck_orders_total", "orders", type_="check")',
        ),
    ),
    good=(
        Example(  # LW106's last step: NOT NULL now holds what the helper CHECK held.
            setup=f"{_ORDERS}, CONSTRAINT ck_orders_total CHECK (total IS NOT NULL))",
            upgrade=(
                'op.alter_column("orders", "total", existing_type=sa.Numeric(), nullable=False)\n'
                'op.drop_constraint("ck_orders_total", "orders", type_="check")'
            ),
        ),
        Example(
            setup=_VIEW,
            upgrade=(
                'op.execute("DROP VIEW paid_orders")\n'
                'op.execute("CREATE VIEW paid_orders AS SELECT id, total FROM orders WHERE paid")'
            ),
        ),
    ),
    # squawk has one rule per kind of object (ban-drop-schema, -view, -type...); an alias
    # names one, and DROP DATABASE is the one in every squawk release.
    aliases={
        "squawk": "ban-drop-database, ban-drop-schema, ban-drop-view, ban-drop-function, "
        "ban-drop-type, ban-drop-domain, ban-drop-sequence, ban-drop-extension"
    },
    downgrades=False,
)
