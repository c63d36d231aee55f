"""lockwise's checks as pytest items, one per check per revision, so a failure names one.

`lockwise::single_head`; for each revision `upgrade`, `no_trace`, `data_survives` and
`review_clean`; then `lockwise::models_match`. `lockwise test` and `lockwise review` each
run once, when the first item that needs them runs; every item then reports its own
revision, in the words those commands print for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator
from functools import partial
from pathlib import Path
from typing import Any, Generic, NoReturn, TypeVar

import pytest

from lockwise import commands
from lockwise.errors import LockwiseError
from lockwise.project import Project, Revision, heads_problem
from lockwise.pytest_plugin.state import PluginState
from lockwise.pytest_plugin.texts import drift_text, review_of, step_text
from lockwise.review.findings import FailOn, ReviewReport
from lockwise.testing.cycle import StepResult
from lockwise.testing.data import FAILING
from lockwise.testing.report import TestReport

T = TypeVar("T")
STEP_FAILURES = {"failed", "empty", "trace", "differs"}  # as `StepResult.ok` counts them


def collect(session: pytest.Session, state: PluginState, root: Path) -> list[pytest.Item]:
    """The built-in items for the project at `root`, under a `lockwise` node in its folder."""
    session.config.pluginmanager.register(SkipsAtTheirFile(), "lockwise-checks")
    node = Lockwise.from_parent(
        session,
        name="lockwise",
        nodeid=_node_id(session.config.rootpath, root),
        state=state,
        root=root,
    )
    node.add_marker("lockwise")
    try:
        items = node.collect()
    except LockwiseError as error:  # a broken project: a collection error, in lockwise's words
        failed = pytest.CollectReport(node.nodeid, "failed", str(error), [])
        session.ihook.pytest_collectreport(report=failed)
        return []
    collected = pytest.CollectReport(node.nodeid, "passed", None, [*items])
    session.ihook.pytest_collectreport(report=collected)  # counted and shown as collected
    return items


def _node_id(rootdir: Path, root: Path) -> str:
    """`lockwise` as if it were a file in the project's folder: `lockwise::...` from there."""
    node = root / "lockwise"
    return node.relative_to(rootdir).as_posix() if node.is_relative_to(rootdir) else "lockwise"


