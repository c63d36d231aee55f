"""LW218 wide-non-unique-index: a non-unique index with more than three key columns."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

_MAX_COLUMNS = 3
_TABLE = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, status text,"
    " placed_at timestamptz, total numeric)"
)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag non-unique indexes whose key (INCLUDE columns aside) has more than 3 columns."""
    for statement, node in facts.of_type(ast.IndexStmt):
        width = len(node.indexParams or ())
        if not node.unique and width > _MAX_COLUMNS:
            name, table = node.idxname or "(unnamed)", relation_name(node.relation)
            yield Hit(
                f"Non-unique index {name} on {table} has {width} key columns: queries rarely "
                "use more than the leading ones, yet every write pays to maintain the whole, "
                "bigger index",
                statement.index,
            )


RULE = Rule(
    id="LW218",
    name="wide-non-unique-index",
    severity="info",
    summary="Non-unique index with more than three key columns",
    lock="",
    blocks="nothing beyond the index build itself; the cost is on every later write",
    # https://www.postgresql.org/docs/current/indexes-multicolumn.html
    why=(
        "A B-tree index on several columns helps a query mostly through its leading "
        "columns; the PostgreSQL documentation advises using multicolumn indexes sparingly "
        "and notes that indexes with more than three columns are unlikely to help unless "
        "the table's usage is extremely stylized. A wide index is larger, slower to build "
        "and to keep up on every INSERT and UPDATE, and an UPDATE of any column it "
        "contains can no longer be a HOT update. Index the columns queries filter on; "
        "carry the columns they only read with INCLUDE, which is not part of the key."
    ),
    fix=(
        "with op.get_context().autocommit_block():\n"
        "    op.create_index(\n"
        '        "ix_orders_customer_id_placed_at", "orders", ["customer_id", "placed_at"],\n'
        '        postgresql_include=["status", "total"],\n'
        "        postgresql_concurrently=True, if_not_exists=True,\n"
        "    )"
    ),
    check=check,
    bad=(
        Example(
            setup=_TABLE,
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                '    op.create_index("ix_orders_wide", "orders",'
                ' ["customer_id", "status", "placed_at", "total"],'
                " postgresql_concurrently=True, if_not_exists=True)"
            ),
        ),
    ),
    good=(
        Example(
            setup=_TABLE,
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                '    op.create_index("ix_orders_customer_id_placed_at", "orders",'
                ' ["customer_id", "placed_at"], postgresql_include=["status", "total"],'
                " postgresql_concurrently=True, if_not_exists=True)"
            ),
        ),
        Example(
            setup=_TABLE,
            upgrade=(
                "with op.get_context().autocommit_block():\n"
                '    op.create_index("uq_orders_natural", "orders",'
                ' ["customer_id", "status", "placed_at", "total"], unique=True,'
                " postgresql_concurrently=True, if_not_exists=True)"
            ),
        ),
    ),
    aliases={"strong_migrations": "add_index_columns"},
)
