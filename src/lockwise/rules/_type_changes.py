"""Whether ALTER COLUMN ... TYPE rewrites the table, by the parse tree alone (plain SQL).

PostgreSQL keeps the rows when the old type is binary-coercible to the new one and no
length or precision check is left to make: varchar(n) to text or to a wider varchar,
numeric(p, s) to a wider precision of the same scale, cidr to inet, xml to text.
https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
LW107 (rewrite) and LW108 (rows kept, indexes rebuilt) both decide from `type_changes`,
so they never say opposite things about one statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal

from pglast import ast
from pglast.enums import AlterTableType, ObjectType
from pglast.stream import RawStream

from lockwise.rules.base import RevisionFacts, StatementFacts, column_definitions, relation_name

Verdict = Literal["rewrite", "keeps rows", "unknown"]

# Built-in types (and citext) the verdicts below know; any other pair is "unknown".
_KNOWN = frozenset(
    {"int2", "int4", "int8", "numeric", "float4", "float8", "money", "text", "varchar"}
    | {"bpchar", "citext", "bool", "date", "time", "timetz", "timestamp", "timestamptz"}
    | {"interval", "uuid", "json", "jsonb", "bytea", "inet", "cidr", "macaddr", "macaddr8"}
    | {"xml", "bit", "varbit", "oid"}
)
_SERIALS = {"smallserial": "int2", "serial2": "int2", "serial": "int4", "serial4": "int4"}
_SERIALS |= {"bigserial": "int8", "serial8": "int8"}
# Binary-coercible casts (pg_cast.castmethod = 'b'; citext's are WITHOUT FUNCTION).
_BINARY = frozenset(
    {("varchar", "text"), ("text", "varchar"), ("text", "bpchar"), ("varchar", "bpchar")}
    | {("cidr", "inet"), ("xml", "text"), ("xml", "varchar"), ("xml", "bpchar")}
    | {("bit", "varbit"), ("int4", "oid"), ("oid", "int4")}
    | {("text", "citext"), ("varchar", "citext"), ("citext", "text"), ("citext", "varchar")}
)
_TEMPORAL = frozenset({"timestamp", "timestamptz", "time", "timetz"})  # at most 6 digits
_INTERVAL_FULL_RANGE = 32767  # interval's typmod when it names no fields (YEAR, DAY TO SECOND)
_ZONED = frozenset({("timestamp", "timestamptz"), ("timestamptz", "timestamp")})


@dataclass(frozen=True)
class TypeChange:
    """One ALTER COLUMN ... TYPE, judged.

    Attributes:
        column: The column.
        old: Its type before, as written in the file, or "" when the file does not say.
        new: The new type, as written.
        verdict: "rewrite", "keeps rows" or "unknown" (the old type is not known).
        command: The ALTER TABLE subcommand.
        why: Why it rewrites, in words, when the verdict is "rewrite".
    """

    column: str
    old: str
    new: str
    verdict: Verdict
    command: Any
    why: str = ""

    @property
    def rebuilds_indexes(self) -> bool:
        """A new collation, or citext, changes the column's index opclass: its indexes are
        rebuilt even when the rows are kept (LW108)."""
        definition = self.command.def_
        return definition.collClause is not None or _parsed(definition.typeName).name == "citext"


@dataclass(frozen=True)
class _Type:
    name: str  # as pg_catalog spells it (varchar, int4); "" for a type the verdicts do not know
    mods: tuple[int, ...] | None  # None: a modifier that is not a plain number
    array: bool
    written: str  # schema-qualified as written, to compare unknown types


def type_changes(facts: RevisionFacts) -> dict[int, list[TypeChange]]:
    """Each statement's ALTER COLUMN ... TYPE commands, by statement index, judged."""
    known: dict[tuple[str, str], ast.ColumnDef | None] = {}
    events, seen = _column_events(facts), 0
    judged: dict[int, list[TypeChange]] = {}
    for statement, node in facts.of_type(ast.AlterTableStmt):
        while seen < len(events) and events[seen][0] < statement.index:
            _, key, definition = events[seen]
            known[key], seen = definition, seen + 1
        table = relation_name(node.relation)
        changes = [c for c in node.cmds if c.subtype == AlterTableType.AT_AlterColumnType]
        if changes:
            judged[statement.index] = [_judge(c, known.get((table, str(c.name)))) for c in changes]
    return judged


def _column_events(facts: RevisionFacts) -> list[tuple[int, tuple[str, str], Any]]:
    """Each column definition in order, and None where a column is dropped or renamed."""
    events: list[tuple[int, tuple[str, str], Any]] = [
        (statement.index, (table, name), column)
        for statement, table, name, column, _kind in column_definitions(facts)
    ]
    for statement, table, name in _forgotten(facts):
        events.append((statement.index, (table, name), None))
    return sorted(events, key=lambda event: event[0])


