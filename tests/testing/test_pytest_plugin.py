"""lockwise's pytest plugin, run by pytest itself (`pytester`) on tiny projects.

The fixtures reach a real scratch database; the built-in tests appear only when asked
for, one per check per revision, and fail with the text `lockwise test` and `review`
print for that revision. Runs whose env.py imports a `models` module, runs that load
asyncpg, and the run that looks at what the plugin imports go in a process of their own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import PROJECTS

# The modules the in-process runs import, imported first: pytester forgets what a run
# imported, and SQLAlchemy warns when its PostgreSQL dialect is imported a second time.
import lockwise.pytest_plugin.checks
import lockwise.pytest_plugin.migrations  # noqa: F401
from lockwise.database.scratch import list_scratch
from lockwise.database.server import DATA_DIR_ENV, Server, embedded_data_dir

pytest_plugins = ["pytester"]

# pytester points HOME at a temporary folder: the inner runs must still find the
# embedded server's data folder, which lives under the real one.
EMBEDDED_DATA = embedded_data_dir()


@pytest.fixture
def server(server_env: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    """The server the inner pytest runs use (as `server_env` does for the CLI)."""
    if server_env.embedded:
        monkeypatch.setenv(DATA_DIR_ENV, str(EMBEDDED_DATA))
    return server_env


def project(pytester: pytest.Pytester, name: str) -> Path:
    """Copy tests/projects/<name> into the folder pytester runs in (its rootdir)."""
    shutil.copytree(PROJECTS / name, pytester.path, dirs_exist_ok=True)
    return pytester.path


def collected(pytester: pytest.Pytester, *args: str) -> list[str]:
    """The node ids a run would collect."""
    result = pytester.runpytest("--collect-only", "-q", *args)
    return [line for line in result.outlines if "::" in line]


def failed(result: pytest.RunResult) -> list[str]:
    """The node ids of the failed tests, from the short summary."""
    summary = [
        line.removeprefix("FAILED ") for line in result.outlines if line.startswith("FAILED ")
    ]
    return [line.split(" - ", 1)[0] for line in summary]


# --- which tests there are ---------------------------------------------------------------


def test_without_the_flag_there_are_no_built_in_tests(pytester: pytest.Pytester) -> None:
    project(pytester, "forgotten_index")
    assert collected(pytester) == []


def test_the_flag_adds_one_test_per_check_per_revision_named_after_it(
    pytester: pytest.Pytester,
) -> None:
    project(pytester, "forgotten_index")
    assert collected(pytester, "--lockwise") == [
        "lockwise::single_head",
        "lockwise::upgrade[b2d4f6a80001 create orders]",
        "lockwise::no_trace[b2d4f6a80001]",
        "lockwise::data_survives[b2d4f6a80001]",
        "lockwise::review_clean[b2d4f6a80001]",
        "lockwise::upgrade[b2d4f6a80002 add orders.placed_at and index customer_id]",
        "lockwise::no_trace[b2d4f6a80002]",
        "lockwise::data_survives[b2d4f6a80002]",
        "lockwise::review_clean[b2d4f6a80002]",
        "lockwise::models_match",
    ]


def test_pytest_true_in_the_project_settings_turns_them_on(pytester: pytest.Pytester) -> None:
    project(pytester, "forgotten_index")
    pytester.makepyprojecttoml("[tool.lockwise]\npytest = true\n")
    assert "lockwise::single_head" in collected(pytester)


@pytest.mark.parametrize(
    ("ini", "options"),
    [("", ["--lockwise-project", "db"]), ("lockwise_project = db\n", [])],
    ids=["option", "ini"],
)
def test_a_project_elsewhere_is_named_by_option_or_ini(
    pytester: pytest.Pytester, ini: str, options: list[str]
) -> None:
    shutil.copytree(PROJECTS / "forgotten_index", pytester.path / "db")
    pytester.makeini("[pytest]\n" + ini)
    ids = collected(pytester, "--lockwise", *options)
    assert "db/lockwise::upgrade[b2d4f6a80001 create orders]" in ids


def test_the_flag_without_a_project_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--lockwise")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--lockwise: no Alembic project (alembic.ini" in result.errlines[0]


def test_a_migration_that_does_not_compile_is_a_collection_error_in_one_line(
    pytester: pytest.Pytester,
) -> None:
    project(pytester, "syntax_error")
    result = pytester.runpytest("--lockwise")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        ["*ERROR collecting lockwise*", "*/4e5f6a7b0002_add_tags_label.py:15: syntax error: *"]
    )


def test_two_heads_fail_single_head(pytester: pytest.Pytester) -> None:
    project(pytester, "two_heads")
    result = pytester.runpytest("--lockwise", "-k", "single_head")
    assert failed(result) == ["lockwise::single_head"]
    result.stdout.fnmatch_lines(
        ["2 heads: 1b2c3d4e0002 (*), 1b2c3d4e0003 (*); join them with: alembic merge *"]
    )


# --- what they find ----------------------------------------------------------------------


def test_a_downgrade_that_leaves_a_trace_fails_that_revision_s_no_trace(
    pytester: pytest.Pytester, server: Server
) -> None:
    project(pytester, "forgotten_index")
    result = pytester.runpytest("--lockwise", "-k", "not review_clean")
    assert failed(result) == ["lockwise::no_trace[b2d4f6a80002]"]
    file = "migrations/versions/b2d4f6a80002_orders_placed_at_and_index.py"
    result.stdout.fnmatch_lines(  # all of it: what `lockwise test` prints for the revision
        [
            "*_ lockwise::no_trace[[]b2d4f6a80002] _*",
            f"b2d4f6a80002 add orders.placed_at and index customer_id ({file})",
            "  downgrade leaves a trace:",
            "    index ix_orders_customer_id: added",
            f"  upgrading again failed at {file}:16",
            "  SQL: CREATE INDEX ix_orders_customer_id ON orders (customer_id)",
            '  PostgreSQL: relation "ix_orders_customer_id" already exists',
            "*= short test summary info =*",
        ],
        consecutive=True,
    )


def test_a_failing_upgrade_fails_its_revision_and_skips_what_follows(
    pytester: pytest.Pytester, server: Server
) -> None:
    project(pytester, "failing_migration")
    result = pytester.runpytest("--lockwise", "-k", "upgrade or models_match", "-rfs")
    assert failed(result) == [
        "lockwise::upgrade[2c3d4e5f0002 add a column to a table that does not exist]"
    ]
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [[]1] migrations/versions/2c3d4e5f0003_*.py: not run: it follows"
            " 2c3d4e5f0002, which could not be reached",
            "SKIPPED [[]1] migrations/env.py: models vs schema: not compared (the history did"
            " not reach its head)",
        ]
    )


def test_data_a_downgrade_loses_fails_that_revision_s_data_survives(
    pytester: pytest.Pytester, server: Server
) -> None:
    project(pytester, "data_lost_by_downgrade")
    result = pytester.runpytest("--lockwise", "-k", "data_survives")
    assert failed(result) == ["lockwise::data_survives[da7a00000002]"]
    result.stdout.fnmatch_lines(["  data lost:", "    column products.price: held * values *"])


def test_a_review_error_fails_review_clean_of_its_revision(
    pytester: pytest.Pytester, server: Server
) -> None:
    project(pytester, "forgotten_index")
    result = pytester.runpytest("--lockwise", "-k", "review_clean")
    assert failed(result) == ["lockwise::review_clean[b2d4f6a80002]"]
    result.stdout.fnmatch_lines(
        ["  migrations/versions/b2d4f6a80002_*.py:16  error  LW207 index-not-concurrent"]
    )


def test_models_that_differ_from_the_head_fail_models_match(
    pytester: pytest.Pytester, server: Server
) -> None:
    project(pytester, "model_drift")
    result = pytester.runpytest_subprocess("--lockwise", "-k", "models_match")
    assert failed(result) == ["lockwise::models_match"]
    result.stdout.fnmatch_lines(
        ["models vs schema at head: autogenerate would write", "    op.add_column('members'*"]
    )


def test_a_declared_irreversible_downgrade_is_skipped_at_its_file(
    pytester: pytest.Pytester, server: Server
) -> None:
    project(pytester, "irreversible_marked")
    result = pytester.runpytest("--lockwise", "-k", "no_trace", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        ["SKIPPED [[]1] migrations/versions/3c4d5e6f0002_*.py: downgrade declared irreversible"]
    )


# --- the fixtures ------------------------------------------------------------------------


def test_lockwise_database_gives_both_engines_a_fresh_database_and_drops_it(
    pytester: pytest.Pytester, server: Server
) -> None:
    project(pytester, "forgotten_index")
    pytester.makepyfile(
        """
        import asyncio
        import psycopg
        from sqlalchemy import text

        def test_database(lockwise_database, pytestconfig):
            (pytestconfig.rootpath / "name").write_text(lockwise_database.name)
            with lockwise_database.sync_engine.connect() as connection:
                assert connection.scalar(text("SELECT count(*) FROM pg_tables"
                                              " WHERE schemaname = 'public'")) == 0
            async def name():
                async with lockwise_database.async_engine.connect() as connection:
                    return await connection.scalar(text("SELECT current_database()"))
            assert asyncio.run(name()) == lockwise_database.name
            with psycopg.connect(lockwise_database.url) as connection:
                assert connection.info.dbname == lockwise_database.name
        """
    )
    pytester.runpytest_subprocess("-W", "error").assert_outcomes(passed=1)
    assert (pytester.path / "name").read_text() not in list_scratch(server)


def test_migrator_goes_to_a_revision_takes_rows_and_goes_on(
    pytester: pytest.Pytester, server: Server
) -> None:
    project(pytester, "forgotten_index")
    pytester.makepyfile(
        """
        def test_history(migrator):
            migrator.up(to="b2d4f6a80001")
            assert migrator.current == ("b2d4f6a80001",)
            migrator.insert("orders", [{"customer_id": 7}])
            migrator.up()
            assert migrator.execute("SELECT customer_id, placed_at FROM orders") == [(7, None)]
            migrator.down(to="base")
            assert migrator.current == ()
        """
    )
    pytester.runpytest("-W", "error").assert_outcomes(passed=1)


def test_a_migration_that_fails_under_migrator_says_where_and_why(
    pytester: pytest.Pytester, server: Server
) -> None:
    project(pytester, "failing_migration")
    pytester.makepyfile("def test_upgrade(migrator):\n    migrator.up()\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E *MigrationFailed: 2c3d4e5f0002 add a column * (migrations/versions/2c3d*.py)",
            "E *  upgrade failed at migrations/versions/2c3d4e5f0002_*.py:15",
            "E *  SQL: ALTER TABLE missing_table ADD COLUMN size INTEGER",
            'E *  PostgreSQL: relation "missing_table" does not exist',
        ]
    )


def test_a_test_outside_any_project_cannot_have_lockwise_project(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile("def test_project(lockwise_project):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*no Alembic project (alembic.ini, or * name one with*"])


# --- what it costs when unused ----------------------------------------------------------


def test_unused_it_imports_neither_alembic_nor_sqlalchemy(pytester: pytest.Pytester) -> None:
    project(pytester, "forgotten_index")
    pytester.makepyfile(
        """
        import sys

        def test_nothing_heavy_was_imported(pytestconfig):
            assert pytestconfig.pluginmanager.has_plugin("lockwise")
            heavy = {"alembic", "sqlalchemy", "psycopg", "rich", "lockwise.project"}
            assert not heavy & set(sys.modules)
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
