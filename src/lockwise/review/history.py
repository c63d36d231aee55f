"""Capture a project's history: every selected revision, upgrade and downgrade.

One working scratch database walks the history from base. For a revision under
review it records the real upgrade (env.py), then the real downgrade, then replays
both, statement by statement, to measure them (`capture.measure`), and upgrades once
more for real so the next revision starts from the true state. No clone per
revision: replays run on the working database itself, each in its own transaction.
A revision whose downgrade is empty is measured on a clone instead. When anything
fails the working database is rebuilt by upgrading a fresh one to the last good state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lockwise.capture import Capture, assemble, measure, record
from lockwise.database.scratch import ScratchDatabase, ScratchSession
from lockwise.project import Project, Revision
from lockwise.testing.runner import StepFailed, Target, accepts_connection, check_target, run_step

Progress = Callable[[int, int, Revision], None]


@dataclass(frozen=True)
class RevisionCapture:
    """Both directions of one revision (no downgrade capture when it is empty)."""

    revision: Revision
    upgrade: Capture
    downgrade: Capture | None


@dataclass
class _Walk:
    project: Project
    session: ScratchSession
    database: ScratchDatabase
    share: bool
    applied: list[Revision] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)

    def apply(self, revision: Revision) -> bool:
        try:
            run_step(self.project, self.database.url, revision, "upgrade")
        except StepFailed:
            return False
        self.applied.append(revision)
        return True

    def rebuild(self) -> None:
        """A fresh working database at the last good state."""
        self.session.drop(self.database)
        self.database = self.session.create()
        for revision in self.applied:
            run_step(self.project, self.database.url, revision, "upgrade")


def capture_history(
    project: Project,
    session: ScratchSession,
    selected: frozenset[str],
    progress: Progress | None = None,
) -> tuple[list[RevisionCapture], Target]:
    """Capture each revision in `selected`; apply the others on the way."""
    database = session.create()
    target = check_target(project, database.url)
    walk = _Walk(project, session, database, accepts_connection(project, database.url))
    captures = []
    chosen = [r for r in project.revisions if r.id in selected]
    for revision in project.revisions:
        if any(parent in walk.failed for parent in project.parents(revision)):
            walk.failed.add(revision.id)
        elif revision.id not in selected:
            if not walk.apply(revision):
                walk.failed.add(revision.id)
        else:
            if progress:
                progress(chosen.index(revision), len(chosen), revision)
            captures.append(_capture(walk, revision))
    return captures, target


def _capture(walk: _Walk, revision: Revision) -> RevisionCapture:
    if revision.downgrade_empty or revision.irreversible:
        return _capture_one_way(walk, revision)
    up, failure = record(walk.project, walk.database, revision, "upgrade", walk.share)
    if failure is not None:
        walk.failed.add(revision.id)
        walk.rebuild()
        return RevisionCapture(
            revision, assemble(walk.project, revision, "upgrade", up, [], failure), None
        )
    down, down_failure = record(walk.project, walk.database, revision, "downgrade", walk.share)
    if down_failure is not None:
        walk.rebuild()
    up_facts = measure(walk.database, up)
    down_facts = measure(walk.database, down) if down_failure is None else []
    if not walk.apply(revision):
        walk.rebuild()
        walk.apply(revision)
    return RevisionCapture(
        revision,
        assemble(walk.project, revision, "upgrade", up, up_facts),
        assemble(walk.project, revision, "downgrade", down, down_facts, down_failure),
    )


def _capture_one_way(walk: _Walk, revision: Revision) -> RevisionCapture:
    twin = walk.session.create(walk.database)
    try:
        up, failure = record(walk.project, walk.database, revision, "upgrade", walk.share)
        facts = measure(twin, up) if failure is None else []
    finally:
        walk.session.drop(twin)
    if failure is None:
        walk.applied.append(revision)
    else:
        walk.failed.add(revision.id)
        walk.rebuild()
    return RevisionCapture(
        revision, assemble(walk.project, revision, "upgrade", up, facts, failure), None
    )
