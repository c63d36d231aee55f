"""Record what each statement of a revision did, in two passes.

Review's walk (`review.history`) runs them on its working database; the rule examples
are captured by the same walk:

1. Record. The revision runs through the project's own env.py, as `lockwise test`
   runs it. A SQLAlchemy `before_cursor_execute` listener keeps every statement whose
   call stack passes through the revision file (so Alembic's own bookkeeping and
   introspection are left out) with the line of that file it came from, and whether
   it ran inside a transaction or in an autocommit block.
2. Measure. The recorded statements are replayed in order, each in a
   transaction of its own, so a lock taken by an earlier statement cannot hide the
   locks a later one needs. Inside that transaction, right after the statement:
   its locks (`pg_locks` for this backend), the relations it rewrote (`relfilenode`
   changed) and the tables it scanned (`pg_stat_xact_user_tables.seq_scan`).
   Statements that ran outside a transaction (CONCURRENTLY) are replayed in
   autocommit, and their locks are read while they wait for a blocker session
   (`observe.py`); one that never waits keeps `locks_measured` false.

The passes live in `record.py` and `measure.py`; this module joins them.
"""

from __future__ import annotations

from collections.abc import Sequence

from lockwise.capture.facts import Capture, Lock, Recorded, Statement
from lockwise.capture.measure import Facts, Relations, measure
from lockwise.capture.record import record
from lockwise.migrate.steps import Direction, MigrationFailure
from lockwise.project import Project, Revision

__all__ = [
    "Capture",
    "Facts",
    "Lock",
    "Recorded",
    "Relations",
    "Statement",
    "assemble",
    "measure",
    "record",
]


def assemble(
    project: Project,
    revision: Revision,
    direction: Direction,
    recorded: Sequence[Recorded],
    facts: Sequence[Facts],
    failure: MigrationFailure | None = None,
) -> Capture:
    """Join recorded statements with their measured facts (unmeasured when missing).

    After a failure the statements up to the failing one still tell rules what was
    attempted, without facts.
    """
    padded = list(facts) + [Facts.unmeasured()] * (len(recorded) - len(facts))
    statements = tuple(
        _statement(project, revision, direction, item, fact)
        for item, fact in zip(recorded, padded, strict=True)
    )
    return Capture(revision.id, direction, statements, failure)


def _statement(
    project: Project, revision: Revision, direction: Direction, item: Recorded, fact: Facts
) -> Statement:
    return Statement(
        revision=revision.id,
        direction=direction,
        file=project.relative(revision.path),
        line=item.line,
        sql=item.sql.strip(),
        transactional=item.transactional,
        duration_ms=fact.duration_ms,
        locks=fact.locks,
        rewrites=fact.rewrites,
        scans=fact.scans,
        created_before=fact.created_before,
        locks_measured=fact.locks_measured,
        created=fact.created,
    )
