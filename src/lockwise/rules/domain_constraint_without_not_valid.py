"""LW220 domain-constraint-without-not-valid: ALTER DOMAIN checks every column of the domain."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import ConstrType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts

_LOCK = "ShareLock"
_SETUP = (
    "CREATE DOMAIN amount AS numeric;"
    " CREATE TABLE payments (id bigint PRIMARY KEY, paid amount, refunded amount);"
    " INSERT INTO payments SELECT g, g, 0 FROM generate_series(1, 100) g"
)
_ADD = "ALTER DOMAIN amount ADD CONSTRAINT amount_not_negative CHECK (VALUE >= 0)"


def _name(parts: tuple[ast.String, ...] | None) -> str:
    """A domain's name, bare in `public`."""
    return ".".join(str(part.sval) for part in parts or ()).removeprefix("public.")


def _change(node: ast.AlterDomainStmt) -> str:
    """What the ALTER DOMAIN adds that old values must pass now, or "" when nothing is checked."""
    if node.subtype == "O":  # SET NOT NULL
        return f"ALTER DOMAIN {_name(node.typeName)} SET NOT NULL"
    added = node.def_
    if node.subtype != "C" or not isinstance(added, ast.Constraint) or added.skip_validation:
        return ""
    named = f"CONSTRAINT {added.conname} " if added.conname else ""
    kind = "NOT NULL" if added.contype == ConstrType.CONSTR_NOTNULL else "CHECK"
    return f"ALTER DOMAIN {_name(node.typeName)} ADD {named}{kind}"


def _checked_tables(facts: RevisionFacts, statement: StatementFacts) -> list[str] | None:
    """The existing tables measured scanned under SHARE; None when nothing was measured."""
    if not (facts.measured and statement.captured.locks_measured):
        return None
    return [
        table
        for table in statement.captured.scans
        if statement.existed_before(table) and statement.holds(_LOCK, table)
    ]


def _made_earlier(facts: RevisionFacts, statement: StatementFacts, domain: str) -> bool:
    """A CREATE DOMAIN before `statement` made the domain: no table of the past can use it."""
    made = facts.of_type(ast.CreateDomainStmt)
    return any(s.index < statement.index and _name(n.domainname) == domain for s, n in made)


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag domain constraints checked at once against the columns of existing tables."""
    for statement, node in facts.of_type(ast.AlterDomainStmt):
        change, domain = _change(node), _name(node.typeName)
        tables = _checked_tables(facts, statement) if change else []
        if tables is None and not _made_earlier(facts, statement, domain):
            tables = [f"every table with a column of type {domain}"]
        if tables:
            where = ", ".join(tables)
            yield Hit(
                f"{change} reads every {domain} value in {where} under SHARE: writes to "
                f"{where} wait for the whole scan, and until the migration commits",
                statement.index,
            )


RULE = Rule(
    id="LW220",
    name="domain-constraint-without-not-valid",
    severity="error",
    summary=(
        "ALTER DOMAIN ... ADD CONSTRAINT without NOT VALID, or SET NOT NULL, on a domain "
        "that columns of existing tables use"
    ),
    lock=_LOCK,
    blocks="INSERT, UPDATE and DELETE on every table with a column of the domain, for the scan",
    why=(
        # https://www.postgresql.org/docs/current/sql-alterdomain.html (ADD ... NOT VALID,
        # VALIDATE CONSTRAINT); the lock is not documented: measured on PostgreSQL 15 and 18.
        "A constraint added to a domain holds for every column of that type, so ALTER DOMAIN "
        "... ADD CONSTRAINT (and SET NOT NULL) reads every such column of every table, and "
        "holds SHARE on each table while it does: reads go on, writes to all of them queue "
        "for the whole scan and then until the migration commits. Added NOT VALID, the "
        "constraint checks new values at once and reads nothing. Its VALIDATE CONSTRAINT "
        "reads the old values later, but still under SHARE before PostgreSQL 19 (SHARE "
        "UPDATE EXCLUSIVE from 19): give it a revision of its own, at a quiet hour. To check "
        "old values with writes going on before 19, put the CHECK on each column instead "
        "(ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT on the table). NOT NULL "
        "cannot be NOT VALID on a domain: use CHECK (VALUE IS NOT NULL) NOT VALID."
    ),
    fix=(
        "# revision 1: new values are checked at once, old ones are not read\n"
        f'op.execute("{_ADD} NOT VALID")\n'
        "# revision 2, on its own: reads every amount (SHARE before PostgreSQL 19)\n"
        "with op.get_context().autocommit_block():\n"
        '    op.execute("ALTER DOMAIN amount VALIDATE CONSTRAINT amount_not_negative")'
    ),
    check=check,
    bad=(
        Example(setup=_SETUP, upgrade=f'op.execute("{_ADD}")'),
        Example(setup=_SETUP, upgrade='op.execute("ALTER DOMAIN amount SET NOT NULL")'),
    ),
    good=(
        Example(setup=_SETUP, upgrade=f'op.execute("{_ADD} NOT VALID")'),
        Example(
            upgrade=(
                'op.execute("CREATE DOMAIN amount AS numeric")\n'
                'op.execute("CREATE TABLE payments (id bigint PRIMARY KEY, paid amount)")\n'
                f'op.execute("{_ADD}")'
            ),
        ),
    ),
    aliases={"squawk": "ban-alter-domain-with-add-constraint"},
    versions=(
        "PostgreSQL 19 (in development, commit 16a0039): VALIDATE CONSTRAINT on a domain "
        "takes SHARE UPDATE EXCLUSIVE instead of SHARE"
    ),
)
