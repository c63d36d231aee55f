"""`lockwise apply`: upgrade a production database, one deploy at a time, without stalling it.

What `alembic upgrade head` leaves to hope, in order:

1. **One deploy at a time.** A session advisory lock on the database, held on a
   connection of apply's own until it ends. A second apply waits (`--wait`), then finds
   nothing left to do.
2. **Know where the database is** before touching it: a version the project does not
   know stops the run (exit 2).
3. **One revision per env.py run**, so each revision commits with its version row (a
   failure leaves the database at the revision before, never half-marked). Autocommit
   blocks, `lockwise.ops.backfill` and CONCURRENTLY run as the project wrote them.
4. **Short waits for locks.** Every session env.py opens gets `lock_timeout` (and
   `statement_timeout` when set), see `release.sessions`. A revision that fails on
   `lock_timeout` (SQLSTATE 55P03, or a `lockwise.ops.backfill` batch stopped by it: the
   batches done stay done) rolled back; it is tried again after an exponential
   backoff with jitter, a bounded number of times, and each attempt names the session
   that held the lock.
5. **Leftovers of a killed run.** A killed apply's backend may still be running its
   last statement: apply ends such sessions first (`sessions.end_orphans`). A failed
   `CREATE INDEX CONCURRENTLY` leaves an INVALID index, and `IF NOT EXISTS` would then
   keep it. Before a revision runs, an
   INVALID index that no session is building and whose name the revision's file
   mentions is dropped (`DROP INDEX CONCURRENTLY`), so the revision builds it again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import event
from sqlalchemy.engine import Engine

from lockwise import interrupts
from lockwise.database.server import open_server
from lockwise.errors import BadInput, DatabaseUnavailable, LockwiseError
from lockwise.migrate.steps import (
    MigrationFailure,
    StepFailed,
    Target,
    probe,
    run_step,
    shared_connection,
    sqlstate,
)
from lockwise.migrate.versions import read_versions
from lockwise.ops import BackfillStopped
from lockwise.project import Project, Revision
from lockwise.release.sessions import Blocker, Sessions, Timeouts, end_orphans
from lockwise.urls import redact

# pg_advisory_lock's key for "a lockwise apply runs on this database": b"lockwise".
DEPLOY_LOCK = int.from_bytes(b"lockwise", "big")
LOCK_NOT_AVAILABLE = "55P03"
_POLL_S = 0.5  # how often a waiting apply tries the deploy lock
_BACKOFF_S = 1.0  # the first retry's mean wait; it doubles each time
_BACKOFF_CAP_S = 30.0

_INVALID = """
SELECT n.nspname, c.relname
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid
  AND i.indexrelid NOT IN (SELECT index_relid FROM pg_stat_progress_create_index)
ORDER BY 1
"""


class DeployBusy(LockwiseError):
    """Another apply held the deploy lock for all of `--wait` (exit 1)."""


@dataclass(frozen=True)
class Retry:
    """One attempt of a revision that failed on lock_timeout, and the wait before the next."""

    revision: str
    attempt: int
    blocker: Blocker | None
    wait_s: float


@dataclass(frozen=True)
class ApplyReport:
    """What `apply` did to the database, and where it left it.

    Attributes:
        database: The database, its URL without the password.
        before: The version rows when apply took the deploy lock.
        after: The version rows when it let go.
        target: The revisions asked for (the head unless `--to`).
        pending: The revisions that were to run when apply took the deploy lock.
        applied: The revisions this run applied, in order.
        rebuilt: INVALID indexes dropped so that their revision builds them again.
        retries: The attempts that failed on lock_timeout.
        failure: The revision and statement that failed; None when all went through.
        blocker: Who held the lock when the last attempt gave up on lock_timeout.
        invalid: INVALID indexes on the database after a failure.
        waited_s: How long the deploy lock took to get.
    """

    database: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    target: tuple[str, ...]
    pending: tuple[str, ...] = ()
    applied: tuple[str, ...] = ()
    rebuilt: tuple[str, ...] = ()
    retries: tuple[Retry, ...] = ()
    failure: MigrationFailure | None = None
    blocker: Blocker | None = None
    invalid: tuple[str, ...] = ()
    waited_s: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every revision asked for was applied."""
        return self.failure is None


