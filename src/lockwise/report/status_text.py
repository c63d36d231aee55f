"""`lockwise status` for people and for scripts: where the database is, what to run."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from lockwise.release.status import StatusReport


def render(report: StatusReport) -> str:
    """The state in a few lines, each problem followed by the commands that fix it."""
    version = report.version
    heads = ", ".join(version.heads) or "none"
    at = ", ".join(version.current) or "no revision"
    lines = [f"lockwise status on {report.database} (PostgreSQL {report.postgres})"]
    if version.state == "untracked":
        lines.append(f"the database has no version table; head {heads}")
    else:
        lines.append(f"the database is at {at}; head {heads}")
    if report.ok:
        lines.append("at head, nothing to fix")
        return "\n".join(lines)
    count = len(report.problems)
    lines.append(f"{count} problem{'s' * (count != 1)}:")
    for problem in report.problems:
        lines.append(f"- {problem.message}")
        lines += [f"    {command}" for command in problem.commands]
    return "\n".join(lines)


def as_dict(report: StatusReport) -> dict[str, Any]:
    """The report as JSON types: version 1 of this layout."""
    return {
        "version": 1,
        "database": report.database,
        "postgres": report.postgres,
        "revision": asdict(report.version),
        "pending": list(report.pending),
        "problems": [asdict(problem) for problem in report.problems],
        "ok": report.ok,
    }
