"""Capture a project's history: every selected revision, upgrade and downgrade.

One working scratch database walks the history from base. For a revision under
review it records the real upgrade (env.py), then the real downgrade, then replays
both, statement by statement, to measure them (`capture.measure`), and upgrades once
more for real so the next revision starts from the true state. No clone per
revision: replays run on the working database itself, each in its own transaction.
A revision whose downgrade is empty is measured on a clone instead. When anything
fails the working database is rebuilt by upgrading a fresh one to the last good state.

A revision that fails as a separate step is then reached as a fresh install reaches
it, in one upgrade run from base, and the revisions after it are still reviewed.
Those that cannot be reached are listed, with the reason, as not reviewed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from lockwise import interrupts
from lockwise.capture import Capture, Facts, Recorded, Relations, assemble, measure, record
from lockwise.capture.record import recording_files
from lockwise.database.scratch import ScratchDatabase, ScratchSession
from lockwise.errors import LockwiseError
from lockwise.migrate.baseline import fresh_database
from lockwise.migrate.steps import (
    Direction,
    Target,
    probe,
    run_steps,
)
from lockwise.migrate.working import WorkingDatabase
from lockwise.project import Project, Revision
from lockwise.review.findings import NotReviewed

Progress = Callable[[int, int, Revision], None]


@dataclass(frozen=True)
class RevisionCapture:
    """Both directions of one revision (no downgrade capture when it is empty)."""

    revision: Revision
    upgrade: Capture
    downgrade: Capture | None


@dataclass(frozen=True)
class History:
    """What `capture_history` found: captures in order, env.py's target, what was skipped."""

    captures: list[RevisionCapture]
    target: Target
    not_reviewed: list[NotReviewed]


@dataclass(kw_only=True)
class _Walk(WorkingDatabase):
    """Review's working database: the revisions applied on it, and those not reached."""

    applied: list[Revision] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # revision -> why it was not reached
    _measuring: psycopg.Connection[Any] | None = None

    def measure(self, recorded: list[Recorded], relations: Relations | None = None) -> list[Facts]:
        """Replay and measure statements on the working database, on one connection.

        `relations`: what the last call left, when nothing else changed the database since.
        """
        return measure(self.database, recorded, self._measuring_connection(), relations)

    def relations(self) -> Relations:
        """The working database's relations, for `measure` to keep up to date."""
        return Relations.read(self._measuring_connection())

    def _measuring_connection(self) -> psycopg.Connection[Any]:
        if self._measuring is None:
            self._measuring = psycopg.connect(self.database.url, autocommit=True)
        return self._measuring

    def close(self) -> None:
        """Close every connection to the working database (before cloning or dropping it)."""
        super().close()
        if self._measuring is not None:
            self._measuring.close()
            self._measuring = None

    def record(self, revision: Revision, direction: Direction) -> tuple[list[Recorded], Any]:
        interrupts.check()
        recorded, failure = record(
            self.project, self.database, revision, direction, self.connection
        )
        if failure is not None:
            self.close()
            interrupts.check()
        return recorded, failure

    def apply(self, revision: Revision) -> bool:
        if self.run(revision, "upgrade"):
            return False
        self.applied.append(revision)
        return True

    def rebuild(self) -> None:
        """A fresh working database at the last good state, in one upgrade run."""
        if not self._upgrade_fresh(self.applied):
            self._rebuild_step_by_step()

    def reach(self, revision: Revision) -> bool:
        """Reach `revision` as a fresh install does: one upgrade run from base.

        On failure the working database is rebuilt at the last good state.
        """
        if self._upgrade_fresh([*self.applied, revision]):
            self.applied.append(revision)
            return True
        self.rebuild()
        return False

    def _upgrade_fresh(self, revisions: list[Revision]) -> bool:
        self._restart()
        return self.upgrade_in_one_run(revisions)

    def _rebuild_step_by_step(self) -> None:
        self._restart()
        applied, self.applied = self.applied, []
        for revision in applied:
            if revision.id in self.failed or any(
                p in self.failed for p in self.project.parents(revision)
            ):
                self.failed.setdefault(revision.id, "an earlier revision failed")
            elif not self.apply(revision):
                self.failed[revision.id] = f"upgrading {revision.id} failed"

    def _restart(self) -> None:
        """Replace the working database with a fresh one: the baseline and nothing else."""
        self.replace_database(fresh_database(self.project, self.session))


@dataclass(frozen=True)
class Start:
    """Where a walk may start instead of base: a database with `applied` already run on it.

    The walk works on a clone, so `database` is left as it was (the rule examples share
    one per setup).
    """

    database: ScratchDatabase
    applied: tuple[Revision, ...]


def capture_history(
    project: Project,
    session: ScratchSession,
    selected: frozenset[str],
    progress: Progress | None = None,
    start: Start | None = None,
) -> History:
    """Capture each revision in `selected`; apply the others on the way.

    The walk starts from base, or from a clone of `start.database`.
    """
    database = session.create(start.database) if start else fresh_database(project, session)
    target = probe(project, database.url)
    walk = _Walk(project=project, session=session, database=database)
    walk.share_connection = target.takes_connection
    walk.applied = list(start.applied) if start else []
    try:
        captures = _walk_history(walk, selected, progress)
    finally:
        walk.close()
    session.drop(walk.database)  # done with it (after a failure, the session drops it)
    not_reviewed = [
        NotReviewed(r.id, walk.failed[r.id])
        for r in project.revisions
        if r.id in selected
        and r.id in walk.failed
        and r.id not in {c.revision.id for c in captures}
    ]
    return History(captures, target, not_reviewed)


