"""LW503 prefer-timestamptz: timestamp (without time zone) columns."""

from __future__ import annotations

from collections.abc import Iterator

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, column_definitions

_SETUP = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"
_GOOD = 'op.add_column("orders", sa.Column("shipped_at", sa.DateTime(timezone=True)))'


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag timestamp columns in CREATE TABLE, ADD COLUMN and ALTER COLUMN ... TYPE."""
    for statement, table, name, _, kind in column_definitions(facts):
        if kind == "timestamp":
            yield Hit(
                f"{table}.{name} is timestamp without time zone: "
                "it stores wall-clock readings with no zone, so values written from "
                "servers or sessions in different zones cannot be compared or converted",
                statement.index,
            )


RULE = Rule(
    id="LW503",
    name="prefer-timestamptz",
    severity="warning",
    summary="A timestamp (without time zone) column; sa.DateTime() without timezone=True",
    lock="",
    blocks="nothing: a convention",
    why=(
        "timestamp without time zone stores a date and a clock reading and nothing about "
        "where it was read: '2025-03-30 02:30' may not exist in one zone and means another "
        "instant in the next, and converting it depends on whatever TimeZone the session "
        "happens to use. timestamptz stores an instant (UTC internally) and converts to the "
        "session's zone on output, so arithmetic and comparisons across zones and daylight "
        "saving changes are right, at the same 8 bytes. SQLAlchemy's sa.DateTime() means "
        "timestamp; sa.DateTime(timezone=True) means timestamptz."
    ),  # https://www.postgresql.org/docs/current/datatype-datetime.html#DATATYPE-TIMEZONES
    fix=_GOOD,
    check=check,
    bad=(
        Example(
            setup=_SETUP,
            upgrade='op.add_column("orders", sa.Column("shipped_at", sa.DateTime()))',
        ),
        Example(
            upgrade='op.create_table("events", sa.Column("id", sa.BigInteger(), sa.Identity(),'
            ' primary_key=True), sa.Column("at", sa.TIMESTAMP(), nullable=False))',
        ),
    ),
    good=(Example(setup=_SETUP, upgrade=_GOOD),),
    aliases={"squawk": "prefer-timestamp-tz"},
    downgrades=False,
)
