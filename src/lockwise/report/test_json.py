"""`lockwise test --format json`: the test report as a stable, versioned document."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from lockwise.testing.report import TestReport

VERSION = 1


def render(report: TestReport) -> str:
    """Return the report as JSON text."""
    return json.dumps(as_dict(report), indent=2)


def as_dict(report: TestReport) -> dict[str, Any]:
    """Return the report as plain data."""
    return {
        "version": VERSION,
        "ok": report.ok,
        "project": report.project,
        "postgres": report.postgres,
        "heads": list(report.heads),
        "seconds": round(report.seconds, 3),
        "revisions": [_step(step) for step in report.steps],
        "not_run": [
            {"revision": step.revision, "reason": step.note.removeprefix("not run: ")}
            for step in report.steps
            if step.up == "skipped"
        ],
        "drift": asdict(report.drift) if report.drift else None,
    }


def _step(step: Any) -> dict[str, Any]:
    data = asdict(step)
    data["ok"] = step.ok
    data["seconds"] = round(step.seconds, 3)
    return data
