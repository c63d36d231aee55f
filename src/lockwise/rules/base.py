"""What a rule is: its identity, its reasoning, its check, and examples that are tests.

A rule module builds one `Rule`. Its `check` reads the facts of one revision in one
direction (`RevisionFacts`: every statement with its parse tree and what PostgreSQL
measured for it) and yields `Hit`s; the review engine turns hits into findings with
the file, line, SQL and fix. The rule's `bad` examples must be flagged and its `good`
examples must not be, on a real server: `tests/rules/test_rules.py` runs them all.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import pglast
from pglast import ast

from lockwise.capture.facts import Lock, Statement
from lockwise.migrate.steps import MigrationFailure

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")


@dataclass(frozen=True)
class Example:
    """A migration that shows the rule: `upgrade` is the body of `upgrade()`.

    `setup` is SQL run in an earlier revision (the existing schema and its rows).
    """

    upgrade: str
    setup: str = ""
    downgrade: str = "pass"
    async_env: bool = False


@dataclass(frozen=True)
class Hit:
    """One thing a rule found: on a statement (by index), or on the revision.

    A hit on the revision may name the function it is about (`upgrade` or
    `downgrade`): the finding then points at that function's `def` line.
    """

    message: str
    statement: int | None = None
    function: str = ""


@dataclass(frozen=True)
class StatementFacts:
    """A captured statement, with its parse tree from PostgreSQL's own parser (pglast)."""

    index: int
    captured: Statement

    @cached_property
    def node(self) -> ast.Node | None:
        """The statement's parse tree, or None when pglast cannot parse it."""
        for sql in (self.captured.sql, _numbered_placeholders(self.captured.sql)):
            try:
                parsed = pglast.parse_sql(sql)
            except pglast.parser.ParseError:
                continue
            return parsed[0].stmt if len(parsed) == 1 else None
        return None

    @property
    def sql(self) -> str:
        """The SQL as the migration sent it."""
        return self.captured.sql

    def holds(self, mode: str, relation: str | None = None) -> bool:
        """True when PostgreSQL measured this lock mode (on `relation`, if given)."""
        return any(
            lock.mode == mode and (relation is None or lock.relation == relation)
            for lock in self.captured.locks
        )

    def locks_on(self, relation: str) -> tuple[Lock, ...]:
        """The measured locks on one relation."""
        return tuple(lock for lock in self.captured.locks if lock.relation == relation)

    def existed_before(self, relation: str) -> bool:
        """False when `relation` was created earlier in the same revision."""
        return relation not in self.captured.created_before


@dataclass(frozen=True)
class RevisionFacts:
    """Everything a rule may read about one direction of one revision.

    Attributes:
        revision: The revision id.
        direction: Which way it ran.
        statements: Every statement, in order, with measured facts.
        target_version: The production PostgreSQL major version (config; default 15).
        settings: The project's `[tool.lockwise]` settings.
        failure: Set when the migration failed; the statements stop at the failing one.
        downgrade_empty: The revision's `downgrade()` does nothing.
        irreversible: Its downgrade says `# lockwise: irreversible`.
        async_env: env.py runs migrations through an async engine.
        measured: False for plain SQL files reviewed statically (no locks, no scans).
    """

    revision: str
    direction: Literal["upgrade", "downgrade"]
    statements: tuple[StatementFacts, ...]
    target_version: int = 15
    settings: Mapping[str, Any] = field(default_factory=dict)
    failure: MigrationFailure | None = None
    downgrade_empty: bool = False
    irreversible: bool = False
    async_env: bool = False
    measured: bool = True

    def made_earlier(self, statement: StatementFacts, table: str) -> bool:
        """A CREATE TABLE before `statement` made `table`, by the parse tree alone."""
        return self._creations.get(table, statement.index) < statement.index

    def enum_made_earlier(self, statement: StatementFacts, name: str) -> bool:
        """A CREATE TYPE ... AS ENUM before `statement` made the enum `name`."""
        return self._enum_creations.get(name, statement.index) < statement.index

    @cached_property
    def _creations(self) -> dict[str, int]:
        """Each table a CREATE TABLE makes, with the index of the first one that does."""
        made: dict[str, int] = {}
        for statement, node in self.of_type(ast.CreateStmt):
            made.setdefault(relation_name(node.relation), statement.index)
        return made

    @cached_property
    def _enum_creations(self) -> dict[str, int]:
        made: dict[str, int] = {}
        for statement, node in self.of_type(ast.CreateEnumStmt):
            made.setdefault(str(node.typeName[-1].sval), statement.index)  # a name list
        return made

    def existed_before(self, statement: StatementFacts, table: str) -> bool:
        """The table existed before the revision, by measurement and by the parse tree.

        The parse tree covers what nothing measured: a failed migration, plain SQL.
        """
        return statement.existed_before(table) and not self.made_earlier(statement, table)

    def locked_while_scanned(self, statement: StatementFacts, table: str, mode: str) -> bool:
        """`mode` held on an existing `table` while this statement scanned it.

        Unmeasured (plain SQL, a failed run): true unless the revision created the table.
        """
        if self.measured and statement.captured.locks_measured:
            return (
                statement.existed_before(table)
                and statement.holds(mode, table)
                and table in statement.captured.scans
            )
        return not self.made_earlier(statement, table)

    def of_type(self, kind: type[ast.Node]) -> Iterator[tuple[StatementFacts, Any]]:
        """The statements whose parse tree is a `kind` node, with that node.

        One pass over the statements per kind, however many rules ask: a file of
        thousands of statements stays linear.
        """
        if kind not in self._kinds:
            found = [(s, s.node) for s in self.statements if isinstance(s.node, kind)]
            self._kinds[kind] = found
        yield from self._kinds[kind]

    @cached_property
    def _kinds(self) -> dict[type[ast.Node], list[tuple[StatementFacts, Any]]]:
        return {}


