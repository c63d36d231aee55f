"""LW504 ban-char: char(n) / character(n) columns, which pad values with spaces."""

from __future__ import annotations

from collections.abc import Iterator

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, column_definitions

_SETUP = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"
_GOOD = 'op.add_column("orders", sa.Column("currency", sa.Text()))'


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag char(n) columns (bpchar to the parser) in CREATE TABLE and ALTER TABLE."""
    for statement, table, name, _, kind in column_definitions(facts):
        if kind == "bpchar":
            yield Hit(
                f"{table}.{name} is char(n): shorter values are "
                "padded with spaces, which comparisons ignore but LIKE, regular "
                "expressions and the application see; use text (with a CHECK on length)",
                statement.index,
            )


RULE = Rule(
    id="LW504",
    name="ban-char",
    severity="warning",
    summary="A char(n) / character(n) column (sa.CHAR); prefer text",
    lock="",
    blocks="nothing: a convention",
    why=(
        "character(n) pads every value with spaces to n characters. The padding is "
        "insignificant when two char values are compared, but it is there for LIKE, regular "
        "expressions and the client, and it is dropped when the value is cast to text, so "
        "the same value behaves differently by context. It is not faster or smaller than "
        "text in PostgreSQL (it is usually the slowest of the three), and a fixed length is "
        "better said with a CHECK constraint, which can be changed without a rewrite."
    ),  # https://www.postgresql.org/docs/current/datatype-character.html
    fix=(
        f"{_GOOD}\n"
        "# A fixed length, where it matters, as a constraint (NOT VALID: no scan under lock):\n"
        "op.create_check_constraint(\n"
        '    "ck_orders_currency_length", "orders", "char_length(currency) = 3",\n'
        "    postgresql_not_valid=True,\n"
        ")"
    ),
    check=check,
    bad=(
        Example(setup=_SETUP, upgrade='op.add_column("orders", sa.Column("currency", sa.CHAR(3)))'),
    ),
    good=(Example(setup=_SETUP, upgrade=_GOOD),),
    aliases={"squawk": "ban-char-field"},
    downgrades=False,
)
