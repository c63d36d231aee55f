"""`lockwise plan --format json`: the release report's five parts, in order.

Top-level keys: `version` (of this layout), `files`, `sql`, `verification`, `warnings`,
`instructions`. `sql` holds the database read with `--url` (null without one) and the
revisions in the order they run, each with its statements and the production sizes of
the tables they touch.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from lockwise.release.plan import PlannedStatement, PlanReport
from lockwise.report.review_json import finding_dict


def as_dict(report: PlanReport) -> dict[str, Any]:
    """The report as JSON types."""
    messages = {f.revision: f.message for f in report.files}
    production = report.production
    return {
        "version": 1,
        "files": [asdict(f) for f in report.files],
        "sql": {
            "database": None
            if production is None
            else {
                "url": production.database,
                "current": list(production.current),
                "bytes": production.bytes,
            },
            "revisions": [
                {
                    "revision": revision,
                    "message": messages.get(revision, ""),
                    "statements": [_statement(s) for s in report.sql if s.revision == revision],
                    "tables": _tables(report, revision),
                }
                for revision in report.revisions
            ],
        },
        "verification": [asdict(check) for check in report.verification],
        "warnings": [finding_dict(finding) for finding in report.warnings],
        "instructions": [
            asdict(step) | {"commands": list(step.commands)} for step in report.instructions
        ],
    }


def _statement(statement: PlannedStatement) -> dict[str, Any]:
    return {
        "file": statement.file,
        "line": statement.line,
        "sql": statement.sql,
        "transactional": statement.transactional,
        "locks": [{"relation": r, "mode": m} for r, m in statement.locks],
        "rewrites": list(statement.rewrites),
        "scans": list(statement.scans),
        "estimated_lock_s": statement.estimated_lock_s,
    }


def _tables(report: PlanReport, revision: str) -> list[dict[str, Any]]:
    """Production rows and bytes of the tables the revision's statements lock."""
    if report.production is None:
        return []
    sizes = report.production.sizes
    named = sorted({r for s in report.sql if s.revision == revision for r, _ in s.locks})
    return [
        {"table": table, "rows": sizes[table].rows, "bytes": sizes[table].bytes}
        for table in named
        if table in sizes
    ]
