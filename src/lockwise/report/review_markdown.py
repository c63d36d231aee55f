"""`lockwise review --format markdown`: the review as a pull-request comment."""

from __future__ import annotations

import html
import re

from lockwise.migrate.steps import MigrationFailure
from lockwise.report.lock_words import held
from lockwise.report.review_text import location, not_reviewed_line, production, summary
from lockwise.review.findings import Finding, ReviewReport

_ICON = {"error": ":x:", "warning": ":warning:", "info": ":information_source:"}


def render(report: ReviewReport) -> str:
    """Return the review as GitHub-flavoured Markdown."""
    parts = [f"## lockwise review — {summary(report)}", f"On PostgreSQL {report.postgres}."]
    if report.findings:
        parts.append(_table(report.findings))
        parts += [_details(finding) for finding in report.findings]
    if report.failures:
        parts.append("### Migrations that failed")
        parts += [_failure(failure) for failure in report.failures]
    if report.not_reviewed:
        parts.append(f"### {not_reviewed_line(report).capitalize()}")
        parts.append("\n".join(f"- `{i.revision}`: {_cell(i.reason)}" for i in report.not_reviewed))
    return "\n\n".join(parts) + "\n"


def _table(findings: tuple[Finding, ...]) -> str:
    rows = ["| severity | rule | where | message |", "| --- | --- | --- | --- |"]
    for finding in findings:
        cells = (
            f"{_ICON[finding.severity]} {finding.severity}",
            f"{finding.rule} {_cell(finding.name)}",
            _code_cell(location(finding.file, finding.line)),
            _cell(finding.message),
        )
        rows.append(f"| {' | '.join(cells)} |")
    return "\n".join(rows)


def _details(finding: Finding) -> str:
    where = html.escape(location(finding.file, finding.line))
    title = f"<b>{finding.rule} {html.escape(finding.name)}</b> at <code>{where}</code>"
    body = [f"<details>\n<summary>{title}</summary>", html.escape(finding.message, quote=False)]
    if finding.sql:
        body.append(_fenced("sql", finding.sql))
    facts = [held(finding.lock, finding.table)] if finding.lock else []
    facts += [production(finding)] if production(finding) else []
    if facts:
        body.append("\n".join(f"- {html.escape(fact, quote=False)}" for fact in facts))
    body += ["Fix:", _fenced("python", finding.fix), "</details>"]
    return "\n\n".join(body)


def _failure(failure: MigrationFailure) -> str:
    where = location(failure.file, failure.line)
    parts = [f"**{failure.revision or failure.file}** {failure.direction} failed at `{where}`"]
    if failure.sql:
        parts.append(_fenced("sql", failure.sql))
    parts.append(_fenced("text", failure.error))
    return "\n\n".join(parts)


def _cell(text: str) -> str:
    """Text made safe for one cell of a Markdown table."""
    escaped = html.escape(text, quote=False).replace("|", "\\|")
    return "<br>".join(escaped.splitlines())


def _code_cell(text: str) -> str:
    """Code for one table cell: a code span shows entities literally, so only `|` is escaped."""
    return "`" + text.replace("|", "\\|") + "`"


def _fenced(language: str, code: str) -> str:
    """A fenced code block whose fence is longer than any run of backticks inside it."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code}\n{fence}"