Check = Callable[[RevisionFacts], Iterator[Hit]]

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s")


def _numbered_placeholders(sql: str) -> str:
    """Driver placeholders (`%(name)s`, `%s`) as PostgreSQL's `$1`, `$2`, for parsing."""
    counter = iter(range(1, 10_000))
    numbered = _PLACEHOLDER.sub(lambda _match: f"${next(counter)}", sql)
    return numbered.replace("%%", "%")


@dataclass(frozen=True)
class Rule:
    """A hazard lockwise knows: its identity, reasoning, check, and examples.

    Attributes:
        id: Stable id, e.g. `LW207`.
        name: Kebab-case name, e.g. `index-not-concurrent`; the module is its snake_case.
        severity: Default severity; config may override it.
        summary: One line: what the rule flags.
        lock: The lock the rule is about, as `pg_locks.mode` spells it, or "".
        blocks: What that lock blocks, in words ("writes to the table").
        why: Why it hurts, in a paragraph.
        fix: The safe alternative, as Alembic code.
        check: Reads one revision's facts and yields hits.
        bad: Examples the rule must flag.
        good: Examples the rule must leave alone.
        aliases: Equivalent checks elsewhere: {"squawk": ..., "strong_migrations": ...};
            several checks of one tool are separated by ", ".
        versions: PostgreSQL version conditions, in words ("" when none).
        downgrades: False for rules that do not apply to downgrades: dropping in
            `downgrade()` what `upgrade()` created is the expected reverse.
        scope: What review reads to find it: `statements` (the rule's `check`), `file`
            (the migration file's text: LW001), `history` (the revision graph: LW410) or
            `manifest` (the files against lockwise.sum: LW411).
            Only `statements` rules check facts; the others are found by review itself.
    """

    id: str
    name: str
    severity: Severity
    summary: str
    lock: str
    blocks: str
    why: str
    fix: str
    check: Check
    bad: tuple[Example, ...]
    good: tuple[Example, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)
    versions: str = ""
    downgrades: bool = True
    scope: Literal["statements", "file", "history", "manifest"] = "statements"


def column_definitions(
    facts: RevisionFacts,
) -> Iterator[tuple[StatementFacts, str, str, ast.ColumnDef, str]]:
    """Columns a CREATE TABLE defines or an ALTER TABLE adds or retypes.

    Yields the statement, the table, the column name, its definition, and the last
    part of its type name as the parser spells it (`bpchar`, `timestamp`, `varchar`).
    """
    for statement in facts.statements:
        node = statement.node
        if not isinstance(node, ast.CreateStmt | ast.AlterTableStmt) or node.relation is None:
            continue
        items = node.tableElts if isinstance(node, ast.CreateStmt) else node.cmds
        for item in items or ():
            column = getattr(item, "def_", item)  # an ALTER TABLE command holds its column
            if not isinstance(column, ast.ColumnDef):
                continue
            names = getattr(column.typeName, "names", None) or ()
            kind = str(getattr(names[-1], "sval", "")) if names else ""
            name = column.colname or getattr(item, "name", "")  # ALTER COLUMN name TYPE
            yield statement, relation_name(node.relation), str(name), column, kind


def type_tail(type_name: ast.TypeName) -> str:
    """A type's name without its schema, as the parser spells it (`int8`, `order_status`)."""
    return str(type_name.names[-1].sval) if type_name.names else ""


def relation_name(node: ast.RangeVar) -> str:
    """A relation as capture names it: bare in `public`, else `schema.name`."""
    schema, name = node.schemaname, str(node.relname)
    return name if schema in (None, "", "public") else f"{schema}.{name}"


def named_relations(node: object) -> list[str]:
    """The relations a parse tree names (its RangeVars), outermost first."""
    return [relation_name(n) for n in _nodes(node) if isinstance(n, ast.RangeVar)]


def named_columns(node: object) -> set[str]:
    """The column names a parse tree refers to (its ColumnRefs), without their qualifiers."""
    return {
        str(n.fields[-1].sval)
        for n in _nodes(node)
        if isinstance(n, ast.ColumnRef) and n.fields and isinstance(n.fields[-1], ast.String)
    }


def _nodes(node: object) -> Iterator[ast.Node]:
    """Every node of a parse tree, breadth first."""
    queue = deque([node])
    while queue:
        current = queue.popleft()
        if isinstance(current, ast.Node):
            yield current
            queue += [getattr(current, name, None) for name in getattr(current, "__slots__", ())]
        elif isinstance(current, tuple):
            queue += list(current)
