"""`lockwise review` for a terminal: findings grouped by revision, then a summary line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text

from lockwise.migrate.steps import MigrationFailure
from lockwise.report.lock_words import held
from lockwise.review.findings import Finding, ReviewReport

SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
SQL_WIDTH = 100  # a statement is shown to this many characters (JSON keeps it whole)


@dataclass
class _Section:
    """The findings and failures of one direction of one revision (or one SQL file)."""

    name: str
    direction: str
    findings: list[Finding] = field(default_factory=list)
    failures: list[MigrationFailure] = field(default_factory=list)


def render(report: ReviewReport, infos: bool = False) -> RenderableType:
    """Return the rich renderable for the whole review.

    Info findings are counted per revision unless `infos` asks for each one.
    """
    title = (
        f"lockwise review on PostgreSQL {report.postgres}"
        if report.postgres
        else "lockwise review of plain SQL (parsed, nothing measured)"
    )
    parts: list[RenderableType] = [Text(title)]
    parts += [_section(section, infos) for section in _sections(report)]
    if report.not_reviewed:
        parts.append(_not_reviewed(report))
    parts.append(_summary(report))
    return Group(*parts)


def _not_reviewed(report: ReviewReport) -> RenderableType:
    heading = Text(f"\n{not_reviewed_line(report)}:", style="bold red")
    lines = [Text(f"  {item.revision}: {item.reason}") for item in report.not_reviewed]
    return Group(heading, *lines)


def not_reviewed_line(report: ReviewReport) -> str:
    """`2 revisions not reviewed` (they could not be reached), or ""."""
    count = len(report.not_reviewed)
    return f"{_plural(count, 'revision')} not reviewed" if count else ""


def production(finding: Finding) -> str:
    """The finding's production facts in words, or "" without `--stats-from`.

    For example `orders: 1,200,000 rows, 85 MB in production; lock held for about 42 s`.
    """
    facts = []
    if finding.size is not None:
        rows, size = finding.size.rows, _bytes(finding.size.bytes)
        facts.append(f"{finding.table or 'the table'}: {rows:,} rows, {size} in production")
    if finding.estimated_lock_s is not None:
        facts.append(f"lock held for about {_seconds(finding.estimated_lock_s)}")
    return "; ".join(facts)


def location(file: str, line: int | None) -> str:
    """`file:line`, or the file alone when the line is unknown."""
    return f"{file}:{line}" if line else file


def _sections(report: ReviewReport) -> list[_Section]:
    sections: dict[tuple[str, str], _Section] = {}
    items: tuple[Finding | MigrationFailure, ...] = (*report.findings, *report.failures)
    for item in items:
        key = (item.revision or item.file, item.direction)
        section = sections.setdefault(key, _Section(*key))
        if isinstance(item, Finding):
            section.findings.append(item)
        else:
            section.failures.append(item)
    order = {revision: index for index, revision in enumerate(report.revisions)}
    return sorted(sections.values(), key=lambda s: order.get(s.name, len(order)))


def _section(section: _Section, infos: bool) -> RenderableType:
    parts: list[RenderableType] = [
        Text(f"\n{section.name} {section.direction}", style="bold underline")
    ]
    shown = [f for f in section.findings if infos or f.severity != "info"]
    parts += [_finding(finding) for finding in shown]
    parts += [_failure(failure) for failure in section.failures]
    folded = Counter(f.rule for f in section.findings if f not in shown)
    if folded:
        rules = ", ".join(f"{rule} x{count}" for rule, count in sorted(folded.items()))
        note = f"{_plural(folded.total(), 'info finding')} ({rules}): --infos shows them"
        parts += [Text(""), _Indented(Text(note, style="dim"), 2)]
    return Group(*parts)


def _finding(finding: Finding) -> RenderableType:
    header = Text.assemble(
        (location(finding.file, finding.line), "bold"),
        "  ",
        (finding.severity, SEVERITY_STYLE[finding.severity]),
        f"  {finding.rule} {finding.name}",
    )
    if not finding.measured:
        header.append("  (from the SQL alone, not measured)", style="dim")
    return Group(Text(""), _Indented(header, 2), _indented(_details(finding), 4))


def _details(finding: Finding) -> list[RenderableType]:
    lines: list[RenderableType] = [Text(finding.message)]
    if finding.sql:
        lines.append(Text(shortened(finding.sql), style="dim"))
    if finding.lock:
        lines.append(Text(held(finding.lock, finding.table)))
    if production(finding):
        lines.append(Text(production(finding), style="yellow"))
    lines.append(
        Text("fix (review --fix applies it):" if finding.fixable else "fix:", style="green")
    )
    lines.append(_indented([Text(finding.fix, style="green")], 2))
    return lines


def _failure(failure: MigrationFailure) -> RenderableType:
    where = location(failure.file, failure.line)
    title = Text(f"  {failure.direction} failed at {where}", style="bold red")
    lines: list[RenderableType] = []
    if failure.sql:
        lines.append(Text(f"SQL: {shortened(failure.sql)}", style="dim"))
    lines.append(Text(f"PostgreSQL: {failure.error}" if failure.sql else failure.error))
    return Group(Text(""), title, _indented(lines, 4))


def shortened(sql: str, width: int = SQL_WIDTH) -> str:
    """The statement's first line, cut to `width` characters, with ` …` when it goes on.

    A finding points at its line: `CREATE TABLE users ( …` says which statement, and the
    whole of it, printed under each of its findings, buries them.
    """
    text = sql.strip()
    first = text.split("\n", 1)[0].rstrip()
    if len(first) > width:  # at a space in its second half: `REFERENCES accounts …`
        cut = first[: width - 2]
        space = cut.rfind(" ")
        first = (cut[:space] if space > width // 2 else cut).rstrip()
    return first if first == text else f"{first} …"


def _indented(lines: Sequence[RenderableType], spaces: int) -> _Indented:
    return _Indented(Group(*lines), spaces)


class _Indented:
    """Lines wrapped to the width left after a margin, without padding them on the right.

    (rich's `Padding` pads each line to the full width: trailing spaces in logs and snapshots.)
    """

    def __init__(self, renderable: RenderableType, spaces: int) -> None:
        self.renderable = renderable
        self.spaces = spaces

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        inner = options.update_width(max(options.max_width - self.spaces, 20))
        for line in console.render_lines(self.renderable, inner, pad=False):
            yield Segment(" " * self.spaces)
            yield from _rstrip(line)
            yield Segment.line()


def _rstrip(line: list[Segment]) -> list[Segment]:
    """The line without the space rich leaves where it wrapped a long line."""
    if not line or line[-1].control:
        return line
    last = line[-1]
    return [*line[:-1], Segment(last.text.rstrip(), last.style)]


def summary(report: ReviewReport) -> str:
    """The closing line: `3 findings: 1 error, 1 warning, 1 info in 2 revisions`."""
    severities = [finding.severity for finding in report.findings]
    counts = ", ".join(
        _plural(severities.count(severity), severity) for severity in ("error", "warning", "info")
    )
    revisions = _plural(len(_revisions(report)), "revision")
    line = f"{_plural(len(severities), 'finding')}: {counts} in {revisions}"
    if report.failures:
        line += f"; {_plural(len(report.failures), 'migration')} failed"
    if report.not_reviewed:
        line += f"; {not_reviewed_line(report)} (unreachable)"
    return line


def _summary(report: ReviewReport) -> Text:
    severities = {finding.severity for finding in report.findings}
    style = "bold green"
    if "warning" in severities:
        style = "bold yellow"
    if "error" in severities or report.failures or report.not_reviewed:
        style = "bold red"
    return Text(f"\n{summary(report)}", style=style)


def _revisions(report: ReviewReport) -> set[str]:
    """The revisions reviewed: as the report lists them, else as its contents name them."""
    if report.revisions:
        return set(report.revisions)
    items: Iterable[Finding | MigrationFailure] = (*report.findings, *report.failures)
    named = {item.revision or item.file for item in items}
    return named | {statement.revision or statement.file for statement in report.statements}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _bytes(size: int) -> str:
    """Like PostgreSQL's `pg_size_pretty`: whole units of 1024."""
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 10 * 1024:
            return f"{value:.0f} {unit}"
        value /= 1024
    return f"{value:.0f} TB"


def _seconds(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"
