"""One function per command. Each returns a result object and prints nothing."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lockwise import interrupts
from lockwise.database.scratch import ScratchSession, sweep
from lockwise.database.server import (
    EmbeddedStatus,
    Server,
    embedded_status,
    open_server,
    start_embedded,
    stop_embedded,
)

if TYPE_CHECKING:
    from lockwise.config import Settings
    from lockwise.invocation import Invocation
    from lockwise.project import Revision
    from lockwise.release.apply import ApplyReport
    from lockwise.release.apply import Options as ApplyOptions
    from lockwise.release.apply import Progress as ApplyProgress
    from lockwise.release.plan import PlanReport
    from lockwise.release.status import StatusReport
    from lockwise.review.findings import FailOn, ReviewReport
    from lockwise.review.fix_files import FileFix
    from lockwise.testing.cycle import Progress
    from lockwise.testing.report import TestReport
    from lockwise.testing.verify import VerifyReport


def test(
    project_path: Path,
    url: str | None = None,
    progress: Progress | None = None,
    invocation: Invocation | None = None,
    allow_heads: bool = False,
    data: bool = True,
) -> TestReport:
    """Check every revision up, down and up again, then the models against the head schema.

    With `allow_heads`, a history with several heads is tested rather than refused (the
    pytest plugin reports the heads in a test of their own). With `data`, the tables
    are filled before each revision and their data checked after each step.

    Raises:
        BadInput: the project or its settings cannot be loaded (exit 2).
        DatabaseUnavailable: no server (exit 3).
    """
    # Alembic is imported here, not at the top: `lockwise db ...` starts faster without.
    from lockwise.config import project_settings
    from lockwise.project import load_project
    from lockwise.testing.cycle import run_cycle
    from lockwise.testing.data import data_options
    from lockwise.testing.drift import compare_models
    from lockwise.testing.report import TestReport

    started = time.perf_counter()
    with in_project_folder(project_path, invocation) as path:
        settings, invocation = project_settings(path, invocation)
        project = load_project(path, allow_heads, invocation)
        options = data_options(settings, path, project) if data else None
        server = open_server(url)
        sweep(server)
        with ScratchSession(server, isolate=not settings.superuser) as session:
            cycle = run_cycle(project, session, progress, data=options)
            interrupts.check()
            reached_head = all(step.reached for step in cycle.steps)
            drift = None
            if reached_head:
                drift = compare_models(project, cycle.database.url, cycle.takes_connection)
    return TestReport(
        project=str(project_path),
        postgres=server.version(),
        heads=project.heads,
        steps=tuple(cycle.steps),
        drift=drift,
        seconds=time.perf_counter() - started,
        notes=(project.driver.note,) if project.driver.note else (),
    )


def verify(
    project_path: Path,
    url: str | None = None,
    describe: str | None = None,
    invocation: Invocation | None = None,
) -> VerifyReport:
    """Compare a database (`url`, read-only; else a scratch one at head) with the models
    and the head; describe the table `describe` names (or `all`).

    Scratch databases live on lockwise's own server (embedded, or $LOCKWISE_DATABASE_URL).

    Raises:
        BadInput: the project, its settings or models, `describe`, or no read-only
            transaction on `url` (exit 2).
        DatabaseUnavailable: no server, or `url` unreachable (exit 3).
    """
    from lockwise.config import project_settings
    from lockwise.project import load_project
    from lockwise.testing.verify import verify as verify_database
    from lockwise.urls import parse_server_url

    url = parse_server_url(url) if url else None
    with in_project_folder(project_path, invocation) as path:
        settings, invocation = project_settings(path, invocation)
        project = load_project(path, invocation=invocation)
        server = open_server()
        sweep(server)
        with ScratchSession(server, isolate=not settings.superuser) as session:
            report = verify_database(project, session, url, settings.verify_exclude, describe)
    return dataclasses.replace(report, project=str(project_path))


@contextlib.contextmanager
def in_project_folder(project_path: Path, invocation: Invocation | None = None) -> Iterator[Path]:
    """Work from the project's folder, as `alembic` run there would.

    Alembic resolves relative settings (`prepend_sys_path = .`, a bare
    `script_location`) against the working folder; yields the project path, absolute.
    With `-c/--config`, the working folder stays, as with `alembic -c`.
    """
    path = project_path.resolve()
    folder = path if path.is_dir() else path.parent
    if not folder.is_dir() or (invocation is not None and invocation.config_file is not None):
        yield path  # load_project reports a missing folder
        return
    with contextlib.chdir(folder):
        yield path


def db_start() -> Server:
    """Start the embedded server (initdb on first use) and sweep orphaned scratch databases."""
    server = start_embedded()
    sweep(server)
    return server


def db_stop() -> bool:
    """Stop the embedded server; False when it was not running."""
    return stop_embedded()


def db_status() -> EmbeddedStatus:
    """Describe the embedded server without starting it."""
    return embedded_status()


def review(
    project_path: Path,
    url: str | None = None,
    revision_range: str | tuple[str, ...] | None = None,
    stats_from: str | None = None,
    progress: Progress | None = None,
    invocation: Invocation | None = None,
) -> ReviewReport:
    """Capture each revision (both directions) and run the rules over what it measured.

    Raises:
        BadInput: the project, a range or a setting is unusable (exit 2).
        DatabaseUnavailable: no server, or `stats_from` unreachable (exit 3).
    """
    from lockwise.review.run import review_project

    with in_project_folder(project_path, invocation) as path:
        return review_project(path, url, revision_range, stats_from, progress, invocation)


def fix(
    project_path: Path, report: ReviewReport, invocation: Invocation | None = None
) -> list[FileFix]:
    """The revision files as the fixable findings of `report` rewrite them (not written)."""
    from lockwise.config import project_settings
    from lockwise.project import load_project
    from lockwise.review.fix_files import fixes

    with in_project_folder(project_path, invocation) as path:
        settings, invocation = project_settings(path, invocation)
        root = load_project(path, invocation=invocation).root
    return fixes(report.findings, root, settings)


@dataclass(frozen=True)
class NewReport:
    """`lockwise new`: the file written, the fixes made in it, and its review after them."""

    path: Path
    fixed: tuple[str, ...]
    review: ReviewReport
    maybe_renames: tuple[str, ...] = ()
    manifest: Path | None = None  # the lockwise.sum that now lists the file


def new(
    project_path: Path,
    message: str,
    empty: bool = False,
    renames: tuple[str, ...] = (),
    url: str | None = None,
    progress: Progress | None = None,
    invocation: Invocation | None = None,
) -> NewReport:
    """Autogenerate the next revision at head, rewrite its unsafe ops, and review it.

    Raises:
        BadInput: a generic message, a bad --rename, no model change to write (exit 2).
    """
    from lockwise.authoring import Rename, new_revision
    from lockwise.errors import BadInput

    wanted = [Rename.parse(text) for text in renames]
    with in_project_folder(project_path, invocation) as path:
        written = new_revision(path, message, empty, wanted, url, invocation)
    if written.path is None:
        raise BadInput(
            "the models match the head: nothing to write (--empty writes a revision to fill in)"
        )
    span = f"{written.head}:" if written.head else None
    first = review(project_path, url, span, None, progress, invocation)
    changes = fix(project_path, first, invocation)
    for change in changes:
        change.write()
    final = review(project_path, url, span, None, progress, invocation) if changes else first
    hints = tuple(f"{r.table}.{r.old}:{r.new}" for r in written.maybe_renames)
    fixed = tuple(rule for change in changes for rule in change.fixed)
    listed = _list_in_manifest(project_path, written.path, invocation)
    return NewReport(written.path, fixed, final, hints, listed)


def _list_in_manifest(
    project_path: Path, written: Path, invocation: Invocation | None
) -> Path | None:
    """Add the file `new` wrote to the project's lockwise.sum, when it keeps one."""
    from lockwise import manifest
    from lockwise.project import load_project

    with in_project_folder(project_path, invocation) as path:  # script_location may be relative
        project = load_project(path, allow_heads=True, invocation=invocation)
        where = manifest.manifest_path(project)
        return where if manifest.add(where.parent, written.resolve()) else None


