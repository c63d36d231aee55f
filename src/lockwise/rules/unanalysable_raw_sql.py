"""LW404 unanalysable-raw-sql: SQL that no rule can read (unparseable, several statements, DO)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pglast
from pglast import ast

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts

_SETUP = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag statements without one parse tree, and DO blocks, whose work rules cannot see."""
    for statement in facts.statements:
        if reason := _unreadable(statement):
            yield Hit(f"{reason}; no rule checked it{_measured(statement)}", statement.index)


def _unreadable(statement: StatementFacts) -> str:
    if isinstance(statement.node, ast.DoStmt):
        return "a DO block runs PL/pgSQL (often dynamic SQL) that the parse tree does not show"
    if statement.node is not None:
        return ""
    try:
        count = len(pglast.parse_sql(statement.sql))
    except pglast.parser.ParseError as error:
        return f"PostgreSQL's parser rejects this SQL ({error})"
    return f"one op.execute sends {count} statements, and rules read one statement per call"


def _measured(statement: StatementFacts) -> str:
    """What PostgreSQL measured for it anyway: the locks that block traffic, and rewrites."""
    captured = statement.captured
    locks = [f"{_words(lock.mode)} on {lock.relation}" for lock in captured.locks]
    locks = [lock for lock in locks if not lock.startswith(("ACCESS SHARE", "ROW "))]
    done = locks + [f"rewrote {table}" for table in captured.rewrites]
    return f" (measured: {', '.join(done)})" if done else ""


def _words(mode: str) -> str:
    return re.sub(r"\B([A-Z])", r" \1", mode.removesuffix("Lock")).upper()


RULE = Rule(
    id="LW404",
    name="unanalysable-raw-sql",
    severity="warning",
    summary="op.execute SQL that no rule can read: unparseable, several statements, or a DO block",
    lock="",
    blocks="unknown: lockwise measures its locks but cannot tell what the statement is",
    why=(
        "Rules recognise a statement from its parse tree (PostgreSQL's own parser, through "
        "pglast). A string holding several statements, SQL the parser rejects, or a DO block "
        "whose PL/pgSQL builds statements at run time gives them nothing to recognise, so a "
        "table rewrite or an ACCESS EXCLUSIVE lock inside it goes unreviewed. PostgreSQL runs "
        "a multi-statement string as one implicit transaction when sent without parameters, "
        "and a DO block's statements run inside the migration's transaction, with their locks "
        "held until it commits. Split the SQL so each statement is reviewed, or, when it must "
        "stay opaque, say why in an ignore comment."
    ),  # https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT
    fix=(
        "# One statement per op.execute, so each one is reviewed:\n"
        'op.execute("UPDATE orders SET total = 0 WHERE total IS NULL")\n'
        'op.execute("DELETE FROM orders WHERE total < 0")\n'
        "# Opaque on purpose (a DO block):\n"
        'op.execute("DO $$ ... $$")  # lockwise: ignore[LW404] reviewed by hand: <reason>'
    ),
    check=check,
    bad=(
        Example(
            setup=_SETUP,
            upgrade='op.execute("UPDATE orders SET total = 0; DELETE FROM orders WHERE total < 0")',
        ),
        Example(
            setup=_SETUP,
            upgrade='op.execute("""DO $$ BEGIN\n'
            "    EXECUTE format('ALTER TABLE %I ADD COLUMN note text', 'orders');\n"
            'END $$""")',
        ),
    ),
    good=(
        Example(setup=_SETUP, upgrade='op.execute("UPDATE orders SET total = 0")'),
        Example(
            setup=_SETUP,
            upgrade='orders = sa.table("orders", sa.column("id"), sa.column("total"))\n'
            'op.bulk_insert(orders, [{"id": 1, "total": 5}, {"id": 2, "total": 7}])',
        ),
    ),
)
