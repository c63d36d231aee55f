"""`lockwise review --format json`: the review as a stable, versioned document (DESIGN.md)."""

from __future__ import annotations

import json
from typing import Any

from lockwise.capture.facts import Statement
from lockwise.migrate.steps import MigrationFailure
from lockwise.review.findings import Finding, ReviewReport

VERSION = 1


def render(report: ReviewReport) -> str:
    """Return the review as JSON text."""
    return json.dumps(as_dict(report), indent=2)


def as_dict(report: ReviewReport) -> dict[str, Any]:
    """Return the review as plain data: findings, statements, failures, what was not reached."""
    return {
        "version": VERSION,
        "postgres": report.postgres,
        "findings": [finding_dict(finding) for finding in report.findings],
        "statements": [_statement(statement) for statement in report.statements],
        "failures": [_failure(failure) for failure in report.failures],
        "not_reviewed": [
            {"revision": item.revision, "reason": item.reason} for item in report.not_reviewed
        ],
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity,
        "revision": finding.revision,
        "direction": finding.direction,
        "file": finding.file,
        "line": finding.line,
        "sql": finding.sql,
        "message": finding.message,
        "fix": finding.fix,
        "fixable": finding.fixable,
        "lock": finding.lock,
        "aliases": dict(finding.aliases),
        "measured": finding.measured,
    }
    return data | _production(finding)


def _production(finding: Finding) -> dict[str, Any]:
    """The optional keys: the table, its production size, the estimated lock time."""
    data: dict[str, Any] = {}
    if finding.table:
        data["table"] = finding.table
    if finding.size is not None:
        data["rows"] = finding.size.rows
        data["bytes"] = finding.size.bytes
    if finding.estimated_lock_s is not None:
        data["estimated_lock_s"] = round(finding.estimated_lock_s, 3)
    return data


def _statement(statement: Statement) -> dict[str, Any]:
    return {
        "revision": statement.revision,
        "direction": statement.direction,
        "file": statement.file,
        "line": statement.line,
        "sql": statement.sql,
        "transactional": statement.transactional,
        "duration_ms": round(statement.duration_ms, 3),
        "locks": [{"relation": lock.relation, "mode": lock.mode} for lock in statement.locks],
        "rewrites": list(statement.rewrites),
        "scans": list(statement.scans),
        "locks_measured": statement.locks_measured,
    }


def _failure(failure: MigrationFailure) -> dict[str, Any]:
    return {
        "revision": failure.revision,
        "direction": failure.direction,
        "file": failure.file,
        "line": failure.line,
        "sql": failure.sql,
        "error": failure.error,
    }