def sum_files(project_path: Path, invocation: Invocation | None = None) -> tuple[Path, int]:
    """Write the project's lockwise.sum for its revision files as they are now.

    Returns the manifest's path and how many files it lists.
    """
    from lockwise import manifest
    from lockwise.project import load_project

    with in_project_folder(project_path, invocation) as path:  # script_location may be relative
        project = load_project(path, allow_heads=True, invocation=invocation)
        return manifest.write(project), len(project.revisions)


def review_sql(
    files: list[Path],
    target_version: int | None = None,
    single_transaction: bool = False,
    settings: Settings | None = None,
) -> ReviewReport:
    """The rules that need no database, over plain SQL files (nothing runs).

    `settings` (default: none set) apply as to a project; `target_version` overrides theirs.
    """
    from lockwise.config import Settings
    from lockwise.review.run import review_sql_files

    settings = settings or Settings()
    if target_version is not None:
        settings = dataclasses.replace(settings, target_version=target_version)
    return review_sql_files(files, settings, single_transaction)


@dataclass(frozen=True)
class CheckReport:
    """`lockwise check`: review and test together."""

    review: ReviewReport
    test: TestReport

    def fails(self, fail_on: FailOn) -> bool:
        """True when review reaches `fail_on` or a test check failed."""
        return self.review.fails(fail_on) or not self.test.ok


def check(
    project_path: Path,
    url: str | None = None,
    progress: Progress | None = None,
    invocation: Invocation | None = None,
    phase: Callable[[str], None] | None = None,
    data: bool = True,
    jobs: int = 1,
) -> CheckReport:
    """Review every revision, then test the whole history (with its data checks if `data`).

    `phase` is told `review`, then `test`, as each starts (their progress looks alike).
    With `jobs` of 2 or more, review runs in a second process while this one tests
    (`side_review`), and `phase` is told `review and test` once.
    """
    reviewed, tested = _review_and_test(project_path, url, progress, invocation, phase, data, jobs)
    return CheckReport(review=reviewed, test=tested)


