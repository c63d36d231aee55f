"""LW104 add-column-constrained-domain: ADD COLUMN of a domain type that has constraints."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from lockwise.rules._volatility import volatile_calls
from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, relation_name

SERIALS = {"smallserial", "serial", "bigserial", "serial2", "serial4", "serial8"}
_FILLED = {ConstrType.CONSTR_IDENTITY, ConstrType.CONSTR_GENERATED}
_DEFAULT = ConstrType.CONSTR_DEFAULT


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag ADD COLUMN measured rewriting an existing table with no other cause than its type."""
    for statement, node in facts.of_type(ast.AlterTableStmt):
        table = relation_name(node.relation)
        added = [cmd.def_ for cmd in node.cmds if cmd.subtype == AlterTableType.AT_AddColumn]
        if not added or not facts.existed_before(statement, table):
            continue
        if facts.measured and facts.failure is None:
            rewritten = table in statement.captured.rewrites
            suspects = [] if not rewritten or any(map(_other_cause, added)) else added
        else:
            domains = _constrained_domains(facts, statement.index)
            suspects = [c for c in added if c.typeName.names[-1].sval in domains]
        if suspects:
            yield Hit(
                f"ADD COLUMN {suspects[0].colname} rewrites {table} under ACCESS EXCLUSIVE "
                "although no default is volatile: its domain's constraints are checked against "
                "every existing row, so reads and writes wait for the whole rewrite",
                statement.index,
            )


def _other_cause(column: Any) -> bool:
    """The column rewrites for a reason other rules report: serial, identity, generated, or
    a volatile default (LW101); `now()` and other stable calls are not one."""
    for c in column.constraints or ():
        if c.contype in _FILLED or (c.contype == _DEFAULT and volatile_calls(c.raw_expr)):
            return True
    return column.typeName.names[-1].sval in SERIALS


def _constrained_domains(facts: RevisionFacts, before: int) -> set[str]:
    """Domains with constraints created earlier in the revision (all plain SQL can know)."""
    made = facts.of_type(ast.CreateDomainStmt)
    return {str(n.domainname[-1].sval) for s, n in made if s.index < before and n.constraints}


_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);"
    " INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g;"
    " CREATE DOMAIN positive_amount AS numeric CHECK (VALUE > 0)"
)
_DOMAIN = 'sa.dialects.postgresql.DOMAIN("positive_amount", sa.Numeric(), create_type=False)'
_SAFE = (
    'op.add_column("orders", sa.Column("price", sa.Numeric(), nullable=True))\n'
    'op.create_check_constraint("ck_orders_price_positive", "orders", "price > 0",'
    " postgresql_not_valid=True)"
)

RULE = Rule(
    id="LW104",
    name="add-column-constrained-domain",
    severity="error",
    summary="op.add_column of a domain type with CHECK or NOT NULL constraints",
    lock="AccessExclusiveLock",
    blocks="every read and write of the table for the whole rewrite",
    # https://www.postgresql.org/docs/current/sql-createdomain.html (constraints hold for NULL too)
    why=(
        "A domain's constraints hold for every value of the column, including the NULL or "
        "default that existing rows get. To check them PostgreSQL rewrites the table and "
        "rebuilds its indexes under ACCESS EXCLUSIVE, even with no default at all (measured on "
        "PostgreSQL 15 and 18): reads and writes queue for the whole copy."
    ),
    fix=_SAFE
    + "\n# VALIDATE CONSTRAINT in a later revision: it scans under SHARE UPDATE EXCLUSIVE",
    check=check,
    bad=(
        Example(setup=_SETUP, upgrade=f'op.add_column("orders", sa.Column("price", {_DOMAIN}))'),
        Example(  # a stable default does not rewrite; the domain's CHECK does
            setup=f"{_SETUP}; CREATE DOMAIN past_2000 AS timestamptz CHECK (VALUE > '2000-01-01')",
            upgrade=(
                'op.add_column("orders", sa.Column("paid_at", sa.dialects.postgresql.DOMAIN('
                '"past_2000", sa.DateTime(timezone=True), create_type=False),'
                ' server_default=sa.text("now()")))'
            ),
        ),
    ),
    good=(
        Example(setup=_SETUP, upgrade=_SAFE),
        Example(
            setup=_SETUP,
            upgrade=(
                'op.create_table("orders_v2", sa.Column("id", sa.BigInteger(), primary_key=True))\n'
                f'op.add_column("orders_v2", sa.Column("price", {_DOMAIN}))'
            ),
        ),
    ),
    aliases={"squawk": "ban-create-domain-with-constraint"},
)
