"""`lockwise test` for a terminal: a summary table, then one titled block per problem."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from lockwise.testing.cycle import StepResult
from lockwise.testing.drift import Drift
from lockwise.testing.report import TestReport

_STYLE = {"ok": "green", "irreversible": "yellow", "skipped": "dim"}


def render(report: TestReport) -> RenderableType:
    """Return the rich renderable for the whole report."""
    parts: list[RenderableType] = [_table(report)]
    parts += [
        step_block(step) for step in report.steps if not step.ok or step.note or step.data_problems
    ]
    parts.append(drift_block(report.drift))
    parts.append(_verdict(report))
    return Group(*parts)


def _table(report: TestReport) -> Table:
    table = Table(title=f"lockwise test {report.project} on PostgreSQL {report.postgres}")
    table.add_column("revision", no_wrap=True)
    table.add_column("message", overflow="fold")
    for heading in ("up", "down", "no trace", "up again", "data"):
        table.add_column(heading, no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    for step in report.steps:
        outcomes = (step.up, step.down, step.no_trace, step.up_again, step.data)
        table.add_row(
            step.revision,
            step.message,
            *(_cell(value) for value in outcomes),
            f"{step.seconds * 1000:.0f} ms",
        )
    return table


def _cell(outcome: str) -> Text:
    return Text(outcome, style=_STYLE.get(outcome, "bold red"))


def step_block(step: StepResult) -> RenderableType:
    """One revision's block: its title, its note, then each problem (the pytest plugin's too)."""
    title = Text(f"\n{step.revision} {step.message} ({step.file})", style="bold")
    lines: list[RenderableType] = [title]
    if step.note:
        lines.append(Text(f"  {step.note}"))
    lines += _listing("  downgrade leaves a trace:", step.trace)
    lines += _listing("  upgrading again gives another schema:", step.up_again_diff)
    heading = _DATA_HEADINGS.get(step.data, "  data notes:")
    style = "red" if step.data in _DATA_HEADINGS else "yellow"
    lines += _listing(heading, step.data_problems, style)
    if step.failure:
        lines += _failure(step)
    return Group(*lines)


def _failure(step: StepResult) -> list[RenderableType]:
    assert step.failure is not None
    failure = step.failure
    where = f"{failure.file}:{failure.line}" if failure.line else failure.file
    what = "upgrading again" if step.up_again == "failed" else failure.direction
    lines: list[RenderableType] = [Text(f"  {what} failed at {where}", style="red")]
    if failure.sql:
        lines.append(Text(f"  SQL: {failure.sql}"))
    lines.append(Text(f"  PostgreSQL: {failure.error}" if failure.sql else f"  {failure.error}"))
    return lines


_DATA_HEADINGS = {
    "fails on data": "  fails on existing data:",
    "lost": "  data lost:",
    "changed": "  data changed:",
}


def _listing(heading: str, items: tuple[str, ...], style: str = "red") -> list[RenderableType]:
    if not items:
        return []
    # An item of several lines (a failure's SQL and error) continues further in.
    return [Text(heading, style=style), *(Text(_indent(item)) for item in items)]


def _indent(item: str) -> str:
    return "    " + item.replace("\n", "\n      ")


def drift_block(drift: Drift | None) -> RenderableType:
    """The models-vs-schema line, with the operations autogenerate would write."""
    if drift is None:
        return Text(
            "\nmodels vs schema: not compared (the history did not reach its head)", style="dim"
        )
    if drift.error:
        return Text(f"\nmodels vs schema: {drift.reason}: {drift.error}", style="bold red")
    if not drift.checked:
        return Text(f"\nmodels vs schema: not compared ({drift.reason})", style="yellow")
    if drift.ok:
        return Text("\nmodels vs schema at head: no difference", style="green")
    heading = Text("\nmodels vs schema at head: autogenerate would write", style="bold red")
    return Group(heading, *(Text(f"    {line}") for line in drift.ops))


def _verdict(report: TestReport) -> Text:
    failed = sum(1 for step in report.steps if not step.ok)
    not_run = sum(1 for step in report.steps if step.up == "skipped")
    total = len(report.steps)
    noun = "revision" if total == 1 else "revisions"
    summary = f"{total} {noun}: {total - failed - not_run} passed, {failed} failed"
    if not_run:
        summary += f", {not_run} not run"
    if report.drift is not None and not report.drift.ok:
        summary += "; the models differ from the schema"
    style = "bold green" if report.ok else "bold red"
    return Text(f"\n{summary} ({report.seconds:.1f} s)", style=style)