class Lockwise(pytest.Collector):
    """The node the built-in items hang from (`lockwise::...`)."""

    def __init__(self, *, state: PluginState, root: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.root = root

    def collect(self) -> list[pytest.Item]:
        project = self.state.project(self.root)
        runs = Runs(self.root, project, self.state.settings(self.root).fail_on)
        items: list[pytest.Item] = [
            self._item("single_head", partial(single_head, project), self.root)
        ]
        for revision in project.revisions:
            items += self._revision_items(runs, revision)
        items.append(self._item("models_match", partial(models_match, runs), project.env_py))
        return items

    def _revision_items(self, runs: Runs, revision: Revision) -> list[Check]:
        message = " ".join(revision.message.split())
        titled = f"{revision.id} {message}" if message else revision.id
        checks = [
            (f"upgrade[{titled}]", upgrade),
            (f"no_trace[{revision.id}]", no_trace),
            (f"data_survives[{revision.id}]", data_survives),
            (f"review_clean[{revision.id}]", review_clean),
        ]
        return [
            self._item(name, partial(check, runs, revision), revision.path)
            for name, check in checks
        ]

    def _item(self, name: str, check: Callable[[], None], where: Path) -> Check:
        return Check.from_parent(self, name=name, check=check, where=where)


class Check(pytest.Item):
    """One built-in check; `where` is the file it is about (a revision, env.py)."""

    def __init__(self, *, check: Callable[[], None], where: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.where = where

    def runtest(self) -> None:
        try:
            self.check()
        except LockwiseError as error:  # the project or the server: one line, as the CLI says
            _fail(str(error))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.where, None, self.nodeid


class SkipsAtTheirFile:
    """Reports a skipped check at the file it is about, not at the line that skipped it."""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if isinstance(item, Check) and report.skipped and isinstance(report.longrepr, tuple):
            # No line: pytest then prints `file: reason` (its type says int, its code takes None).
            report.longrepr = (str(item.where), None, report.longrepr[2])  # type: ignore[assignment]
        return report


class Once(Generic[T]):
    """A result made on first call, then kept (a lockwise error too, raised again)."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._made: tuple[T] | None = None
        self._error: LockwiseError | None = None

    def __call__(self) -> T:
        if self._made is None and self._error is None:
            try:
                self._made = (self._make(),)
            except LockwiseError as error:
                self._error = error
        if self._error is not None:
            raise self._error
        assert self._made is not None
        return self._made[0]


class Runs:
    """`lockwise test` and `lockwise review` of one project, each run when first needed."""

    def __init__(self, root: Path, project: Project, fail_on: FailOn) -> None:
        self.project = project
        self.fail_on = fail_on
        self.test = Once(partial(commands.test, root, allow_heads=True))
        self.review = Once(partial(commands.review, root))

    def step(self, revision: Revision) -> StepResult:
        """What `lockwise test` found for `revision`."""
        report: TestReport = self.test()
        return next(step for step in report.steps if step.revision == revision.id)


def single_head(project: Project) -> None:
    """Two unmerged heads: a deploy runs one branch and skips the other."""
    problem = heads_problem(project.revisions, project.heads)
    if problem:
        _fail(problem)


def upgrade(runs: Runs, revision: Revision) -> None:
    """The revision upgrades, in a run of its own, from the revision before it."""
    step = runs.step(revision)
    if step.up == "skipped":
        pytest.skip(step.note)
    if step.up != "ok":
        _fail(step_text(step))


def no_trace(runs: Runs, revision: Revision) -> None:
    """The downgrade runs and restores the schema, and upgrading again gives the same one."""
    step = runs.step(revision)
    if STEP_FAILURES & {step.down, step.no_trace, step.up_again}:
        _fail(step_text(step))
    if step.up != "ok":
        pytest.skip(step.note or "not checked: the upgrade failed")
    if step.down == "irreversible":
        pytest.skip(step.note)


def data_survives(runs: Runs, revision: Revision) -> None:
    """Rows written before the revision are still there, unchanged, after it and its downgrade."""
    step = runs.step(revision)
    if step.data in FAILING:
        _fail(step_text(step))
    if step.data == "skipped":
        pytest.skip("; ".join(step.data_problems) or step.note or "no data checked")


def review_clean(runs: Runs, revision: Revision) -> None:
    """No review finding at or above the project's fail_on, and the revision was reviewed."""
    report = _of_revision(runs.review(), runs.project, revision)
    if report.fails(runs.fail_on):
        _fail(review_of(report))


def models_match(runs: Runs) -> None:
    """The models declare what the migrations build: autogenerate would write nothing."""
    drift = runs.test().drift
    if drift is None or (not drift.checked and not drift.error):
        pytest.skip(drift_text(drift))
    if not drift.ok:
        _fail(drift_text(drift))


def _of_revision(report: ReviewReport, project: Project, revision: Revision) -> ReviewReport:
    """The review of one revision: its findings (unused ignores by file), failures and gaps."""
    file = project.relative(revision.path)
    return dataclasses.replace(
        report,
        findings=tuple(
            f
            for f in report.findings
            if f.revision == revision.id or (not f.revision and f.file == file)
        ),
        statements=(),
        failures=tuple(f for f in report.failures if f.revision == revision.id),
        revisions=(revision.id,),
        not_reviewed=tuple(n for n in report.not_reviewed if n.revision == revision.id),
        notes=(),
    )


def _fail(text: str) -> NoReturn:
    pytest.fail(text, pytrace=False)