def _forgotten(facts: RevisionFacts) -> Iterator[tuple[StatementFacts, str, str]]:
    """Columns dropped or renamed (both names): their type is no longer the one defined."""
    for statement, node in facts.of_type(ast.AlterTableStmt):
        for cmd in node.cmds:
            if cmd.subtype == AlterTableType.AT_DropColumn:
                yield statement, relation_name(node.relation), str(cmd.name)
    for statement, node in facts.of_type(ast.RenameStmt):
        if node.renameType == ObjectType.OBJECT_COLUMN and node.relation is not None:
            table = relation_name(node.relation)
            yield statement, table, str(node.subname)
            yield statement, table, str(node.newname)


def _judge(command: Any, old: ast.ColumnDef | None) -> TypeChange:
    new = command.def_.typeName
    written = RawStream()(new)
    if old is None or old.typeName is None:
        return TypeChange(str(command.name), "", written, "unknown", command)
    before, after = _parsed(old.typeName), _parsed(new)
    verdict = _verdict(before, after, command.def_.raw_default, command)
    judged = TypeChange(str(command.name), RawStream()(old.typeName), written, verdict, command)
    return replace(judged, why=_why(judged, before, after)) if verdict == "rewrite" else judged


def _why(change: TypeChange, before: _Type, after: _Type) -> str:
    """Why a change rewrites, in words."""
    if (before.name, after.name) in _ZONED:
        # https://www.postgresql.org/docs/release/12.0/ ("... when the session time zone is UTC")
        return (
            f"{change.old} to {change.new} keeps the rows only while the session's TimeZone is "
            "UTC (PostgreSQL 12+), which a migration cannot count on"
        )
    if change.command.def_.raw_default is not None and _between(before, after) != "rewrite":
        return "its USING expression computes every row's new value"
    return f"from {change.old}, every row's value is converted or checked again"


def _verdict(old: _Type, new: _Type, using: Any, command: Any) -> Verdict:
    """The verdict for one change; a USING clause is judged as the casts it makes."""
    if using is None or _is_column(using, command.name):
        return _between(old, new)
    if isinstance(using, ast.TypeCast) and using.typeName and _is_column(using.arg, command.name):
        via = _parsed(using.typeName)
        steps = [_between(old, via), _between(via, new)]
        return (
            "rewrite" if "rewrite" in steps else "unknown" if "unknown" in steps else "keeps rows"
        )
    return "rewrite"  # an expression computes each row's new value


def _between(old: _Type, new: _Type) -> Verdict:
    if old.written == new.written and old.mods == new.mods and old.array == new.array:
        return "keeps rows" if old.mods is not None else "unknown"
    if not old.name or not new.name or old.mods is None or new.mods is None:
        return "unknown"
    if old.array or new.array:  # an array's elements are coerced one by one: a rewrite
        return "rewrite"
    if old.name == new.name:
        return "keeps rows" if _widens(old.name, old.mods, new.mods) else "rewrite"
    return "keeps rows" if (old.name, new.name) in _BINARY and not new.mods else "rewrite"


def _widens(name: str, old: tuple[int, ...], new: tuple[int, ...]) -> bool:
    """The new modifier admits every value of the old one, so nothing is checked again."""
    if not new:
        return True  # an unconstrained type: no length or precision coercion at all
    if name in ("varchar", "varbit"):
        return bool(old) and new[0] >= old[0]
    if name == "numeric":  # numeric(p) is numeric(p, 0); the scale must stay
        return bool(old) and new[0] >= old[0] and (new[1:] or (0,)) == (old[1:] or (0,))
    if name in _TEMPORAL:
        return new[0] >= 6 or (bool(old) and new[0] >= old[0])
    if name == "interval" and new[0] == _INTERVAL_FULL_RANGE:
        precision = new[1] if len(new) > 1 else 6
        return precision >= 6 or (len(old) > 1 and precision >= old[1])
    return False


def _parsed(type_name: ast.TypeName) -> _Type:
    names = [str(part.sval) for part in type_name.names or ()]
    schema, name = names[:-1], (names[-1] if names else "")
    name = _SERIALS.get(name, name)
    builtin = schema in ([], ["pg_catalog"]) or name == "citext"
    known = name if builtin and name in _KNOWN and not type_name.pct_type else ""
    return _Type(known, _numbers(type_name.typmods), bool(type_name.arrayBounds), ".".join(names))


def _numbers(typmods: Any) -> tuple[int, ...] | None:
    """A type's modifiers (`varchar(10)`: 10), or None when one is not a plain number."""
    values = [getattr(mod, "val", None) for mod in typmods or ()]
    numbers = [value.ival for value in values if isinstance(value, ast.Integer)]
    return tuple(int(n or 0) for n in numbers) if len(numbers) == len(values) else None


def _is_column(node: Any, column: str) -> bool:
    if not isinstance(node, ast.ColumnRef) or not node.fields or len(node.fields) != 1:
        return False
    return getattr(node.fields[0], "sval", None) == column
