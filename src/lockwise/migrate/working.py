"""The working database a walk migrates step by step: review's walk and test's cycle.

Both walk the history on one scratch database, run each step through env.py (handing
it one open connection when env.py follows Alembic's connection-sharing recipe), and,
when a step fails, close what the failed migration may have left unusable and start
again from a known state: review from base, the cycle from its last checkpoint. This
class is what they share; each adds how it gets back to a known state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Connection

from lockwise import interrupts
from lockwise.database.scratch import ScratchDatabase, ScratchSession
from lockwise.migrate.steps import (
    Direction,
    MigrationFailure,
    StepFailed,
    run_step,
    shared_connection,
    upgrade_in_one_run,
)
from lockwise.project import Project, Revision


@dataclass(kw_only=True)
class WorkingDatabase:
    """A scratch database a walk migrates, and the connection env.py is handed on it.

    Attributes:
        project: The project whose env.py runs each step.
        session: Where scratch databases are made and dropped.
        database: The working database now (replaced when the walk starts again).
        share_connection: env.py takes a connection (`probe` said so).
    """

    project: Project
    session: ScratchSession
    database: ScratchDatabase
    share_connection: bool = False
    _shared: Connection | None = field(default=None, repr=False)

    @property
    def connection(self) -> Connection | None:
        """The connection handed to env.py, when it takes one (opened on first use)."""
        if self.share_connection and self._shared is None:
            self._shared = shared_connection(self.project, self.database.url)
        return self._shared

    def close(self) -> None:
        """Close every connection to the working database (before cloning or dropping it)."""
        if self._shared is not None:
            self._shared.close()
            self._shared = None

    def run(self, revision: Revision, direction: Direction) -> MigrationFailure | None:
        """Run one step of `revision` through env.py; its failure, or None."""
        interrupts.check()
        try:
            run_step(self.project, self.database.url, revision, direction, self.connection)
        except StepFailed as error:
            self.close()  # a failed migration may leave its connection unusable
            interrupts.check()  # a step cut short by Ctrl-C is no failure to report
            return error.failure
        return None

    def upgrade_in_one_run(self, revisions: list[Revision]) -> bool:
        """Upgrade through `revisions` in one env.py run, as a fresh install does."""
        if upgrade_in_one_run(self.project, self.database.url, revisions, self.connection):
            return True
        self.close()
        interrupts.check()
        return False

    def replace_database(self, database: ScratchDatabase) -> None:
        """Work on `database` from now on; the current working database is dropped."""
        self.close()
        self.session.drop(self.database)
        self.database = database
