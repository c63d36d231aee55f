"""`lockwise verify --format json`: the verify report as a stable, versioned document."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from lockwise.database.catalog import Value
from lockwise.testing.catalog_drift import Difference
from lockwise.testing.verify import VerifyReport

VERSION = 1


def render(report: VerifyReport) -> str:
    """Return the report as JSON text."""
    return json.dumps(as_dict(report), indent=2)


def as_dict(report: VerifyReport) -> dict[str, Any]:
    """Return the report as plain data."""
    status = report.version
    return {
        "version": VERSION,
        "ok": report.ok,
        "project": report.project,
        "database": report.database,
        "postgres": report.postgres,
        "seconds": round(report.seconds, 3),
        "revision": {**asdict(status), "ok": status.ok, "message": status.message},
        "drift": [_difference(d) for d in report.comparison.differences],
        "not_compared": [
            {"reason": group.reason, "objects": list(group.labels)}
            for group in report.comparison.not_compared
        ],
        "excluded": list(report.excluded),
        "tables": [asdict(table) for table in report.tables],
        "indexes": [asdict(index) for index in report.indexes],
        "notes": list(report.notes),
    }


def _difference(difference: Difference) -> dict[str, Any]:
    return {
        "where": difference.where,
        "kind": difference.kind,
        "object": difference.label,
        "attribute": difference.attribute or None,
        "models": _plain(difference.models),
        "database": _plain(difference.database),
    }


def _plain(value: Value) -> Any:
    return list(value) if isinstance(value, tuple) else value
