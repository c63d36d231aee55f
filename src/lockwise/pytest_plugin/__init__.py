"""lockwise's pytest plugin: scratch PostgreSQL fixtures, and lockwise's checks as tests.

Installing lockwise registers it with pytest (entry point `pytest11`, named `lockwise`:
`-p no:lockwise` turns it off). It offers:

- `lockwise_project`: the Alembic project the tests belong to (`lockwise.project.Project`:
  `root`, Alembic's `config` and `script`, `revisions`, `heads`);
- `lockwise_database`: a fresh scratch database per test, with `.url` (libpq),
  `.sync_engine` (psycopg) and `.async_engine` (asyncpg), dropped after the test;
- `migrator`: moves `lockwise_database` through the history with the project's env.py;
- the built-in tests (`--lockwise`, or `pytest = true` in `[tool.lockwise]`): one item
  per check per revision, all from one `lockwise test` and one `lockwise review` run
  (see `checks`), marked `lockwise`.

The project is the one `--lockwise-project PATH` or the `lockwise_project` ini option
names; otherwise the nearest folder with an Alembic configuration at or above the
test's folder (for the built-in tests, the folder pytest started in), within the rootdir.
Databases live on the embedded PostgreSQL, or on the server at $LOCKWISE_DATABASE_URL.

Every pytest run of every lockwise user loads this module, so it imports nothing but
pytest: Alembic, SQLAlchemy and the rest of lockwise load when a fixture or the
built-in tests need them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from lockwise.errors import LockwiseError
from lockwise.pytest_plugin import locate

if TYPE_CHECKING:
    from lockwise.project import Project
    from lockwise.pytest_plugin.database import LockwiseDatabase
    from lockwise.pytest_plugin.migrations import Migrator
    from lockwise.pytest_plugin.state import PluginState

_STATE = pytest.StashKey["PluginState"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lockwise", "lockwise (Alembic migrations on PostgreSQL)")
    group.addoption(
        "--lockwise",
        action="store_true",
        help="Run lockwise's checks of the migration history as tests (lockwise::...).",
    )
    group.addoption(
        locate.OPTION,
        metavar="PATH",
        help="The Alembic project's folder (default: the nearest one with alembic.ini).",
    )
    parser.addini(locate.INI, "The Alembic project's folder, relative to this file.")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "lockwise: lockwise's checks of the migration history")


@pytest.hookimpl(tryfirst=True)  # before -k, -m and --deselect choose among the items
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    root = locate.checked_project(config)
    if root is None:
        return
    from lockwise.pytest_plugin.checks import collect

    items[:0] = collect(session, _state(config), root)


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None:
        state.close()


@pytest.fixture
def lockwise_project(request: pytest.FixtureRequest) -> Project:
    """The Alembic project these tests belong to, loaded (several heads are allowed)."""
    root = _project_root(request)
    with _one_line():
        return _state(request.config).project(root)


@pytest.fixture
def lockwise_database(request: pytest.FixtureRequest) -> Iterator[LockwiseDatabase]:
    """A fresh scratch database: `.url` (libpq), `.sync_engine`, `.async_engine`.

    It holds nothing, or the project's baseline tables; it is dropped after the test.
    """
    from lockwise.pytest_plugin.database import scratch_database

    root = locate.project_for(request.config, request.path.parent)
    with ExitStack() as stack:
        with _one_line():
            database = stack.enter_context(scratch_database(_state(request.config), root))
        yield database


@pytest.fixture
def migrator(
    request: pytest.FixtureRequest, lockwise_project: Project, lockwise_database: LockwiseDatabase
) -> Migrator:
    """`lockwise_database`, moved through the history by the project's env.py.

    `migrator.up(to="heads")`, `migrator.down(to=...)` (targets as Alembic takes them),
    `migrator.current`, `migrator.insert(table, rows)`, `migrator.execute(sql)`.
    """
    from lockwise.pytest_plugin.migrations import Migrator

    with _one_line():
        target = _state(request.config).target(lockwise_project, lockwise_database.url)
    return Migrator(lockwise_project, lockwise_database, target)


def _state(config: pytest.Config) -> PluginState:
    if _STATE not in config.stash:
        from lockwise.pytest_plugin.state import PluginState

        config.stash[_STATE] = PluginState()
    return config.stash[_STATE]


def _project_root(request: pytest.FixtureRequest) -> Path:
    folder = request.path.parent
    root = locate.project_for(request.config, folder)
    if root is None:
        pytest.fail(locate.not_found(folder), pytrace=False)
    return root


@contextmanager
def _one_line() -> Iterator[None]:
    """A bad project or an unreachable server fails the test with lockwise's one line."""
    try:
        yield
    except LockwiseError as error:
        pytest.fail(str(error), pytrace=False)
