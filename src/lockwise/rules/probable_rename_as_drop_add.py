"""LW307 probable-rename-as-drop-add: a column dropped and another added on the same table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import (
    Example,
    Hit,
    RevisionFacts,
    Rule,
    named_columns,
    named_relations,
    relation_name,
)

_ORDERS = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);"
    " INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g"
)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag each column dropped from an existing table that also gains an uncopied column.

    A dropped column whose values a statement of the revision read first (an UPDATE, an
    INSERT ... SELECT into another table) was copied, not lost.
    """
    added, copied, read = _added(facts), _copied(facts), _read(facts)
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        fresh = [column for column in added.get(table, ()) if (table, column) not in copied]
        for cmd in node.cmds:
            kept = read.get((table, str(cmd.name)), statement.index) < statement.index
            if cmd.subtype == AlterTableType.AT_DropColumn and fresh and not kept:
                yield Hit(
                    f"{table} loses {cmd.name} and gains {', '.join(fresh)} in the same "
                    "revision: if this is a rename (autogenerate writes one as drop + add), "
                    f"every value of {table}.{cmd.name} is lost and the new column starts empty",
                    statement.index,
                )


def _added(facts: RevisionFacts) -> dict[str, list[str]]:
    """Columns the revision adds, by table, on tables that existed before it."""
    added: dict[str, list[str]] = {}
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        for cmd in node.cmds:
            if cmd.subtype == AlterTableType.AT_AddColumn and statement.existed_before(table):
                added.setdefault(table, []).append(str(cmd.def_.colname))
    return added


def _copied(facts: RevisionFacts) -> set[tuple[str, str]]:
    """(table, column) pairs that an UPDATE in the revision fills from other columns: the
    data was moved (`SET amount = total`, not `SET amount = 0`)."""
    return {
        (relation_name(node.relation), str(target.name))
        for _, node in facts.of_type(ast.UpdateStmt)
        for target in node.targetList
        if named_columns(target.val)
    }


def _read(facts: RevisionFacts) -> dict[tuple[str, str], int]:
    """(table, column) pairs whose values a data statement copies (reads into what it
    writes: a SELECT list, an UPDATE's SET values), with the first statement that does."""
    read: dict[tuple[str, str], int] = {}
    for statement in facts.statements:
        copied = named_columns(_copied_values(statement.node))
        for table in named_relations(statement.node) if copied else ():
            for column in copied:
                read.setdefault((table, column), statement.index)
    return read


def _copied_values(node: object) -> object:
    """The expressions whose values a statement writes somewhere, or None."""
    if isinstance(node, ast.InsertStmt):
        return getattr(node.selectStmt, "targetList", None)
    if isinstance(node, ast.UpdateStmt):
        return node.targetList
    if isinstance(node, ast.CreateTableAsStmt):
        return getattr(node.query, "targetList", None)
    if isinstance(node, ast.SelectStmt) and node.intoClause is not None:
        return node.targetList
    return None


RULE = Rule(
    id="LW307",
    name="probable-rename-as-drop-add",
    severity="error",
    summary="drop_column and add_column on the same table in one revision, with no data copied",
    lock="",
    blocks="the table only for a moment; the harm is the data of the dropped column",
    why=(
        "Alembic's autogenerate cannot see a rename: a column renamed in the model comes out "
        "as op.drop_column of the old name and op.add_column of the new one. Run as written, "
        "the migration succeeds and silently throws away every value of the old column, and "
        "the new one starts NULL (or the add fails on a NOT NULL column). Nothing errors, so "
        "the loss shows up later, in production data. Write the rename, or copy the data "
        "before dropping the old column."
    ),
    # DROP COLUMN discards the column's data; ADD COLUMN starts from NULL or the default:
    # https://www.postgresql.org/docs/current/sql-altertable.html
    fix=(
        "# A rename (see LW304 for what it does to running code):\n"
        'op.alter_column("orders", "total", new_column_name="amount")\n'
        "# Or keep the data while moving it to a new column:\n"
        'op.add_column("orders", sa.Column("amount", sa.Numeric(), nullable=True))\n'
        'op.execute("UPDATE orders SET amount = total")\n'
        'op.drop_column("orders", "total")'
    ),
    check=check,
    bad=(
        Example(
            setup=_ORDERS,
            upgrade=(
                'op.add_column("orders", sa.Column("amount", sa.Numeric(), nullable=True))\n'
                'op.drop_column("orders", "total")'
            ),
        ),
    ),
    good=(
        Example(
            setup=_ORDERS,
            upgrade=(
                'op.add_column("orders", sa.Column("amount", sa.Numeric(), nullable=True))\n'
                'op.execute("UPDATE orders SET amount = total")\n'
                'op.drop_column("orders", "total")'
            ),
        ),
        Example(
            setup=_ORDERS,
            upgrade='op.alter_column("orders", "total", new_column_name="amount")',
        ),
        Example(  # the values move to another table before the drop
            setup=f"{_ORDERS}; CREATE TABLE order_totals (order_id bigint, total numeric)",
            upgrade=(
                'op.add_column("orders", sa.Column("status", sa.Text(), nullable=True))\n'
                'op.execute("INSERT INTO order_totals SELECT id, total FROM orders")\n'
                'op.drop_column("orders", "total")'
            ),
        ),
    ),
    downgrades=False,
)
