"""LW505 prefer-text-over-varchar: varchar(n) columns, where text and a CHECK say it better."""

from __future__ import annotations

from collections.abc import Iterator

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, column_definitions

_SETUP = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"
_GOOD = 'op.add_column("orders", sa.Column("reference", sa.Text()))'


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag varchar columns with a length in CREATE TABLE and ALTER TABLE."""
    for statement, table, name, column, kind in column_definitions(facts):
        typmods = getattr(column.typeName, "typmods", None)
        if kind == "varchar" and typmods:  # varchar without a length is text by another name
            length = getattr(getattr(typmods[0], "val", None), "ival", "n")
            yield Hit(
                f"{table}.{name} is varchar({length}): changing the "
                "limit later takes ACCESS EXCLUSIVE (and shrinking it rewrites the table); "
                "text with a CHECK on length is the same storage and easier to change",
                statement.index,
            )


RULE = Rule(
    id="LW505",
    name="prefer-text-over-varchar",
    severity="info",
    summary="A varchar(n) column (sa.String(n)); prefer text, with a CHECK if the limit matters",
    lock="",
    blocks="nothing today; changing the limit later takes ACCESS EXCLUSIVE",
    why=(
        "In PostgreSQL varchar(n) and text are stored the same way and perform the same; "
        "the length is only a check. As a type modifier it is awkward to change: raising "
        "the limit needs ALTER COLUMN TYPE, which takes ACCESS EXCLUSIVE on the table even "
        "though it no longer rewrites it, and lowering it rewrites the table. A CHECK "
        "(char_length(c) <= n) constraint states the same rule and can be replaced with "
        "NOT VALID plus VALIDATE without blocking writes. Style only: widening is safe."
    ),  # https://www.postgresql.org/docs/current/datatype-character.html
    fix=(
        f"{_GOOD}\n"
        "op.create_check_constraint(\n"
        '    "ck_orders_reference_length", "orders", "char_length(reference) <= 40",\n'
        "    postgresql_not_valid=True,\n"
        ")"
    ),
    check=check,
    bad=(
        Example(
            setup=_SETUP,
            upgrade='op.add_column("orders", sa.Column("reference", sa.String(40)))',
        ),
    ),
    good=(
        Example(setup=_SETUP, upgrade=_GOOD),
        Example(setup=_SETUP, upgrade='op.add_column("orders", sa.Column("note", sa.String()))'),
    ),
    aliases={"squawk": "prefer-text-field"},
    downgrades=False,
)
