"""`lockwise review --format github`: GitHub Actions workflow commands, one per finding.

Each line becomes an annotation on the pull request's diff, at the finding's file and line:
https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands

GitHub shows 10 error and 10 warning annotations per step (50 per job) and drops the
rest in the order they were printed; undocumented, see
https://github.com/orgs/community/discussions/26680. So the most severe come first, and
past ten one notice says how many more there are.
"""

from __future__ import annotations

from collections import Counter

from lockwise.migrate.steps import MigrationFailure
from lockwise.report.paths import AS_GIVEN, Paths
from lockwise.review.findings import Finding, NotReviewed, ReviewReport

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
_ORDER = ("error", "warning", "notice")
_NOUN = {"error": "error", "warning": "warning", "notice": "info"}
LIMIT = 10  # annotations in all, the notice of what was left off included


def render(report: ReviewReport, paths: Paths = AS_GIVEN, limit: int = LIMIT) -> str:
    """One `::error`/`::warning`/`::notice` line per finding, failure and unreached revision.

    Errors come first (failed migrations, unreached revisions, then error findings), then
    warnings, then infos, each in report order. Past `limit` lines, the least severe are
    left off and one `::notice::` line, the last, says how many.
    """
    annotations = sorted(_annotations(report, paths), key=lambda pair: _ORDER.index(pair[0]))
    if len(annotations) > limit:
        kept = max(limit - 1, 0)
        left = [kind for kind, _ in annotations[kept:]]
        annotations = [*annotations[:kept], ("notice", _left_off(left))]
    return "".join(f"{line}\n" for _, line in annotations)


def _annotations(report: ReviewReport, paths: Paths) -> list[tuple[str, str]]:
    """(command, line) for each failure, unreached revision and finding, in that order."""
    return [
        *(("error", _failure(failure, paths)) for failure in report.failures),
        *(("error", _not_reviewed(item)) for item in report.not_reviewed),
        *((_COMMAND[f.severity], _finding(f, paths)) for f in report.findings),
    ]


def _left_off(kinds: list[str]) -> str:
    counts = Counter(kinds)
    listed = ", ".join(_plural(counts[kind], _NOUN[kind]) for kind in _ORDER if counts[kind])
    message = (
        f"{len(kinds)} more not annotated here ({listed}): GitHub shows about ten annotations"
        " per step; lockwise review --format text --infos or --format sarif lists them all"
    )
    return f"::notice::{escape_data(message)}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _not_reviewed(item: NotReviewed) -> str:
    title = f"{item.revision} was not reviewed"
    return f"::error title={escape_property(title)}::{escape_data(item.reason)}"


def _finding(finding: Finding, paths: Paths) -> str:
    title = f"{finding.rule} {finding.name}"
    message = f"{finding.message}\n\nfix:\n{finding.fix}"
    file = paths.show(finding.file)
    return _command(_COMMAND[finding.severity], file, finding.line, title, message)


def _failure(failure: MigrationFailure, paths: Paths) -> str:
    title = f"{failure.direction} of {failure.revision or failure.file} failed"
    message = f"{failure.sql}\n{failure.error}" if failure.sql else failure.error
    return _command("error", paths.show(failure.file), failure.line, title, message)


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