def _review_and_test(
    project_path: Path,
    url: str | None,
    progress: Progress | None,
    invocation: Invocation | None,
    phase: Callable[[str], None] | None,
    data: bool,
    jobs: int,
    revisions: tuple[str, ...] | None = None,
    stats_from: str | None = None,
) -> tuple[ReviewReport, TestReport]:
    """Review (`revisions` only, when given; with production sizes from `stats_from`),
    then test the whole history: side by side when `jobs` is 2 or more."""
    announce = phase or (lambda name: None)
    options = {"revision_range": revisions, "stats_from": stats_from}
    if jobs > 1:
        from lockwise.side_review import SideReview

        announce("review and test")
        with SideReview(review, project_path, url, invocation, options) as side:

            def step(index: int, total: int, revision: Revision) -> None:
                side.check()  # the review failed: stop here, as check without -j would
                if progress:
                    progress(index, total, revision)

            tested = test(project_path, url, step, invocation, data=data)
            return side.result(), tested
    announce("review")
    reviewed = review(project_path, url, revisions, stats_from, progress, invocation)
    announce("test")
    tested = test(project_path, url, progress, invocation, data=data)
    return reviewed, tested


def apply(
    project_path: Path,
    url: str,
    options: ApplyOptions,
    progress: ApplyProgress,
    invocation: Invocation | None = None,
) -> ApplyReport:
    """Upgrade the database at `url` (see `lockwise.release.apply`).

    `options.timeouts` fields left empty are taken from `[tool.lockwise]`.
    """
    from lockwise.config import project_settings
    from lockwise.project import load_project
    from lockwise.release.apply import apply as run

    with in_project_folder(project_path, invocation) as path:
        settings, invocation = project_settings(path, invocation)
        project = load_project(path, allow_heads=True, invocation=invocation)
        timeouts = dataclasses.replace(
            options.timeouts,
            lock_timeout=options.timeouts.lock_timeout or settings.lock_timeout,
            statement_timeout=options.timeouts.statement_timeout or settings.statement_timeout,
        )
        return run(project, url, dataclasses.replace(options, timeouts=timeouts), progress)


def status(project_path: Path, url: str, invocation: Invocation | None = None) -> StatusReport:
    """Explain the state of the database at `url` (read-only; see `lockwise.release.status`).

    Scratch databases (to learn what a pending revision creates) live on lockwise's own
    server (embedded, or $LOCKWISE_DATABASE_URL).

    Raises:
        BadInput: the project or its settings, or no read-only transaction on `url` (exit 2).
        DatabaseUnavailable: no server, or `url` unreachable (exit 3).
    """
    from lockwise.config import project_settings
    from lockwise.project import load_project
    from lockwise.release.status import status as explain
    from lockwise.urls import parse_server_url

    url = parse_server_url(url)
    with in_project_folder(project_path, invocation) as path:
        settings, invocation = project_settings(path, invocation)
        project = load_project(path, allow_heads=True, invocation=invocation)
        server = open_server()
        sweep(server)
        with ScratchSession(server, isolate=not settings.superuser) as session:
            return explain(project, url, session, str(project_path))


def plan(
    project_path: Path,
    url: str | None = None,
    revision_range: str | None = None,
    progress: Progress | None = None,
    invocation: Invocation | None = None,
    phase: Callable[[str], None] | None = None,
    jobs: int = 1,
) -> PlanReport:
    """The release report (see `lockwise.release.plan`).

    The revisions: those `url`'s database has still to run (read-only), else those of
    `revision_range`, else all. Review and test run on scratch databases of lockwise's
    own server, as `check` runs them.

    Raises:
        BadInput: the project, a range, no read-only transaction on `url`, or a version
            the project does not know (exit 2).
        DatabaseUnavailable: no server, or `url` unreachable (exit 3).
    """
    from lockwise.config import project_settings
    from lockwise.migrate.steps import probe
    from lockwise.project import load_project
    from lockwise.release import plan as release
    from lockwise.review.run import select
    from lockwise.urls import parse_server_url

    url = parse_server_url(url) if url else None
    with in_project_folder(project_path, invocation) as path:
        settings, invocation = project_settings(path, invocation)
        project = load_project(path, allow_heads=True, invocation=invocation)
        chosen = select(project, revision_range)
        production = None
        if url is not None:
            server = open_server()
            with ScratchSession(server, isolate=not settings.superuser) as session:
                target = probe(project, session.create().url)
            production = release.read_production(project, url, target.version_tables)
            chosen = chosen & set(release.pending(project, production.current))
    revisions = tuple(r.id for r in project.revisions if r.id in chosen)
    if not revisions:
        return release.nothing_to_ship(str(project_path), production)
    reviewed, tested = _review_and_test(
        project_path, None, progress, invocation, phase, True, jobs, revisions, url
    )
    return release.build(project, str(project_path), revisions, reviewed, tested, production)
