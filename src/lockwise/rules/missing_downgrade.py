"""LW409 missing-downgrade: an empty downgrade() that does not say the revision is irreversible."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule

_SETUP = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"
_ADD = 'op.add_column("orders", sa.Column("note", sa.Text()))'


# Statements that leave every definition as it was (what a downgrade would restore).
_NO_DEFINITION = (
    ast.UpdateStmt,
    ast.InsertStmt,
    ast.DeleteStmt,
    ast.MergeStmt,
    ast.SelectStmt,
    ast.VacuumStmt,
    ast.ReindexStmt,
    ast.VariableSetStmt,
    ast.VariableShowStmt,
)


def _changes_no_definition(node: object) -> bool:
    if isinstance(node, ast.SelectStmt) and node.intoClause is not None:
        return False  # SELECT ... INTO makes a table
    if isinstance(node, _NO_DEFINITION):
        return True
    if not isinstance(node, ast.AlterTableStmt):
        return False
    return all(c.subtype == AlterTableType.AT_ValidateConstraint for c in node.cmds or ())


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag, once per revision, a downgrade() that does nothing and is not marked irreversible.

    An upgrade that only validates constraints, changes rows or gathers statistics has
    no definition to restore: its empty downgrade is right.
    """
    if facts.direction != "upgrade" or not facts.downgrade_empty or facts.irreversible:
        return
    if facts.statements and all(_changes_no_definition(s.node) for s in facts.statements):
        return
    yield Hit(
        "downgrade() does nothing: a rollback either stops here (if it raises) or marks "
        "this revision undone while its changes stay, and the next upgrade fails on "
        "them; implement it, or mark it `# lockwise: irreversible` with the reason",
        function="downgrade",
    )


RULE = Rule(
    id="LW409",
    name="missing-downgrade",
    severity="warning",
    summary="downgrade() is empty (pass, ..., a raise) and not marked irreversible",
    lock="",
    blocks="nothing at deploy time: the rollback path is what breaks",
    why=(
        "A rollback is planned while the deploy goes well and needed when it does not. An "
        "empty downgrade() makes `alembic downgrade` move alembic_version back without "
        "undoing anything, so the schema and the version disagree and the next upgrade fails "
        "on what is already there; a downgrade that raises NotImplementedError stops the "
        "rollback at this revision, in the middle of an incident. Some changes cannot be "
        "undone (a dropped column's data is gone): say so with `# lockwise: irreversible` "
        "and the reason, so the gap is a decision rather than an omission."
    ),
    fix=(
        "def upgrade() -> None:\n"
        f"    {_ADD}\n\n\n"
        "def downgrade() -> None:\n"
        '    op.drop_column("orders", "note")\n\n\n'
        "# Or, when it cannot be undone:\n"
        "def downgrade() -> None:\n"
        "    # lockwise: irreversible: the merged rows cannot be split again\n"
        "    pass"
    ),
    check=check,
    bad=(
        Example(setup=_SETUP, upgrade=_ADD),
        Example(setup=_SETUP, upgrade=_ADD, downgrade="raise NotImplementedError()"),
    ),
    good=(
        Example(setup=_SETUP, upgrade=_ADD, downgrade='op.drop_column("orders", "note")'),
        Example(
            setup=_SETUP,
            upgrade='op.execute("DELETE FROM orders WHERE total IS NULL")',
            downgrade="# lockwise: irreversible: the deleted rows are gone\npass",
        ),
    ),
    downgrades=False,
)
