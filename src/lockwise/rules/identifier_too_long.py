"""LW506 identifier-too-long: names over 63 bytes, which PostgreSQL silently truncates."""

from __future__ import annotations

from collections.abc import Iterator

from pglast.parser import ParseError, scan

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule

# NAMEDATALEN - 1; longer names are truncated with only a NOTICE:
# https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
LIMIT = 63
_SETUP = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"
_GOOD = 'op.add_column("orders", sa.Column("confirmed_at", sa.DateTime(timezone=True)))'
_LONG = "shipping_address_confirmed_by_the_customer_service_representative_at"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag each identifier over 63 bytes, once per revision, where it first appears."""
    seen: set[str] = set()
    for statement in facts.statements:
        for name in _identifiers(statement.sql):
            if len(name.encode()) > LIMIT and name not in seen:
                seen.add(name)
                stored = name.encode()[:LIMIT].decode(errors="ignore")
                yield Hit(
                    f"{name} is {len(name.encode())} bytes: PostgreSQL stores it cut to "
                    f"{stored}, so the models' name and the database's differ and names "
                    "sharing those 63 bytes collide",
                    statement.index,
                )


def _identifiers(sql: str) -> Iterator[str]:
    """The identifiers of `sql` as written (the parse tree holds them already truncated)."""
    try:
        tokens = scan(sql)
    except ParseError:  # an unterminated quote: LW404 reports the SQL as unreadable
        return
    for token in tokens:
        if token.name == "IDENT":
            text = sql[token.start : token.end + 1]
            quoted = text.startswith('"')
            yield text[1:-1].replace('""', '"') if quoted else text.lower()


RULE = Rule(
    id="LW506",
    name="identifier-too-long",
    severity="warning",
    summary="A table, column, index or constraint name longer than 63 bytes",
    lock="",
    blocks="nothing: the name is silently changed",
    why=(
        "PostgreSQL keeps at most 63 bytes of an identifier (NAMEDATALEN - 1) and cuts "
        "longer ones with a NOTICE that migration logs rarely show. Queries still work, "
        "since every reference is cut the same way, but the catalog now holds a name the "
        "code never wrote: autogenerate and `alembic check` see a difference forever, tools "
        "that compare names miss it, and two long names that share their first 63 bytes "
        "become one, so the second CREATE fails. Bytes, not characters: 32 accented "
        "letters already exceed it. SQLAlchemy checks its own constraint and index names, "
        "but not table and column names or raw SQL."
    ),
    fix=_GOOD,
    check=check,
    bad=(
        Example(
            setup=_SETUP,
            upgrade=f'op.add_column("orders", sa.Column("{_LONG}", sa.DateTime(timezone=True)))',
        ),
    ),
    good=(
        Example(setup=_SETUP, upgrade=_GOOD),
        Example(setup=_SETUP, upgrade=f"op.execute(\"COMMENT ON TABLE orders IS '{_LONG}'\")"),
    ),
    aliases={"squawk": "identifier-too-long"},
    downgrades=False,
)
