"""`lockwise review --format github`: GitHub Actions workflow commands, one per finding.

Each line becomes an annotation on the pull request's diff, at the finding's file and line:
https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
"""

from __future__ import annotations

from lockwise.review.findings import Finding, NotReviewed, ReviewReport
from lockwise.testing.runner import MigrationFailure

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def render(report: ReviewReport) -> str:
    """One `::error`/`::warning`/`::notice` line per finding, failure and unreached revision."""
    lines = [_finding(finding) for finding in report.findings]
    lines += [_failure(failure) for failure in report.failures]
    lines += [_not_reviewed(item) for item in report.not_reviewed]
    return "".join(f"{line}\n" for line in lines)


def _not_reviewed(item: NotReviewed) -> str:
    title = f"{item.revision} was not reviewed"
    return f"::error title={escape_property(title)}::{escape_data(item.reason)}"


def _finding(finding: Finding) -> str:
    title = f"{finding.rule} {finding.name}"
    message = f"{finding.message}\n\nfix:\n{finding.fix}"
    return _command(_COMMAND[finding.severity], finding.file, finding.line, title, message)


def _failure(failure: MigrationFailure) -> str:
    title = f"{failure.direction} of {failure.revision or failure.file} failed"
    message = f"{failure.sql}\n{failure.error}" if failure.sql else failure.error
    return _command("error", failure.file, failure.line, title, message)


def _command(kind: str, file: str, line: int | None, title: str, message: str) -> str:
    properties = {"file": file, "line": str(line) if line else "", "title": title}
    listed = ",".join(
        f"{key}={escape_property(value)}" for key, value in properties.items() if value
    )
    return f"::{kind} {listed}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """Escape a command's message, as `escapeData` of GitHub's actions/toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command's property value, as `escapeProperty` of actions/toolkit does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
