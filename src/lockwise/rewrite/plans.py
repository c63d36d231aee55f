"""Plans for changes no single revision makes safe: a type change, a rename, a drop.

A plan is code and comments with the finding's own names, spread over releases; it is
shown, never written into a file by `review --fix` (a person decides when each step
ships).
"""

from __future__ import annotations

from pglast import ast
from pglast.enums.parsenodes import AlterTableType, ObjectType

from lockwise.rewrite import code
from lockwise.rewrite.subject import OPS_IMPORT, Fix, Subject, name_of, sql_of


def type_change(subject: Subject) -> Fix | None:
    """ALTER COLUMN ... TYPE → expand/contract: a new column kept in step by a trigger."""
    found = _retyped(subject)
    if found is None:
        return None
    table, column, new_type = found
    new = f"{column}_new"
    function = f"{table}_{new}".replace(".", "_")[:63]
    lines = [
        code.comment(f"Release N: {new} beside {column}, kept in step, filled in batches."),
        code.execute(f"ALTER TABLE {table} ADD COLUMN {new} {new_type}"),
        code.execute(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN NEW.{new} := NEW.{column}; RETURN NEW; END $$"
        ),
        code.execute(
            f"CREATE TRIGGER {function} BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        ),
        code.call("lockwise.ops.backfill", [code.q(table), f"{{{code.q(new)}: {code.q(column)}}}"]),
        code.comment(
            f"Release N+1: the code reads and writes {new}. Then a revision drops\n"
            f"{column}, the trigger and its function, and renames {new} to {column}."
        ),
    ]
    return Fix("\n".join(lines), imports=(OPS_IMPORT,))


def _retyped(subject: Subject) -> tuple[str, str, str] | None:
    """(table, column, new type as SQL) of an ALTER COLUMN ... TYPE."""
    node = subject.node()
    if not isinstance(node, ast.AlterTableStmt):
        return None
    for command in node.cmds or ():
        if command.subtype == AlterTableType.AT_AlterColumnType:
            return name_of(node.relation), str(command.name), sql_of(command.def_.typeName)
    return None


def rename(subject: Subject) -> Fix | None:
    """RENAME COLUMN or RENAME TABLE → keep the old name, or expand/contract."""
    node = subject.node()
    if not isinstance(node, ast.RenameStmt) or node.relation is None:
        return None
    table = name_of(node.relation)
    if node.renameType == ObjectType.OBJECT_COLUMN:
        return Fix(_column_rename(table, str(node.subname), str(node.newname)))
    if node.renameType == ObjectType.OBJECT_TABLE:
        return Fix(_table_rename(table, str(node.newname)))
    return None


def _column_rename(table: str, old: str, new: str) -> str:
    return "\n".join(
        [
            code.comment(
                f"Usually: keep {table}.{old} and rename only the model's attribute:\n"
                f'    {new}: Mapped[...] = mapped_column("{old}", ...)\n'
                f"Otherwise expand/contract. Release N adds {new}; the code writes both:"
            ),
            code.execute(f"ALTER TABLE {table} ADD COLUMN {new} <the type of {old}>"),
            code.call(
                "lockwise.ops.backfill", [code.q(table), f"{{{code.q(new)}: {code.q(old)}}}"]
            ),
            code.comment(f"Release N+1 reads {new}; release N+2 drops {table}.{old}."),
        ]
    )


def _table_rename(old: str, new: str) -> str:
    return "\n".join(
        [
            code.comment(
                f'Usually: keep {old} and set __tablename__ = "{old}" on the renamed class.\n'
                f"Otherwise rename it and leave an updatable view under the old name,\n"
                "dropped in the next release once no process uses it:"
            ),
            code.call("op.rename_table", [code.q(old), code.q(new)]),
            code.execute(f"CREATE VIEW {old} AS SELECT * FROM {new}"),
        ]
    )


def drop(subject: Subject) -> Fix | None:
    """DROP COLUMN or DROP TABLE → stop reading it first, check what it holds, then drop."""
    node = subject.node()
    original = _original(subject)
    if isinstance(node, ast.AlterTableStmt):
        for command in node.cmds or ():
            if command.subtype == AlterTableType.AT_DropColumn:
                return Fix(_column_drop(name_of(node.relation), str(command.name), original))
    if isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_TABLE:
        tables = [".".join(str(part.sval) for part in name) for name in node.objects or ()]
        return Fix(_table_drop(tables, original))
    return None


def _original(subject: Subject) -> str:
    call = subject.call
    return code.call(f"op.{call.name}", call.args, call.kwargs) if call else ""


def _column_drop(table: str, column: str, original: str) -> str:
    return "\n".join(
        [
            code.comment(
                f"Release N: stop reading {table}.{column} (delete it from the model, or\n"
                "defer it while it is phased out).\n"
                "Release N+1, once no process runs older code, check what it still holds:\n"
                f"    SELECT count(*) FROM {table} WHERE {column} IS NOT NULL\n"
                "then drop it:"
            ),
            original or code.execute(f"ALTER TABLE {table} DROP COLUMN {column}"),
        ]
    )


def _table_drop(tables: list[str], original: str) -> str:
    listed = ", ".join(tables)
    return "\n".join(
        [
            code.comment(
                f"Release N: remove the model and every query on {listed}.\n"
                "Release N+1, once nothing reads or writes it (pg_stat_user_tables) and a\n"
                f"copy is kept (pg_dump {' '.join(f'-t {t}' for t in tables)}), drop it:"
            ),
            original or code.execute(f"DROP TABLE {listed}"),
        ]
    )


def lock_timeout_first(subject: Subject) -> Fix | None:
    """A trigger (or other brief ACCESS EXCLUSIVE step): give up fast, in its own revision."""
    value = subject.lock_timeout or "2s"
    top = code.execute(f"SET LOCAL lock_timeout = '{value}'")
    note = code.comment("in a revision of its own, so the lock is held for this step only")
    return Fix(f"{note}\n{_original(subject) or code.execute(subject.sql or '')}", top=top)
