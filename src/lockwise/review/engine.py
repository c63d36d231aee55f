"""Rules over captured facts: findings with their file, line, severity and fix."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from lockwise import interrupts
from lockwise.capture.facts import Capture
from lockwise.config import Settings
from lockwise.database.stats import TableSize
from lockwise.project import Revision
from lockwise.review.facts import revision_facts
from lockwise.review.findings import Finding
from lockwise.revision_files import functions
from lockwise.rewrite import Subject, fix_for
from lockwise.rewrite.as_sql import as_sql
from lockwise.rules import BY_ID, RULES
from lockwise.rules.base import (
    SEVERITIES,
    RevisionFacts,
    Rule,
    Severity,
    StatementFacts,
    named_relations,
)

# With --stats-from: a documented model, not a measurement. A full scan or rewrite
# reads about this many rows a second on ordinary production hardware.
ROWS_PER_SECOND = {"scan": 2_000_000, "rewrite": 500_000}


def active_rules(settings: Settings) -> list[Rule]:
    """The rules the project has not disabled."""
    return [rule for rule in RULES if rule.id not in settings.disable]


def found_by_review(rule_id: str, settings: Settings, **where: Any) -> Finding | None:
    """A finding of a rule review finds itself (LW001, LW410), or None when disabled.

    `where` holds the finding's revision, direction, file, line, message and fix; the
    rule's name, severity (after overrides) and aliases come from the catalog.
    """
    rule = BY_ID[rule_id]
    if rule.id in settings.disable:
        return None
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=settings.severity.get(rule.id, rule.severity),
        sql=None,
        lock=rule.lock,
        aliases=tuple(sorted(rule.aliases.items())),
        **where,
    )


def findings_of(
    capture: Capture,
    revision: Revision,
    file: str,
    settings: Settings,
    async_env: bool = False,
) -> list[Finding]:
    """Run every active rule over one capture."""
    facts = revision_facts(
        capture, revision, settings.target_version, settings.facts_settings(), async_env
    )
    lines = {name: node.lineno for name, node in functions(revision.path).items()}
    return [
        f
        for rule in active_rules(settings)
        for f in _run(rule, facts, file, settings, lines, revision.path)
    ]


def findings_of_facts(facts: RevisionFacts, file: str, settings: Settings) -> list[Finding]:
    """Run every active rule over facts built elsewhere (plain SQL files)."""
    return [f for rule in active_rules(settings) for f in _run(rule, facts, file, settings)]


def _run(
    rule: Rule,
    facts: RevisionFacts,
    file: str,
    settings: Settings,
    function_lines: Mapping[str, int] | None = None,
    path: Path | None = None,
) -> Iterator[Finding]:
    interrupts.check()  # a rule is a step: Ctrl-C stops a long static review here
    function_lines = function_lines or {}
    if facts.direction == "downgrade" and not rule.downgrades:
        return
    severity = settings.severity.get(rule.id, rule.severity)
    if facts.direction == "downgrade":  # a rollback: capped (downgrade_severity)
        severity = min(severity, settings.downgrade_severity, key=SEVERITIES.index)
    for hit in rule.check(facts):
        statement = facts.statements[hit.statement] if hit.statement is not None else None
        captured = statement.captured if statement else None
        line = captured.line if captured else function_lines.get(hit.function)
        table = _table(rule, statement)
        sql = captured.sql if captured else None
        fix = fix_for(Subject.of(rule.id, path, line, sql, table, settings))
        # a plain .sql file (no revision file): the fix as SQL, which --fix does not write
        fix_text = fix.text() if path else as_sql(fix.text(), settings.target_version)
        yield Finding(
            rule=rule.id,
            name=rule.name,
            severity=severity,
            revision=facts.revision,
            direction=facts.direction,
            file=file,
            line=line,
            sql=sql,
            message=hit.message,
            fix=fix_text,
            lock=rule.lock,
            aliases=tuple(sorted(rule.aliases.items())),
            measured=facts.measured,
            table=table,
            fixable=fix.applies and path is not None,
        )


def _table(rule: Rule, statement: StatementFacts | None) -> str:
    """The table a finding is about: the one the statement names, when it holds the lock."""
    if statement is None or not rule.lock:
        return ""
    held = [lock.relation for lock in statement.captured.locks if lock.mode == rule.lock]
    named = named_relations(statement.node)
    return next((r for r in named if r in held), held[0] if held else "")


def with_sizes(
    findings: Iterable[Finding],
    sizes: Mapping[str, TableSize],
    durations: Mapping[tuple[str, int | None, str], str],
    settings: Settings,
) -> list[Finding]:
    """Add production sizes and estimated lock times; raise or lower severity by size."""
    return [_sized(f, sizes, durations, settings) for f in findings]


def _sized(
    finding: Finding,
    sizes: Mapping[str, TableSize],
    durations: Mapping[tuple[str, int | None, str], str],
    settings: Settings,
) -> Finding:
    size = sizes.get(finding.table)
    if size is None or not finding.lock:
        return finding
    work = durations.get((finding.file, finding.line, finding.direction), "")
    estimate = size.rows / ROWS_PER_SECOND[work] if work in ROWS_PER_SECOND else None
    return replace(
        finding,
        size=size,
        estimated_lock_s=round(estimate, 1) if estimate is not None else None,
        severity=_by_size(finding.severity, size.rows, settings),
    )


def _by_size(severity: Severity, rows: int, settings: Settings) -> Severity:
    index = SEVERITIES.index(severity)
    if rows >= settings.large_table_rows:
        index = min(index + 1, len(SEVERITIES) - 1)
    elif rows < settings.small_table_rows:
        index = 0
    return SEVERITIES[index]
