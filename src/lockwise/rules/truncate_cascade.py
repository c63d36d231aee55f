"""LW312 truncate-cascade: TRUNCATE ... CASCADE, which also empties every referencing table."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import DropBehavior

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_TABLES = (
    "CREATE TABLE orders (id bigint PRIMARY KEY);"
    " CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders);"
    " INSERT INTO orders SELECT g FROM generate_series(1, 100) g;"
    " INSERT INTO order_items SELECT g, g FROM generate_series(1, 100) g"
)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag TRUNCATE ... CASCADE; name what it emptied when that was measured."""
    for statement, node in facts.of_type(ast.TruncateStmt):
        if node.behavior != DropBehavior.DROP_CASCADE:
            continue
        named = ", ".join(relation_name(relation) for relation in node.relations)
        emptied = ", ".join(statement.captured.rewrites)
        seen = f" (measured: it gave new, empty storage to {emptied})" if emptied else ""
        yield Hit(
            f"TRUNCATE {named} CASCADE also empties every table with a foreign key to "
            f"{named}, and the tables that reference those, without naming them{seen}",
            statement.index,
        )


RULE = Rule(
    id="LW312",
    name="truncate-cascade",
    severity="error",
    summary="TRUNCATE ... CASCADE",
    lock="",
    blocks="nothing more than a TRUNCATE of the listed tables; the harm is the data it deletes",
    why=(
        "TRUNCATE ... CASCADE empties, besides the tables it names, every table that has a "
        "foreign key to one of them, and recursively the tables referencing those. The list "
        "is decided by the foreign keys present when it runs, not by the migration's author: "
        "a foreign key added later, by another team, makes the same migration delete that "
        "team's data. TRUNCATE cannot be undone by a downgrade. Name every table to empty; "
        "without CASCADE, PostgreSQL refuses when a table outside the list references one."
    ),
    # CASCADE: "Automatically truncate all tables that have foreign-key references to any
    # of the named tables": https://www.postgresql.org/docs/current/sql-truncate.html
    fix='op.execute("TRUNCATE order_items, orders")  # every table to empty, by name',
    check=check,
    bad=(Example(setup=_TABLES, upgrade='op.execute("TRUNCATE orders CASCADE")'),),
    good=(Example(setup=_TABLES, upgrade='op.execute("TRUNCATE order_items, orders")'),),
    aliases={"squawk": "ban-truncate-cascade"},
)