def capture_revision(
    project: Project, session: ScratchSession, start: Start, revision: Revision
) -> RevisionCapture:
    """Capture one revision as review does, from `start` (which must precede it).

    Raises:
        LookupError: the revision was not reached.
    """
    history = capture_history(project, session, frozenset({revision.id}), start=start)
    if not history.captures:
        raise LookupError(f"{revision.id} was not reached: {history.not_reviewed}")
    return history.captures[0]


def _walk_history(
    walk: _Walk, selected: frozenset[str], progress: Progress | None
) -> list[RevisionCapture]:
    revisions = walk.project.revisions
    if len(selected) == len(revisions) and not walk.applied:
        batch = _capture_in_one_go(walk, progress)
        if batch is not None:
            return batch
    captures: list[RevisionCapture] = []
    chosen = [r for r in revisions if r.id in selected]
    already = {r.id for r in walk.applied}
    for revision in revisions:
        interrupts.check()
        if revision.id not in already:
            _visit(walk, revision, selected, chosen, captures, progress)
    return captures


def _visit(
    walk: _Walk,
    revision: Revision,
    selected: frozenset[str],
    chosen: list[Revision],
    captures: list[RevisionCapture],
    progress: Progress | None,
) -> None:
    blocked = [p for p in walk.project.parents(revision) if p in walk.failed]
    if blocked:
        walk.failed[revision.id] = f"it follows {blocked[0]}, which could not be reached"
    elif revision.id not in selected:
        if not walk.apply(revision) and not walk.reach(revision):
            walk.failed[revision.id] = "it could not be upgraded"
    else:
        if progress:
            progress(chosen.index(revision), len(chosen), revision)
        captures.append(_capture(walk, revision))


def _capture_in_one_go(walk: _Walk, progress: Progress | None) -> list[RevisionCapture] | None:
    """The whole history as `alembic upgrade head` then `downgrade base` run it.

    Two env.py runs record every statement; then each revision's statements are
    replayed and measured, upgrades from base to head, downgrades back to base. Much
    faster than one revision at a time. When anything fails (a migration, an
    irreversible downgrade), returns None after resetting the working database, and
    the caller walks revision by revision to say which and why.
    """
    project, revisions = walk.project, walk.project.revisions
    files = {r.path: r.id for r in revisions}
    try:
        with recording_files(files) as ups:
            steps = [project.upgrade_step(r.id) for r in revisions]
            run_steps(project, walk.database.url, steps, walk.connection)
        with recording_files(files) as downs:
            steps = [project.downgrade_step(r.id) for r in reversed(revisions)]
            run_steps(project, walk.database.url, steps, walk.connection)
    except LockwiseError:
        raise
    except Exception:  # whatever it was, the one-by-one walk reports it properly
        interrupts.check()
        walk.rebuild()
        return None
    up_facts = {}
    relations = walk.relations()  # read once: from here on only the replays change it
    for index, revision in enumerate(revisions):
        interrupts.check()
        if progress:
            progress(index, len(revisions), revision)
        up_facts[revision.id] = walk.measure(_of(ups, revision), relations)
    down_facts = {r.id: walk.measure(_of(downs, r), relations) for r in reversed(revisions)}
    return [
        RevisionCapture(
            r,
            assemble(project, r, "upgrade", _of(ups, r), up_facts[r.id]),
            assemble(project, r, "downgrade", _of(downs, r), down_facts[r.id]),
        )
        for r in revisions
    ]


def _of(recorded: list[tuple[str, Recorded]], revision: Revision) -> list[Recorded]:
    return [statement for key, statement in recorded if key == revision.id]


def _capture(walk: _Walk, revision: Revision) -> RevisionCapture:
    if revision.downgrade_empty or revision.irreversible:
        return _capture_one_way(walk, revision)
    up, failure = walk.record(revision, "upgrade")
    if failure is not None:
        if not walk.reach(revision):
            walk.failed[revision.id] = f"upgrading {revision.id} failed"
        return RevisionCapture(
            revision, assemble(walk.project, revision, "upgrade", up, [], failure), None
        )
    down, down_failure = walk.record(revision, "downgrade")
    if down_failure is not None:
        walk.rebuild()
    up_facts = walk.measure(up)
    down_facts = walk.measure(down) if down_failure is None else []
    if not walk.apply(revision):
        walk.rebuild()
        if not walk.apply(revision) and not walk.reach(revision):
            walk.failed[revision.id] = f"upgrading {revision.id} again failed"
    return RevisionCapture(
        revision,
        assemble(walk.project, revision, "upgrade", up, up_facts),
        assemble(walk.project, revision, "downgrade", down, down_facts, down_failure),
    )


def _capture_one_way(walk: _Walk, revision: Revision) -> RevisionCapture:
    walk.close()  # cloning the working database ends every session on it
    twin = walk.session.create(walk.database)
    try:
        up, failure = walk.record(revision, "upgrade")
        facts = measure(twin, up) if failure is None else []
    finally:
        walk.session.drop(twin)
    if failure is None:
        walk.applied.append(revision)
    elif not walk.reach(revision):
        walk.failed[revision.id] = f"upgrading {revision.id} failed"
    return RevisionCapture(
        revision, assemble(walk.project, revision, "upgrade", up, facts, failure), None
    )
