"""LW110 set-logged-unlogged: ALTER TABLE ... SET LOGGED / SET UNLOGGED on an existing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_SWITCH = {AlterTableType.AT_SetLogged: "LOGGED", AlterTableType.AT_SetUnLogged: "UNLOGGED"}


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag SET LOGGED / UNLOGGED measured rewriting a table that existed before."""
    measured = facts.measured and facts.failure is None
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        switches = [_SWITCH[c.subtype] for c in node.cmds if c.subtype in _SWITCH]
        if not switches or not facts.existed_before(statement, table):
            continue
        if not measured or table in statement.captured.rewrites:
            yield Hit(
                f"SET {switches[0]} rewrites {table} and its indexes under ACCESS EXCLUSIVE: "
                "reads and writes wait for the whole copy",
                statement.index,
            )


_SETUP = (
    "CREATE TABLE events (id bigint PRIMARY KEY, body text);"
    " INSERT INTO events SELECT g, 'e' || g FROM generate_series(1, 100) g"
)
_SAFE = (
    'op.create_table("events_v2", sa.Column("id", sa.BigInteger(), primary_key=True),'
    ' sa.Column("body", sa.Text()), prefixes=["UNLOGGED"])\n'
    'op.execute("INSERT INTO events_v2 SELECT id, body FROM events")\n'
    'op.execute("ALTER TABLE events_v2 SET LOGGED")'
)

RULE = Rule(
    id="LW110",
    name="set-logged-unlogged",
    severity="error",
    summary="ALTER TABLE ... SET LOGGED or SET UNLOGGED on an existing table",
    lock="AccessExclusiveLock",
    blocks="every read and write of the table for the whole copy",
    # https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-LOGGED-UNLOGGED
    why=(
        "Switching a table between logged and unlogged copies it into a new file (and, to "
        "LOGGED, writes all of it to the WAL), with its indexes, while ACCESS EXCLUSIVE keeps "
        "every query out. An unlogged table is also emptied after a crash and is not on "
        "replicas, so SET UNLOGGED on live data trades availability now for data loss later."
    ),
    fix="# a new table, loaded unlogged, then logged before anything uses it; swap later\n" + _SAFE,
    check=check,
    bad=(
        Example(setup=_SETUP, upgrade='op.execute("ALTER TABLE events SET UNLOGGED")'),
        Example(
            setup=_SETUP.replace("CREATE TABLE", "CREATE UNLOGGED TABLE"),
            upgrade='op.execute("ALTER TABLE events SET LOGGED")',
        ),
    ),
    good=(Example(setup=_SETUP, upgrade=_SAFE),),
)
