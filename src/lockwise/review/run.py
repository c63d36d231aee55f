"""`lockwise review`: from a project (or SQL files) to a `ReviewReport`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lockwise import interrupts, manifest
from lockwise.config import Settings, project_settings
from lockwise.database.scratch import ScratchSession, sweep
from lockwise.database.server import open_server
from lockwise.database.stats import table_sizes
from lockwise.errors import BadInput
from lockwise.invocation import Invocation
from lockwise.project import Project, Revision, heads_problem, load_project
from lockwise.review.engine import findings_of, findings_of_facts, found_by_review, with_sizes
from lockwise.review.findings import Finding, ReviewReport
from lockwise.review.history import RevisionCapture, capture_history
from lockwise.review.ignores import Ignore, apply_ignores, ignores_in
from lockwise.review.sqlfiles import sql_file_facts
from lockwise.revision_files import assignment_line

Progress = Callable[[int, int, Revision], None]


def review_project(
    path: Path,
    url: str | None,
    revision_range: str | tuple[str, ...] | None,
    stats_from: str | None,
    progress: Progress | None,
    invocation: Invocation | None = None,
) -> ReviewReport:
    """Review the selected revisions of the project at `path`."""
    settings, invocation = project_settings(path, invocation)
    project = load_project(path, allow_heads=True, invocation=invocation)
    selected = select(project, revision_range)
    ignores = _ignores(project, selected)  # bad ignore comments fail before any work
    sizes = table_sizes(stats_from) if stats_from else {}
    server = open_server(url)
    sweep(server)
    with ScratchSession(server, isolate=not settings.superuser) as session:
        history = capture_history(project, session, selected, progress)
    captures, async_env = history.captures, history.target.async_env
    findings = (
        _heads(project, settings)
        + _released_edits(project, settings)
        + _findings(project, captures, settings, async_env, ignores)
    )
    if sizes:
        findings = with_sizes(findings, sizes, _work(captures, project), settings)
    statements = tuple(
        s for c in captures for cap in (c.upgrade, c.downgrade) if cap for s in cap.statements
    )
    failures = tuple(
        cap.failure for c in captures for cap in (c.upgrade, c.downgrade) if cap and cap.failure
    )
    return ReviewReport(
        postgres=server.version(),
        findings=tuple(findings),
        statements=statements,
        failures=failures,
        revisions=tuple(c.revision.id for c in captures),
        not_reviewed=tuple(history.not_reviewed),
        notes=(project.driver.note,) if project.driver.note else (),
    )


def _heads(project: Project, settings: Settings) -> list[Finding]:
    """LW410: several heads the project did not declare as branches."""
    problem = heads_problem(project.revisions, project.heads)
    found = [
        found_by_review(
            "LW410",
            settings,
            revision=head,
            direction="upgrade",
            file=project.relative(project.revision(head).path),
            line=assignment_line(project.revision(head).path, "revision"),
            message=f"{problem}: a deploy runs one head's branch and skips the other",
            fix=f'alembic merge -m "merge heads" {" ".join(project.heads)}',
        )
        for head in (project.heads if problem else ())
    ]
    return [finding for finding in found if finding is not None]


def _released_edits(project: Project, settings: Settings) -> list[Finding]:
    """LW411: revision files listed in lockwise.sum that changed or are gone."""
    sum_file = project.relative(manifest.manifest_path(project))
    unreleased = "if it never ran in production, accept it with `lockwise sum`"
    found: list[Finding] = []
    for change in manifest.changed(project):
        file = project.relative(change.path)
        revision = next((r.id for r in project.revisions if r.path == change.path), "")
        if change.kind == "edited":
            where = (file, 1)
            message = (
                f"{file} changed after release ({sum_file} line {change.line} records another"
                f" checksum): restore it and put the change in a new revision; {unreleased}"
            )
            fix = f"git checkout -- {file}"
        elif change.kind == "missing":
            where = (sum_file, change.line)
            message = f"{file}, listed in {sum_file} as released, is gone; {unreleased}"
            fix = f"git checkout -- {file}"
        else:
            where = (sum_file, 1)
            message = (
                f"{sum_file} was edited by hand or merged: its first line does not sum the"
                " others, so it cannot tell which files were released; check that no"
                " released file changed, then write it again"
            )
            fix = "lockwise sum"
        finding = found_by_review(
            "LW411",
            settings,
            revision=revision,
            direction="upgrade",
            file=where[0],
            line=where[1],
            message=message,
            fix=fix,
        )
        if finding is not None:
            found.append(finding)
    return found


def _ignores(project: Project, selected: frozenset[str]) -> list[Ignore]:
    found: list[Ignore] = []
    for revision in project.revisions:
        if revision.id in selected:
            found += ignores_in(revision.path, project.relative(revision.path))
    return found


def _findings(
    project: Project,
    captures: list[RevisionCapture],
    settings: Settings,
    async_env: bool,
    ignores: list[Ignore],
) -> list[Finding]:
    found: list[Finding] = []
    for item in captures:
        file = project.relative(item.revision.path)
        for capture in (item.upgrade, item.downgrade):
            if capture is not None:
                found += findings_of(capture, item.revision, file, settings, async_env)
    return apply_ignores(found, ignores, settings)


def _work(
    captures: list[RevisionCapture], project: Project
) -> dict[tuple[str, int | None, str], str]:
    """What each statement did to a table, for the lock-time model: rewrite or scan."""
    work: dict[tuple[str, int | None, str], str] = {}
    for item in captures:
        file = project.relative(item.revision.path)
        for capture in (item.upgrade, item.downgrade):
            for statement in capture.statements if capture else ():
                kind = "rewrite" if statement.rewrites else "scan" if statement.scans else ""
                key = (file, statement.line, statement.direction)
                if kind and not work.get(key):
                    work[key] = kind
    return work


def select(project: Project, revision_range: str | tuple[str, ...] | None) -> frozenset[str]:
    """The revisions a range names: `A:B` is after A up to B; `A:` is after A.

    A tuple names the revisions themselves (the files given on the command line).
    `base` and `head`/`heads` are understood; unknown revisions are bad input.
    """
    everything = frozenset(r.id for r in project.revisions)
    if isinstance(revision_range, tuple):
        return frozenset(_known(project, revision_id) for revision_id in revision_range)
    if not revision_range:
        return everything
    start, _, end = revision_range.partition(":")
    upper = everything
    if end not in ("", "head", "heads"):
        upper = frozenset(project.ancestry([_known(project, end)]))
    lower = frozenset[str]()
    if start not in ("", "base"):
        lower = frozenset(project.ancestry([_known(project, start)]))
    if not upper - lower:
        raise BadInput(f"--range {revision_range} selects no revision (is it the wrong way round?)")
    return upper - lower


def _known(project: Project, revision_id: str) -> str:
    matches = [r.id for r in project.revisions if r.id.startswith(revision_id)]
    if len(matches) != 1:
        problem = "names no revision" if not matches else "is ambiguous"
        raise BadInput(f"--range: {revision_id} {problem} of {project.root}")
    return matches[0]


def review_sql_files(
    files: list[Path], settings: Settings, single_transaction: bool = False
) -> ReviewReport:
    """Run the rules over plain SQL files; facts are parsed, not measured."""
    findings = []
    for path in files:
        interrupts.check()
        facts = sql_file_facts(path, settings, single_transaction)
        found = findings_of_facts(facts, str(path), settings)
        findings += sorted(found, key=lambda finding: finding.line or 0)  # as the file reads
    return ReviewReport(postgres="", findings=tuple(findings))
