"""The up/down/up cycle: every revision applied, reverted and re-applied on a real database.

Revisions run in order from base on one working scratch database: upgrade one step,
downgrade one step (the schema must equal the one before: no trace), upgrade again
(the schema must equal the first upgrade's). Every step is a separate run of the
project's env.py in real transactions, never savepoints, so `autocommit_block()` and
CONCURRENTLY behave as in production.

Isolation comes from template databases: every `CHECKPOINT_EVERY` revisions the
working database is cloned (CREATE DATABASE ... TEMPLATE). When a revision fails or
leaves a trace, the working database is rebuilt from the last clone plus the clean
upgrades since, so the next revision starts from exactly the state it expects.
Cloning before every revision would isolate as well, but a clone of a migrated
database costs about 250 ms, five times a whole up/down/up cycle.

When env.py follows Alembic's connection-sharing recipe, each step gets one open
connection through `config.attributes["connection"]` instead of building an engine.

A revision that fails as a separate step is then reached the way a fresh install
reaches it, in one `upgrade` run from the last checkpoint; when that works, the
revisions after it are still tested. Only revisions that cannot be reached at all
are "not run".

With data checks on (`testing.data`), every empty table is filled before a revision
and checksummed after each step. An upgrade that fails on the filled tables is tried
again on the same schema with every table emptied; when it passes there, it "fails on
data", and the cycle goes on from the emptied database (a checkpoint is taken there).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import psycopg

from lockwise import interrupts
from lockwise.database.catalog import diff, only_validated
from lockwise.database.scratch import ScratchDatabase, ScratchSession
from lockwise.database.tracking import TrackedCatalog, narrowed, track
from lockwise.migrate.baseline import fresh_database
from lockwise.migrate.steps import (
    Direction,
    MigrationFailure,
    probe,
)
from lockwise.migrate.working import WorkingDatabase
from lockwise.project import Project, Revision
from lockwise.testing.data import FAILING, DataChecks, DataOptions, RevisionWatch, Stage
from lockwise.testing.data_sums import TableName
from lockwise.testing.written import watching_writes

Outcome = Literal["ok", "failed", "skipped", "empty", "irreversible", "trace", "differs"]
Progress = Callable[[int, int, Revision], None]

CHECKPOINT_EVERY = 50
PASSES_IN_ONE_RUN = "failed as a separate step; passes in one upgrade run, as a fresh install"


@dataclass(frozen=True)
class StepResult:
    """What the cycle found for one revision."""

    revision: str
    message: str
    file: str
    up: Outcome
    down: Outcome = "skipped"
    no_trace: Outcome = "skipped"
    up_again: Outcome = "skipped"
    seconds: float = 0.0
    trace: tuple[str, ...] = ()
    up_again_diff: tuple[str, ...] = ()
    failure: MigrationFailure | None = None
    note: str = ""
    reached: bool = True  # the revision is applied afterwards (maybe only in one run)
    data: str = "skipped"  # ok, skipped, changed, lost, or fails on data (testing.data)
    data_problems: tuple[str, ...] = ()  # one per finding, naming table and column

    @property
    def ok(self) -> bool:
        """True when nothing in this revision failed (declared-irreversible counts as ok)."""
        bad = {"failed", "empty", "trace", "differs"}
        steps_ok = not bad & {self.up, self.down, self.no_trace, self.up_again}
        return steps_ok and self.data not in FAILING


@dataclass(kw_only=True)
class _Work(WorkingDatabase):
    """The working database, its last clean schema, and how to rebuild it."""

    schema: TrackedCatalog
    checkpoint: ScratchDatabase | None = None
    since_checkpoint: list[Revision] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)
    checkpoint_every: int = CHECKPOINT_EVERY
    version_tables: frozenset[str] = frozenset()
    data: DataChecks | None = None
    watching: RevisionWatch | None = None  # the data of the revision being checked
    _conn: psycopg.Connection[Any] | None = None
    _last: TrackedCatalog | None = None  # the last snapshot of the working database
    _written: set[int] | None = field(default_factory=set)  # since the last checksums

    def snapshot(self, stage: Stage | None = None) -> TrackedCatalog:
        """The schema now; after `stage` of the revision, its data too (when watched).

        Each snapshot re-reads only what moved since the last one of the same database
        (`database.tracking`), so a step costs what it changed, not the whole schema.
        """
        self._last = track(self._connection(), self._last, exclude_tables=self.version_tables)
        if stage and self.watching:
            written = _tables(self._last, self._written)
            self.watching.see(stage, self._connection(), self._last, written)
            self._written = set()
        return self._last

    def _connection(self) -> psycopg.Connection[Any]:
        """Lockwise's own connection to the working database (opened on first use)."""
        if self._conn is None:
            self._conn = psycopg.connect(self.database.url, autocommit=True)
        return self._conn

    def watch(self, revision: Revision) -> None:
        """Fill the empty tables before `revision` and watch its data (when data checks are on)."""
        self.watching = None
        self._written = set()  # the checksums taken before it are of the database as it is
        if self.data:
            self.watching = self.data.before(self._connection(), revision.id, self.schema)

    def step(self, revision: Revision, direction: Direction) -> MigrationFailure | None:
        """Run one step; note the tables it may have written, for the data checks."""
        with watching_writes() as writes:
            failure = self.run(revision, direction)
        if failure:
            self._written = None
            return failure
        written = writes.settled()
        self._written = (
            None if written is None or self._written is None else self._written | written
        )
        return None

    def close(self) -> None:
        """Close both connections to the working database (before cloning or dropping it)."""
        super().close()
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def applied(self, revision: Revision, schema: TrackedCatalog, checkpoint: bool = False) -> None:
        """Record a clean upgrade of `revision`; clone a checkpoint now and then."""
        self.schema = schema
        self.since_checkpoint.append(revision)
        if checkpoint or len(self.since_checkpoint) >= self.checkpoint_every:
            self.close()
            self._checkpoint_at(self.session.create(self.database))

    def _checkpoint_at(self, clone: ScratchDatabase) -> None:
        old, self.checkpoint, self.since_checkpoint = self.checkpoint, clone, []
        if old is not None:
            self.session.drop(old)

    def passes_empty(self, revision: Revision) -> bool:
        """After `revision` failed on the filled tables: does it pass with them emptied?

        The working database is rebuilt at the state before `revision` and every table
        emptied; when the upgrade then passes, that state becomes the checkpoint.
        """
        assert self.data is not None
        self.rebuild()
        self.data.empty(self._connection(), self.schema)
        self.close()
        emptied = self.session.create(self.database)
        if self.step(revision, "upgrade"):
            self.session.drop(emptied)
            return False
        self._checkpoint_at(emptied)
        return True

    def rebuild(self) -> None:
        """Recreate the working database at the last clean state."""
        self._restart()
        for revision in self.since_checkpoint:
            if self.step(revision, "upgrade"):
                self.failed.add(revision.id)

    def reach(self, revision: Revision) -> bool:
        """Reach `revision` as a fresh install does: one upgrade run from the last checkpoint.

        On failure the working database is rebuilt at the state before `revision`.
        """
        self._restart()
        if self.upgrade_in_one_run([*self.since_checkpoint, revision]):
            return True
        self.rebuild()
        return False

    def _restart(self) -> None:
        """Start again from the last checkpoint (from base before the first)."""
        self.close()
        if self.checkpoint is None:
            self.replace_database(fresh_database(self.project, self.session))
        else:
            self.replace_database(self.session.create(self.checkpoint))