class Progress:
    """What apply tells as it goes; the CLI prints it (the default says nothing)."""

    def waiting(self, holder: int | None) -> None:
        """Another apply holds the deploy lock (its pid, when visible)."""

    def orphans(self, pids: list[int]) -> None:
        """Sessions a killed apply left running were ended."""

    def pending(self, revisions: list[Revision]) -> None:
        """The revisions that will run, once the lock is held."""

    def revision(self, index: int, total: int, revision: Revision) -> None:
        """A revision starts."""

    def statement(self, sql_text: str, seconds: float) -> None:
        """A statement of the running revision finished."""

    def retry(self, retry: Retry) -> None:
        """A revision failed on lock_timeout and will run again after `retry.wait_s`."""

    def rebuilding(self, index: str) -> None:
        """An INVALID index is dropped so that its revision builds it again."""

    def done(self, revision: Revision, seconds: float) -> None:
        """A revision committed."""


@dataclass
class Options:
    """How apply runs: timeouts, retries, how long to wait for another deploy."""

    timeouts: Timeouts = field(default_factory=Timeouts)
    retries: int = 5
    wait_s: float = 600.0
    to: str | None = None


def apply(project: Project, url: str, options: Options, progress: Progress) -> ApplyReport:
    """Upgrade the database at `url` to `options.to` (default: the head), as the module says.

    Raises:
        BadInput: several heads and no `--to`, an unknown `--to`, a version the project
            does not know (nothing is touched), env.py connects elsewhere (exit 2).
        DeployBusy: another apply held the deploy lock for all of `--wait` (exit 1).
        DatabaseUnavailable: the database cannot be reached, or went away (exit 3).
    """
    target = _target(project, options.to)
    server = open_server(url)  # refuses a URL that is not PostgreSQL's, or unreachable
    with server.open() as own:
        own.execute("SET application_name = 'lockwise apply'")  # the deploy lock's holder
        waited = _take_deploy_lock(own, options.wait_s, progress, url)
        ended = end_orphans(own)
        if ended:
            progress.orphans(ended)
        found = probe(project, url)
        before = read_versions(own, found.version_tables) or ()
        unknown = [version for version in before if version not in _ids(project)]
        if unknown:
            raise BadInput(
                f"{redact(url)} is at {', '.join(unknown)}, a revision this project does not"
                " know (a branch that was not merged here, or a deleted file):"
                " nothing was applied"
            )
        pending = _pending(project, before, target)
        progress.pending(pending)
        report = ApplyReport(
            redact(url), before, before, target, tuple(r.id for r in pending), waited_s=waited
        )
        if not pending:
            return report
        sessions = Sessions(own, options.timeouts)
        with sessions.watching():
            report = _run(project, url, found, pending, options, progress, sessions, report)
        try:
            after = read_versions(own, found.version_tables) or ()
            invalid = () if report.ok else tuple(f"{s}.{n}" for s, n in invalid_indexes(own))
        except psycopg.Error:
            where = (
                f" at {report.failure.revision}: {report.failure.error}" if report.failure else ""
            )
            raise DatabaseUnavailable(
                f"lost the connection to {redact(url)}{where}; lockwise status says where the"
                " database is"
            ) from None
        return _replace(report, after=after, invalid=invalid)


def _run(
    project: Project,
    url: str,
    found: Target,
    pending: list[Revision],
    options: Options,
    progress: Progress,
    sessions: Sessions,
    report: ApplyReport,
) -> ApplyReport:
    applied: list[str] = []
    rebuilt: list[str] = []
    retries: list[Retry] = []
    with _statements(progress):
        for index, revision in enumerate(pending, start=1):
            interrupts.check()
            progress.revision(index, len(pending), revision)
            started = time.perf_counter()
            rebuilt += _drop_leftovers(sessions, revision, progress)
            failure, blocker = _attempts(
                project, url, found, revision, options, progress, sessions, retries
            )
            if failure is not None:
                return _replace(
                    report,
                    applied=tuple(applied),
                    rebuilt=tuple(rebuilt),
                    retries=tuple(retries),
                    failure=failure,
                    blocker=blocker,
                )
            applied.append(revision.id)
            progress.done(revision, time.perf_counter() - started)
    return _replace(report, applied=tuple(applied), rebuilt=tuple(rebuilt), retries=tuple(retries))


