"""Run a rule's example on a real server: a two-revision project, captured.

Revision 1 runs the example's setup SQL; revision 2 is the example's `upgrade()`
body. It is captured by review's own walk (`review.history`), from a clone of the
database at revision 1: what the rule sees is what it sees in a real review. Used by
the rule tests and available to anyone writing a rule: `run_example` runs one,
`ExampleRunner` many, and examples with the same setup share the database it builds.
"""

from __future__ import annotations

import tempfile
import textwrap
from collections import OrderedDict
from pathlib import Path

from lockwise.database.scratch import ScratchDatabase, ScratchSession
from lockwise.database.server import Server
from lockwise.migrate.steps import run_step
from lockwise.project import Project, Revision, load_project
from lockwise.review.facts import revision_facts
from lockwise.review.history import Start, capture_revision
from lockwise.rules.base import Example, RevisionFacts

_INI = """[alembic]
script_location = %(here)s/migrations
sqlalchemy.url = postgresql+psycopg://postgres@localhost/placeholder
"""

_ENV = """from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    connection = engine.connect()
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
"""

_REVISION = '''"""{message}"""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = {down!r}


def upgrade() -> None:
{body}


def downgrade() -> None:
{downgrade}
'''

_ASYNC_ENV = """import asyncio

from alembic import context
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import async_engine_from_config

config = context.config


def run(connection):
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


async def main():
    engine = async_engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    async with engine.connect() as connection:
        await connection.run_sync(run)
    await engine.dispose()


asyncio.run(main())
"""


def write_example(folder: Path, example: Example) -> Path:
    """Write the two-revision project for `example` into `folder`."""
    versions = folder / "migrations" / "versions"
    versions.mkdir(parents=True)
    (folder / "alembic.ini").write_text(_INI)
    (folder / "migrations" / "env.py").write_text(_ENV)
    setup = Example(upgrade=f"op.execute({example.setup!r})" if example.setup else "pass")
    _write(versions / "e0000001_setup.py", "e0000001", None, setup)
    _write(versions / "e0000002_example.py", "e0000002", "e0000001", example)
    if example.async_env:
        (folder / "migrations" / "env.py").write_text(_ASYNC_ENV)
        (folder / "alembic.ini").write_text(_INI.replace("+psycopg", "+asyncpg"))
    return folder


def _write(path: Path, revision: str, down: str | None, example: Example) -> None:
    text = _REVISION.format(
        message="example",
        revision=revision,
        down=down,
        body=textwrap.indent(example.upgrade, "    "),
        downgrade=textwrap.indent(example.downgrade, "    "),
    )
    path.write_text(text)


def run_example(server: Server, example: Example, target_version: int = 15) -> RevisionFacts:
    """Capture the example's upgrade on `server` and return the facts a rule reads."""
    with ExampleRunner(server) as runner:
        return runner.run(example, target_version)


class ExampleRunner:
    """Runs examples one after another on one server, over one maintenance connection.

    The database an example's setup builds is kept, and the next examples with the same
    setup start from it: the walk clones it and leaves it as it was. The few setups used
    last are kept (`keep`); every database is dropped on exit.
    """

    def __init__(self, server: Server, keep: int = 8) -> None:
        # Some examples need a superuser (LW111 creates an access method): they show
        # locks, not what a run role may do.
        self._session = ScratchSession(server, isolate=False)
        self._keep = keep
        self._bases: OrderedDict[str, ScratchDatabase] = OrderedDict()

    def __enter__(self) -> ExampleRunner:
        self._session.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bases.clear()
        self._session.__exit__(*exc)

    def run(self, example: Example, target_version: int = 15) -> RevisionFacts:
        """Capture the example's upgrade and return the facts a rule reads."""
        with tempfile.TemporaryDirectory(prefix="lockwise-example-") as folder:
            project = load_project(write_example(Path(folder), example))
            setup, body = project.revisions
            base = self._base(project, setup, example.setup)
            captured = capture_revision(project, self._session, Start(base, (setup,)), body)
        return revision_facts(captured.upgrade, body, target_version, async_env=example.async_env)

    def _base(self, project: Project, setup: Revision, sql: str) -> ScratchDatabase:
        """The database at the setup revision: kept from an earlier example, or built."""
        if sql in self._bases:
            self._bases.move_to_end(sql)
            return self._bases[sql]
        base = self._session.create()
        try:
            run_step(project, base.url, setup, "upgrade")
        except BaseException:
            self._session.drop(base)
            raise
        self._bases[sql] = base
        if len(self._bases) > self._keep:
            _, oldest = self._bases.popitem(last=False)
            self._session.drop(oldest)
        return base