@dataclass(frozen=True)
class Cycle:
    """What `run_cycle` did: per-revision results, and where it ended."""

    steps: list[StepResult]
    database: ScratchDatabase  # at the last clean state
    takes_connection: bool  # env.py migrates on a connection handed to it


def run_cycle(
    project: Project,
    session: ScratchSession,
    progress: Progress | None = None,
    checkpoint_every: int = CHECKPOINT_EVERY,
    data: DataOptions | None = None,
) -> Cycle:
    """Cycle every revision; return the results and the database at the last clean state.

    With `data`, the tables are filled and the data checked too (`StepResult.data`).
    """
    database = fresh_database(project, session)
    target = probe(project, database.url)
    work = _Work(
        project=project,
        session=session,
        database=database,
        schema=TrackedCatalog({}),
        checkpoint_every=checkpoint_every,
    )
    work.data = DataChecks(data) if data else None
    work.version_tables = target.version_tables
    work.share_connection = target.takes_connection
    work.schema = work.snapshot()
    results = []
    try:
        for index, revision in enumerate(project.revisions):
            interrupts.check()
            if progress:
                progress(index, len(project.revisions), revision)
            results.append(_timed(work, revision))
    finally:
        work.close()
    return Cycle(results, work.database, target.takes_connection)


def _timed(work: _Work, revision: Revision) -> StepResult:
    started = time.perf_counter()
    base = StepResult(
        revision.id, revision.message, work.project.relative(revision.path), "skipped"
    )
    blocked = [parent for parent in work.project.parents(revision) if parent in work.failed]
    if blocked:
        work.failed.add(revision.id)
        note = f"not run: it follows {blocked[0]}, which could not be reached"
        return replace(base, note=note, reached=False)
    work.watch(revision)
    result = _check(work, revision, base)
    if work.watching:
        data, problems = work.watching.verdict()
        result = replace(result, data=data, data_problems=problems)
    reached = revision.id not in work.failed
    return replace(result, seconds=time.perf_counter() - started, reached=reached)


