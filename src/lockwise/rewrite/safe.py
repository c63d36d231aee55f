"""Safe sequences: one unsafe operation rewritten, with its own names, as Alembic code.

Each builder takes a `Subject` (the `op.*` call and the SQL it sent) and returns a
`Fix` whose code replaces that call, or None when the statement is not the shape the
rewrite knows. Calls keep the user's own argument text; statements from `op.execute`
are rewritten on their parse tree and deparsed by PostgreSQL's own deparser (pglast).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from alembic.operations import ops
from pglast import ast
from pglast.enums.parsenodes import AlterTableType, ConstrType, ReindexObjectType

from lockwise.rewrite import code
from lockwise.rewrite.subject import OPS_IMPORT, Fix, Subject, name_of, sql_of

_CONCURRENT_KWARGS = ("postgresql_concurrently", "if_not_exists")


def _columns() -> ModuleType:
    """`rewrite.columns`, imported when a fix edits a column: it loads LibCST (a third
    of a second), which reviewing plain SQL files never needs."""
    from lockwise.rewrite import columns

    return columns


def create_index(subject: Subject) -> Fix | None:
    """CREATE INDEX → concurrently, in an autocommit block, dropping an INVALID leftover."""
    call = subject.called("create_index")
    if call is not None:
        kwargs = {k: v for k, v in call.kwargs.items() if k not in _CONCURRENT_KWARGS}
        helper = code.call("lockwise.ops.create_index_concurrently", call.args, kwargs)
        return Fix(helper, applies=True, imports=(OPS_IMPORT,))
    node = subject.node()
    if not isinstance(node, ast.IndexStmt) or not subject.executed():
        return None
    node.concurrent, node.if_not_exists = True, bool(node.idxname)
    return Fix(code.autocommit(code.execute(sql_of(node), indent=4)), applies=True)


def drop_index(subject: Subject) -> Fix | None:
    """DROP INDEX → concurrently, IF EXISTS, in an autocommit block."""
    call = subject.called("drop_index")
    if call is not None:
        kwargs = {**call.kwargs, "postgresql_concurrently": "True", "if_exists": "True"}
        return Fix(code.autocommit(code.call("op.drop_index", call.args, kwargs, 4)), True)
    node = subject.node()
    if not isinstance(node, ast.DropStmt) or not subject.executed():
        return None
    node.concurrent, node.missing_ok = True, True
    return Fix(code.autocommit(code.execute(sql_of(node), indent=4)), applies=True)


def reindex(subject: Subject) -> Fix | None:
    """REINDEX → REINDEX ... CONCURRENTLY, in an autocommit block."""
    node = subject.node()
    if not isinstance(node, ast.ReindexStmt) or node.relation is None:
        return None
    kind = "INDEX" if node.kind == ReindexObjectType.REINDEX_OBJECT_INDEX else "TABLE"
    sql = f"REINDEX {kind} CONCURRENTLY {sql_of(node.relation)}"
    return Fix(code.autocommit(code.execute(sql, indent=4)), applies=subject.executed())


def foreign_key(subject: Subject) -> Fix | None:
    """ADD FOREIGN KEY → NOT VALID now, VALIDATE in its own transaction."""
    call = subject.called("create_foreign_key")
    if call is not None:
        kwargs = {k: v for k, v in call.kwargs.items() if k != "postgresql_not_valid"}
        args = _named(call.args, call.value(1, "source_table"), call.value(3, "local_cols"), "fkey")
        helper = code.call("lockwise.ops.add_foreign_key", args, kwargs)
        return Fix(helper, applies=True, imports=(OPS_IMPORT,))
    return inline_constraints(subject) or _not_valid_then_validate(subject)


def check_constraint(subject: Subject) -> Fix | None:
    """ADD CHECK → NOT VALID now, VALIDATE in its own transaction."""
    call = subject.called("create_check_constraint")
    if call is not None:
        kwargs = {k: v for k, v in call.kwargs.items() if k == "schema"}
        helper = code.call("lockwise.ops.add_check", call.args[:3], kwargs)
        return Fix(helper, applies=True, imports=(OPS_IMPORT,))
    return _not_valid_then_validate(subject)


def inline_constraints(subject: Subject) -> Fix | None:
    """add_column with `sa.ForeignKey(...)` or `unique=True` → the bare column, then each
    constraint by its helper (NOT VALID + VALIDATE; a unique index built concurrently).

    Every constraint of the column is rewritten at once, whichever finding asked: the
    column's call is replaced whole. Unnamed ones get the names PostgreSQL gives them.
    """
    call = subject.called("add_column")
    operation = call.operation if call is not None else None
    if call is None or not isinstance(operation, ops.AddColumnOp) or len(call.args) < 2:
        return None
    column, table = operation.column, operation.table_name
    if not column.foreign_keys and not column.unique:
        return None
    schema = {"schema": code.q(operation.schema)} if operation.schema else {}
    # the statement this finding is about names its constraint as the project's naming
    # convention made it; the column's other constraint gets PostgreSQL's own name
    stated = _added_constraint(subject.node())
    given = {stated.contype: str(stated.conname)} if stated and stated.conname else {}
    bare = [call.args[0], _columns().without_constraints(call.args[1]), *call.args[2:]]
    lines = [code.call("op.add_column", bare, call.kwargs)]
    for key in sorted(column.foreign_keys, key=lambda key: key.target_fullname):
        referent, _, remote = key.target_fullname.rpartition(".")
        referent_schema, _, referent_table = referent.rpartition(".")
        options = {k: code.q(v) for k in ("ondelete", "onupdate") if (v := getattr(key, k))}
        if operation.schema:
            options["source_schema"] = code.q(operation.schema)
        if referent_schema:
            options["referent_schema"] = code.q(referent_schema)
        fallback = given.get(ConstrType.CONSTR_FOREIGN) or code.postgres_name(
            table, [column.name], "fkey"
        )
        name = str(key.name or fallback)
        names = [code.names([column.name]), code.names([remote])]
        args = [code.q(name), call.args[0], code.q(referent_table), *names]
        lines.append(code.call("lockwise.ops.add_foreign_key", args, options))
    if column.unique:
        unique = given.get(ConstrType.CONSTR_UNIQUE) or code.postgres_name(
            table, [column.name], "key"
        )
        args = [code.q(unique), call.args[0], code.names([column.name])]
        lines.append(code.call("lockwise.ops.add_unique", args, schema))
    return Fix("\n".join(lines), applies=True, imports=(OPS_IMPORT,))


def _named(args: tuple[str, ...], table: Any, columns: Any, suffix: str) -> tuple[str, ...]:
    """A constraint named None (autogenerate without a naming convention) gets the name
    PostgreSQL itself would give it (`payments_user_id_fkey`): the helper finds it again
    by that name when it is rerun."""
    if not args or args[0] != "None" or not isinstance(table, str):
        return args
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        return args
    name = code.postgres_name(table, columns, suffix)
    return (code.q(name), *args[1:])


def _not_valid_then_validate(subject: Subject) -> Fix | None:
    node = subject.node()
    constraint = _added_constraint(node)
    if constraint is None or not constraint.conname or not subject.executed():
        return None
    constraint.skip_validation, constraint.initially_valid = True, False
    validate = f"ALTER TABLE {sql_of(node.relation)} VALIDATE CONSTRAINT {constraint.conname}"
    body = [code.execute(sql_of(node)), code.autocommit(code.execute(validate, indent=4))]
    return Fix("\n".join(body), applies=True)


def _added_constraint(node: Any) -> Any:
    """The constraint of `ALTER TABLE t ADD CONSTRAINT ...` with one subcommand."""
    if not isinstance(node, ast.AlterTableStmt) or len(node.cmds or ()) != 1:
        return None
    added = (node.cmds or ())[0].def_
    return added if isinstance(added, ast.Constraint) else None


def unique_constraint(subject: Subject) -> Fix | None:
    """ADD UNIQUE → a unique index built concurrently, then the constraint USING INDEX."""
    call = subject.called("create_unique_constraint")
    if call is not None:
        kwargs = {k: v for k, v in call.kwargs.items() if k == "schema"}
        args = _named(call.args[:3], call.value(1, "table_name"), call.value(2, "columns"), "key")
        helper = code.call("lockwise.ops.add_unique", args, kwargs)
        return Fix(helper, applies=True, imports=(OPS_IMPORT,))
    if (inline := inline_constraints(subject)) is not None:
        return inline
    node = subject.node()
    constraint = _added_constraint(node)
    if constraint is None or not constraint.conname or not constraint.keys:
        return None
    if any(getattr(constraint, option, None) for option in _UNIQUE_OPTIONS):
        return None  # an index built alone would not carry them: no rewrite
    columns = code.names([str(key.sval) for key in constraint.keys])
    named = [code.q(constraint.conname), code.q(name_of(node.relation)), columns]
    helper = code.call("lockwise.ops.add_unique", named)
    return Fix(helper, applies=subject.executed(), imports=(OPS_IMPORT,))


# Options of a UNIQUE constraint that ADD CONSTRAINT ... USING INDEX would lose.
_UNIQUE_OPTIONS = ("nulls_not_distinct", "including", "options", "deferrable", "initdeferred")


def not_null(subject: Subject) -> Fix | None:
    """SET NOT NULL → a constraint proved without the long lock (`lockwise.ops.add_not_null`)."""
    call = subject.called("alter_column")
    if call is not None:
        return _alter_then_not_null(subject, call.args, call.kwargs)
    node = subject.node()
    if not isinstance(node, ast.AlterTableStmt) or len(node.cmds or ()) != 1:
        return None
    command = (node.cmds or ())[0]
    if command.subtype != AlterTableType.AT_SetNotNull:
        return None
    args = [code.q(name_of(node.relation)), code.q(str(command.name))]
    helper = code.call("lockwise.ops.add_not_null", args)
    return Fix(helper, applies=subject.executed(), imports=(OPS_IMPORT,))


def _alter_then_not_null(
    subject: Subject, args: tuple[str, ...], kwargs: dict[str, str]
) -> Fix | None:
    if kwargs.get("nullable") != "False" or len(args) < 2:
        return None
    rest = {k: v for k, v in kwargs.items() if k != "nullable"}
    changes = [k for k in rest if not k.startswith("existing_") and k != "schema"]
    schema = {"schema": rest["schema"]} if "schema" in rest else {}
    lines = [code.call("op.alter_column", args, rest)] if changes else []
    lines.append(code.call("lockwise.ops.add_not_null", args[:2], schema))
    return Fix("\n".join(lines), applies=True, imports=(OPS_IMPORT,))


def enum_value(subject: Subject) -> Fix | None:
    """ALTER TYPE ... ADD VALUE → IF NOT EXISTS, committed on its own (autocommit block)."""
    node = subject.node()
    if not isinstance(node, ast.AlterEnumStmt) or not node.newVal:
        return None
    node.skipIfNewValExists = True
    return Fix(code.autocommit(code.execute(sql_of(node), indent=4)), subject.executed())


def volatile_default(subject: Subject) -> Fix | None:
    """ADD COLUMN with a volatile default → nullable, default for new rows, batched backfill."""
    call = subject.called("add_column")
    operation = call.operation if call is not None else None
    if call is None or not isinstance(operation, ops.AddColumnOp) or len(call.args) < 2:
        return None
    column, default = operation.column, _columns().server_default_sql(operation.column)
    if default is None:
        return None
    table, name = call.args[0], code.q(column.name)
    lines = [
        code.call("op.add_column", [table, _columns().column_source(call.args[1], nullable=True)]),
        code.call(
            "op.alter_column", [table, name], {"server_default": f"sa.text({code.q(default)})"}
        ),
        code.call("lockwise.ops.backfill", [table, f"{{{name}: {code.q(default)}}}"]),
    ]
    if column.nullable is False:
        lines.append(code.call("lockwise.ops.add_not_null", [table, name]))
    return Fix("\n".join(lines), applies=True, imports=(OPS_IMPORT,))


def not_null_column(subject: Subject) -> Fix | None:
    """ADD COLUMN NOT NULL without a default → nullable, backfill, then NOT NULL (a plan)."""
    call = subject.called("add_column")
    operation = call.operation if call is not None else None
    if call is None or not isinstance(operation, ops.AddColumnOp) or len(call.args) < 2:
        return None
    table, name = call.args[0], code.q(operation.column.name)
    lines = [
        code.call("op.add_column", [table, _columns().column_source(call.args[1], nullable=True)]),
        code.comment(
            "once the code writes it for new rows, fill the old ones and make it NOT NULL\n"
            "(a later revision, or here if the value is known now):"
        ),
        code.call("lockwise.ops.backfill", [table, f"{{{name}: \"'the value old rows get'\"}}"]),
        code.call("lockwise.ops.add_not_null", [table, name]),
    ]
    return Fix("\n".join(lines), applies=False, imports=(OPS_IMPORT,))


def timeout(setting: str) -> Any:
    """A builder that sets `lock_timeout` or `statement_timeout` at the top of the function."""

    def build(subject: Subject) -> Fix | None:
        value = subject.lock_timeout if setting == "lock_timeout" else subject.statement_timeout
        if not value:
            text = f"SET LOCAL {setting} = '5s'"
            top = (
                code.execute(text) + f"  # first in the function; or set [tool.lockwise] {setting}"
            )
            return Fix("", applies=False, top=top)
        top = code.execute(f"SET LOCAL {setting} = '{value}'") + "  # fail fast, do not queue"
        return Fix("", applies=True, top=top)

    return build
