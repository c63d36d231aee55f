"""`lockwise apply` for people: its progress as it goes (stderr), and where it left things."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress as Live
from rich.progress import SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from lockwise.project import Revision
from lockwise.release.apply import ApplyReport, Progress, Retry

STATEMENT_WIDTH = 100
# Alembic looks at the catalog (does the version table exist?) before migrating: not news.
ALEMBIC_LOOKUP = "SELECT pg_catalog."


class Printer(Progress):
    """Each revision and statement with its time; on a terminal, a live line for the running one."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._live: Live | None = None
        self._task: TaskID | None = None

    def waiting(self, holder: int | None) -> None:
        who = f" (pid {holder})" if holder else ""
        self._say(f"waiting for another lockwise apply{who} to finish")

    def orphans(self, pids: list[int]) -> None:
        listed = ", ".join(str(pid) for pid in pids)
        self._say(f"ended the sessions a killed apply left running (pid {listed})")

    def pending(self, revisions: list[Revision]) -> None:
        if revisions:
            self._say(f"{len(revisions)} revisions to apply")

    def revision(self, index: int, total: int, revision: Revision) -> None:
        self._say(f"[dim][{index}/{total}][/] {revision.id} {escape(revision.message)}")
        if self._console.is_terminal:
            self._stop_live()
            self._live = Live(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self._console,
                transient=True,
            )
            self._live.start()
            self._task = self._live.add_task(f"applying {revision.id}")

    def statement(self, sql_text: str, seconds: float) -> None:
        if not sql_text.lstrip().startswith(ALEMBIC_LOOKUP):
            self._say(f"  {_elapsed(seconds):>9}  {escape(one_line(sql_text))}")

    def retry(self, retry: Retry) -> None:
        blocker = f" by {retry.blocker}" if retry.blocker else ""
        self._say(
            f"  [yellow]lock_timeout[/]: blocked{escape(blocker)}; attempt {retry.attempt}"
            f" rolled back, trying again in {retry.wait_s:.1f} s"
        )

    def rebuilding(self, index: str) -> None:
        self._say(
            f"  dropping INVALID index {escape(index)} (a concurrent build that did not"
            " finish): this revision builds it again"
        )

    def done(self, revision: Revision, seconds: float) -> None:
        self._stop_live()
        self._say(f"  committed {revision.id} in {seconds:.2f} s")

    def close(self) -> None:
        """Take the live line down (a failure or Ctrl-C leaves a revision unfinished)."""
        self._stop_live()

    def _say(self, text: str) -> None:
        (self._live.console if self._live else self._console).print(text, highlight=False)

    def _stop_live(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


def _elapsed(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def one_line(sql_text: str) -> str:
    """A statement on one line, cut to `STATEMENT_WIDTH` characters with an ellipsis."""
    text = " ".join(sql_text.split())
    return text if len(text) <= STATEMENT_WIDTH else text[: STATEMENT_WIDTH - 1] + "…"


def render(report: ApplyReport) -> str:
    """Where apply left the database: what it applied, or where and why it stopped."""
    lines = [f"lockwise apply on {report.database}"]
    at = _versions(report.after)
    if report.failure is None:
        if not report.applied:
            lines.append(f"nothing to apply: the database is at {at}")
        else:
            count = len(report.applied)
            lines.append(f"applied {count} revision{'s' * (count != 1)}; the database is at {at}")
        lines += _retries(report.retries) + _rebuilt(report.rebuilt)
        return "\n".join(lines)
    failure = report.failure
    where = f"{failure.file}:{failure.line}" if failure.line else failure.file
    lines += [
        f"apply stopped at {failure.revision}: {where}: {failure.error}",
    ]
    if failure.sql:
        lines.append(f"  SQL: {one_line(failure.sql)}")
    if report.blocker:
        tries = len([r for r in report.retries if r.revision == failure.revision]) + 1
        lines.append(f"  the lock was held by {report.blocker}, after {tries} attempts")
    lines += _retries(report.retries) + _rebuilt(report.rebuilt)
    done = f"{len(report.applied)} applied before it" if report.applied else "none applied"
    lines.append(f"the database is at {at} ({done}); {failure.revision} is not marked applied")
    if report.invalid:
        lines.append(
            f"INVALID indexes: {', '.join(report.invalid)} (the next apply drops and rebuilds"
            " those its revisions name)"
        )
    lines.append("run lockwise apply again once the cause is fixed: it goes on from there")
    return "\n".join(lines)


def _retries(retries: tuple[Retry, ...]) -> list[str]:
    if not retries:
        return []
    count = len(retries)
    return [f"{count} attempt{'s' * (count != 1)} rolled back on lock_timeout and ran again"]


def _rebuilt(rebuilt: tuple[str, ...]) -> list[str]:
    if not rebuilt:
        return []
    return [f"dropped and rebuilt INVALID indexes: {', '.join(rebuilt)}"]


def _versions(versions: tuple[str, ...]) -> str:
    return ", ".join(versions) if versions else "base (no revision applied)"
