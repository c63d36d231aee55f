"""env.py files and histories as real projects write them: drivers, settings, baselines,
Alembic's -c/-n/-x, project code that prints or exits, revisions that only pass in one run.

Each test runs the real console entry point on a project of tests/projects/ named after it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from support import PROJECTS, lockwise, one_line_error

from lockwise.database.server import Server

pytestmark = pytest.mark.slow


def steps_of(stdout: str) -> dict[str, dict[str, Any]]:
    """`lockwise test --format json` revisions, by id."""
    return {step["revision"]: step for step in json.loads(stdout)["revisions"]}


def copy_with_settings(tmp_path: Path, name: str, settings: str) -> Path:
    """A copy of project `name` whose pyproject.toml holds `settings` (or none when "")."""
    project = tmp_path / name
    shutil.copytree(PROJECTS / name, project)
    (project / "pyproject.toml").unlink(missing_ok=True)
    if settings:
        (project / "pyproject.toml").write_text(f"[tool.lockwise]\n{settings}\n")
    return project


# --- drivers -----------------------------------------------------------------------------


def test_psycopg2_project_with_bulk_insert_is_tested_through_psycopg2(server_env: Server) -> None:
    done = lockwise("test", str(PROJECTS / "psycopg2_bulk_insert"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_driver_that_is_not_installed_is_replaced_and_said_so(
    server_env: Server, tmp_path: Path
) -> None:
    project = tmp_path / "clean_history"
    shutil.copytree(PROJECTS / "clean_history", project)
    ini = project / "alembic.ini"
    ini.write_text(ini.read_text().replace("+psycopg://", "+psycopg2cffi://"))
    done = lockwise("test", str(project))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "lockwise: note: psycopg2cffi is not installed here:"
        " env.py gets a postgresql+psycopg:// URL instead"
    ) in done.stderr.splitlines()


def test_psycopg2_bulk_insert_is_measured_in_review(server_env: Server) -> None:
    done = lockwise("review", str(PROJECTS / "psycopg2_bulk_insert"), "--format", "json")
    assert done.returncode == 0, done.stderr
    inserts = [s for s in json.loads(done.stdout)["statements"] if s["sql"].startswith("INSERT")]
    assert [lock["mode"] for lock in inserts[0]["locks"]] == ["RowExclusiveLock"]


def test_asyncpg_statements_with_parameters_are_measured_in_review(server_env: Server) -> None:
    done = lockwise("review", str(PROJECTS / "async_env"), "--format", "json")
    assert done.returncode == 0, done.stderr
    statements = json.loads(done.stdout)["statements"]
    (count,) = [s for s in statements if s["sql"].startswith("SELECT count(*)")]
    assert "kind = $1" in count["sql"]  # asyncpg's own placeholders, replayed as they are
    assert {"relation": "events", "mode": "AccessShareLock"} in count["locks"]


# --- project code that exits or prints ---------------------------------------------------


@pytest.mark.parametrize("command", ["test", "check"])
def test_sys_exit_in_an_upgrade_fails_the_run_and_names_the_revision(
    server_env: Server, command: str
) -> None:
    done = lockwise(command, str(PROJECTS / "sys_exit_upgrade"))
    assert done.returncode == 1, done.stderr
    assert "c0ffee000002" in done.stdout
    assert "c0ffee000002_exit_early.py:17" in done.stdout
    assert "called sys.exit(0) instead of raising an error" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("review", "--format", "json"),
        ("review", "--format", "sarif"),
        ("test", "--format", "json"),
        ("check", "--format", "json"),
    ],
)
def test_what_env_py_prints_stays_out_of_machine_readable_reports(
    server_env: Server, args: tuple[str, ...]
) -> None:
    command, *options = args
    done = lockwise(command, str(PROJECTS / "env_prints"), *options)
    assert done.returncode == 0, done.stderr
    json.loads(done.stdout)
    assert "env.py: raw bytes on file descriptor 1" in done.stderr
    assert "env.py: a log line on the stdout captured at import" in done.stderr


def test_output_writes_the_report_to_a_file(server_env: Server, tmp_path: Path) -> None:
    report = tmp_path / "review.json"
    done = lockwise("review", str(PROJECTS / "env_prints"), "--format", "json", "-o", str(report))
    assert done.returncode == 0, done.stderr
    assert json.loads(report.read_text())["version"] == 1
    assert "env.py: print() on stdout" in done.stdout + done.stderr


# --- keep going past a failure -----------------------------------------------------------


def test_a_revision_that_passes_only_in_one_run_does_not_stop_the_rest(server_env: Server) -> None:
    done = lockwise("test", str(PROJECTS / "one_run_only"), "--format", "json")
    steps = steps_of(done.stdout)
    assert done.returncode == 1
    assert steps["e1e1e1000003"]["up"] == "failed"
    assert steps["e1e1e1000003"]["note"].startswith("failed as a separate step; passes in one")
    assert steps["e1e1e1000004"]["up_again"] == "ok"
    assert json.loads(done.stdout)["not_run"] == []


def test_review_goes_on_past_a_revision_that_passes_only_in_one_run(server_env: Server) -> None:
    project = str(PROJECTS / "one_run_only")
    done = lockwise("review", project, "--since", "e1e1e1000002", "--format", "json")
    report = json.loads(done.stdout)
    assert [f["revision"] for f in report["failures"]] == ["e1e1e1000003"]
    assert "e1e1e1000004" in {s["revision"] for s in report["statements"]}
    assert report["not_reviewed"] == []


def test_review_lists_what_it_could_not_reach_and_why(server_env: Server) -> None:
    done = lockwise("review", str(PROJECTS / "depends_on_failure"), "--format", "json")
    assert done.returncode == 1
    reason = "it follows 3c000002, which could not be reached"
    assert json.loads(done.stdout)["not_reviewed"] == [
        {"revision": "3c000003", "reason": reason},
        {"revision": "3c000004", "reason": reason},
    ]


# --- settings: baseline, url_env, superuser ----------------------------------------------


def test_a_baseline_metadata_creates_the_tables_the_history_starts_from(
    server_env: Server,
) -> None:
    done = lockwise("test", str(PROJECTS / "baseline_metadata"))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("baseline", ["initial_models:create_schema", "schema.sql"])
def test_a_baseline_can_be_a_callable_or_a_sql_file(
    server_env: Server, tmp_path: Path, baseline: str
) -> None:
    project = copy_with_settings(tmp_path, "baseline_metadata", f'baseline = "{baseline}"')
    done = lockwise("test", str(project))
    assert done.returncode == 0, done.stdout + done.stderr


def test_without_a_baseline_the_failure_names_the_setting(
    server_env: Server, tmp_path: Path
) -> None:
    done = lockwise("test", str(copy_with_settings(tmp_path, "baseline_metadata", "")))
    assert done.returncode == 1
    assert 'relation "metrics" does not exist; the first revision expects tables' in done.stdout
    assert "[tool.lockwise] baseline" in done.stdout


def test_a_baseline_that_names_nothing_is_bad_input(server_env: Server, tmp_path: Path) -> None:
    settings = 'baseline = "initial_models:nothing"'
    done = lockwise("test", str(copy_with_settings(tmp_path, "baseline_metadata", settings)))
    message = one_line_error(done)
    assert message == (
        "[tool.lockwise] baseline = 'initial_models:nothing': initial_models has no nothing"
    )


def test_url_env_hands_the_scratch_url_to_a_settings_driven_env_py(server_env: Server) -> None:
    done = lockwise("test", str(PROJECTS / "settings_env"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_env_py_that_connects_to_sqlite_is_told_what_to_set(
    server_env: Server, tmp_path: Path
) -> None:
    done = lockwise("test", str(copy_with_settings(tmp_path, "settings_env", "")))
    message = one_line_error(done)
    assert message.startswith("env.py connected to a sqlite database, not to the PostgreSQL")
    assert "[tool.lockwise] url_env" in message


def test_alembic_c_n_and_x_options_are_alembic_s_own(server_env: Server) -> None:
    options = ["-c", "alembic_options/alembic.ini", "-n", "tenant", "-x", "tenant=acme"]
    done = lockwise("test", *options, "--format", "json", cwd=PROJECTS)
    assert done.returncode == 0, done.stderr
    assert "b0b0b0000001" in steps_of(done.stdout)


def test_an_env_py_that_exits_for_a_missing_x_argument_is_bad_input(server_env: Server) -> None:
    done = lockwise("test", "-c", "alembic_options/alembic.ini", "-n", "tenant", cwd=PROJECTS)
    message = one_line_error(done)
    assert message == (
        "alembic_options/migrations/env.py:9: env.py failed:"
        " called sys.exit('pass -x tenant=NAME') instead of raising an error"
    )