def _attempts(
    project: Project,
    url: str,
    found: Target,
    revision: Revision,
    options: Options,
    progress: Progress,
    sessions: Sessions,
    retries: list[Retry],
) -> tuple[MigrationFailure | None, Blocker | None]:
    """Run one revision, again after each lock_timeout, at most `options.retries` more times."""
    for attempt in range(1, options.retries + 2):
        interrupts.check()
        connection = shared_connection(project, url) if found.takes_connection else None
        sessions.last_blocker()  # forget who blocked an earlier statement for a moment
        try:
            run_step(project, url, revision, "upgrade", connection)
            return None, None
        except StepFailed as failed:
            interrupts.check()  # a Ctrl-C cancelled the statement: stop, do not retry
            blocker = sessions.last_blocker()
            cause = failed.__cause__ or failed
            if sqlstate(cause) != LOCK_NOT_AVAILABLE and not isinstance(cause, BackfillStopped):
                return failed.failure, None
            if attempt > options.retries:
                return failed.failure, blocker
            wait = min(_BACKOFF_S * 2 ** (attempt - 1), _BACKOFF_CAP_S) * random.uniform(0.5, 1.5)
            retry = Retry(revision.id, attempt, blocker, wait)
            retries.append(retry)
            progress.retry(retry)
            _sleep(wait)
        finally:
            if connection is not None:
                connection.close()
    raise AssertionError("unreachable: the last attempt returns")


def _sleep(seconds: float) -> None:
    """Sleep, waking for Ctrl-C."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        interrupts.check()
        time.sleep(min(0.1, left))


def _drop_leftovers(sessions: Sessions, revision: Revision, progress: Progress) -> list[str]:
    """Drop the INVALID indexes `revision` builds, left by a killed concurrent build."""
    text = revision.path.read_text()
    dropped: list[str] = []
    for schema, name in sessions.run(invalid_indexes):
        if mentions(text, name):
            progress.rebuilding(f"{schema}.{name}")
            sessions.run(functools.partial(_drop_index, schema=schema, name=name))
            dropped.append(f"{schema}.{name}")
    return dropped


def mentions(text: str, name: str) -> bool:
    """Whether `text` (a revision file) names `name` as a whole identifier."""
    return re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", text) is not None


def _take_deploy_lock(
    conn: psycopg.Connection[Any], wait_s: float, progress: Progress, url: str
) -> float:
    started = time.monotonic()
    told = False
    while True:
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", [DEPLOY_LOCK]).fetchone()
        if row is not None and row[0]:
            return time.monotonic() - started
        holder = _lock_holder(conn)
        if not told:
            progress.waiting(holder)
            told = True
        if time.monotonic() - started >= wait_s:
            who = f" (pid {holder})" if holder else ""
            raise DeployBusy(
                f"another lockwise apply{who} held the deploy lock on {redact(url)} for"
                f" {wait_s:g} s (--wait): nothing was applied; run again once it is done"
            )
        interrupts.check()
        time.sleep(_POLL_S)


def _lock_holder(conn: psycopg.Connection[Any]) -> int | None:
    row = conn.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND ((classid::bigint << 32) | objid::bigint) = %s LIMIT 1",
        [DEPLOY_LOCK],
    ).fetchone()
    return int(row[0]) if row else None


def invalid_indexes(conn: psycopg.Connection[Any]) -> list[tuple[str, str]]:
    """INVALID indexes no session is building: (schema, name)."""
    return [(str(schema), str(name)) for schema, name in conn.execute(_INVALID).fetchall()]


def _drop_index(conn: psycopg.Connection[Any], schema: str, name: str) -> None:
    conn.execute(
        sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}").format(sql.Identifier(schema, name))
    )


def _target(project: Project, to: str | None) -> tuple[str, ...]:
    if to is None:
        if len(project.heads) > 1:
            raise BadInput(
                f"the history has {len(project.heads)} heads ({', '.join(project.heads)}):"
                f' merge them (alembic merge -m "merge heads" {" ".join(project.heads)})'
                " or name one with --to"
            )
        return project.heads
    if to in ("head", "heads"):
        return project.heads
    matches = [r.id for r in project.revisions if r.id.startswith(to)]
    if len(matches) != 1:
        why = "no revision" if not matches else f"{len(matches)} revisions"
        raise BadInput(f"--to {to}: {why} of this project starts so")
    return (matches[0],)


def _pending(project: Project, current: tuple[str, ...], target: tuple[str, ...]) -> list[Revision]:
    """The revisions to run from `current` up to `target`, base first."""
    wanted = project.ancestry(target) - project.ancestry(current)
    return [revision for revision in project.revisions if revision.id in wanted]


def _ids(project: Project) -> set[str]:
    return {revision.id for revision in project.revisions}


def _replace(report: ApplyReport, **changes: Any) -> ApplyReport:
    return dataclasses.replace(report, **changes)


@contextlib.contextmanager
def _statements(progress: Progress) -> Iterator[None]:
    """Tell `progress` of each statement the migration's sessions finish, with its time."""
    started: list[float] = []

    def before(*_args: Any) -> None:
        started.append(time.perf_counter())

    def after(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if started:
            progress.statement(statement, time.perf_counter() - started.pop())

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        event.remove(Engine, "after_cursor_execute", after)
