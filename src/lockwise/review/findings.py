"""What review reports: findings (a rule, a line, what to write instead) and the statements."""

from __future__ import annotations

from dataclasses import dataclass, field

from lockwise.capture.facts import Statement
from lockwise.database.stats import TableSize
from lockwise.migrate.steps import MigrationFailure
from lockwise.rules.base import SEVERITIES, Severity

FailOn = Severity | None  # None: never fail


@dataclass(frozen=True)
class Finding:
    """One hazard at one line of one migration file.

    Attributes:
        rule: The rule id, e.g. `LW207`.
        name: The rule name, e.g. `index-not-concurrent`.
        severity: After config overrides and production sizes.
        revision: The revision id ("" for plain SQL files).
        direction: `upgrade` or `downgrade` (a downgrade hazard bites during a rollback).
        file: The migration file, relative to the project (or the SQL file).
        line: The line of the `op.*` call, when known.
        sql: The statement, when the finding is about one.
        message: What happens in production, in words.
        fix: The safe alternative, as Alembic code.
        lock: The lock mode the rule is about ("" if none).
        aliases: Equivalent checks in other linters, as (tool, name) pairs.
        measured: False when facts come from parsing alone (plain SQL files).
        table: The table the finding is about, when known (for production sizes).
        size: The table's production size, with `--stats-from`.
        estimated_lock_s: How long the lock may be held in production, with `--stats-from`.
        fixable: `review --fix` can write `fix` in place of the statement.
    """

    rule: str
    name: str
    severity: Severity
    revision: str
    direction: str
    file: str
    line: int | None
    sql: str | None
    message: str
    fix: str
    lock: str = ""
    aliases: tuple[tuple[str, str], ...] = ()
    measured: bool = True
    table: str = ""
    size: TableSize | None = None
    estimated_lock_s: float | None = None
    fixable: bool = False


@dataclass(frozen=True)
class NotReviewed:
    """A selected revision the walk could not reach, and why."""

    revision: str
    reason: str


@dataclass(frozen=True)
class ReviewReport:
    """Everything `lockwise review` found, in revision order.

    Attributes:
        not_reviewed: Selected revisions that could not be reached, with the reason.
        notes: One-line remarks for stderr (a driver lockwise had to replace).
    """

    __test__ = False

    postgres: str
    findings: tuple[Finding, ...]
    statements: tuple[Statement, ...] = ()
    failures: tuple[MigrationFailure, ...] = ()
    revisions: tuple[str, ...] = field(default_factory=tuple)
    not_reviewed: tuple[NotReviewed, ...] = ()
    notes: tuple[str, ...] = ()

    def fails(self, fail_on: FailOn) -> bool:
        """True when a finding reaches `fail_on`, a migration failed or one was not reached."""
        if self.failures or self.not_reviewed:
            return True
        if fail_on is None:
            return False
        floor = SEVERITIES.index(fail_on)
        return any(SEVERITIES.index(f.severity) >= floor for f in self.findings)