def _check(work: _Work, revision: Revision, base: StepResult) -> StepResult:
    before = work.schema
    failure = work.step(revision, "upgrade")
    if failure and work.watching and work.watching.holds_rows() and work.passes_empty(revision):
        work.watching.fails_on_data(failure)
        failure = None
    if failure:
        return _failed_upgrade(work, revision, replace(base, up="failed", failure=failure))
    after_up = work.snapshot("up")
    if revision.downgrade_empty or revision.irreversible:
        work.applied(revision, after_up)
        moved = narrowed(before, after_up)
        changed = bool(diff(*moved)) and not only_validated(*moved)
        return _without_downgrade(revision, base, changed)
    result = _down_and_up(work, revision, replace(base, up="ok"), before, after_up)
    if not result.ok:
        work.rebuild()
        if work.step(revision, "upgrade"):
            reached = work.reach(revision)
            if not reached:
                work.failed.add(revision.id)
                return result
            work.applied(revision, after_up, checkpoint=True)
            return result
    work.applied(revision, after_up)
    return result


def _failed_upgrade(work: _Work, revision: Revision, result: StepResult) -> StepResult:
    """Report the failure; go on from `revision` when a fresh install can reach it."""
    if work.reach(revision):
        work.applied(revision, work.snapshot(), checkpoint=True)
        return replace(result, note=PASSES_IN_ONE_RUN)
    work.failed.add(revision.id)
    return result


def _without_downgrade(revision: Revision, base: StepResult, changed: bool) -> StepResult:
    if revision.irreversible:
        return replace(base, up="ok", down="irreversible", note="downgrade declared irreversible")
    if changed:
        note = "downgrade() is empty but upgrade() changes the schema"
        return replace(base, up="ok", down="empty", note=note)
    # Nothing to reverse: the downgrade was not run, and nothing is missing.
    return replace(base, up="ok", note="no schema change; its empty downgrade has nothing to undo")


def _down_and_up(
    work: _Work,
    revision: Revision,
    base: StepResult,
    before: TrackedCatalog,
    after_up: TrackedCatalog,
) -> StepResult:
    failure = work.step(revision, "downgrade")
    if failure:
        return replace(base, down="failed", failure=failure)
    trace = tuple(diff(*narrowed(before, work.snapshot("down"))))
    result = replace(base, down="ok", no_trace="trace" if trace else "ok", trace=trace)
    failure = work.step(revision, "upgrade")
    if failure:
        return replace(result, up_again="failed", failure=failure)
    differs = tuple(diff(*narrowed(after_up, work.snapshot("up again"))))
    return replace(result, up_again="differs" if differs else "ok", up_again_diff=differs)


def _tables(schema: TrackedCatalog, relations: set[int] | None) -> set[TableName] | None:
    """The tables among `relations` (oids) in `schema`; None stays None (any table)."""
    if relations is None:
        return None
    return {table for oid in relations if oid in schema.parts for table in schema.parts[oid].tables}
