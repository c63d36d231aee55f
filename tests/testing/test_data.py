"""Data survives: `lockwise test` fills the tables and reports what a revision does to the rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import PROJECTS, left_by, lockwise, one_line_error

from lockwise.config import load_settings
from lockwise.database.scratch import ScratchSession
from lockwise.database.server import Server
from lockwise.errors import BadInput
from lockwise.project import load_project
from lockwise.testing.cycle import StepResult, run_cycle
from lockwise.testing.data import data_options

_RUNS: dict[tuple[str, str], dict[str, StepResult]] = {}


def steps(server: Server, name: str) -> dict[str, StepResult]:
    """The cycle's results for a project, by revision, with its data checks (run once)."""
    key = (server.url_for("postgres"), name)
    if key not in _RUNS:
        path = PROJECTS / name
        project = load_project(path)
        options = data_options(load_settings(path), path, project)
        with ScratchSession(server) as session:
            cycle = run_cycle(project, session, data=options)
        _RUNS[key] = {step.revision: step for step in cycle.steps}
    return _RUNS[key]


def test_a_downgrade_that_recreates_a_column_loses_its_values(pg_server: Server) -> None:
    step = steps(pg_server, "data_lost_by_downgrade")["da7a00000002"]
    assert (step.no_trace, step.data, step.ok) == ("ok", "lost", False)
    assert step.data_problems == (
        "column products.price: held 40 values before the upgrade;"
        " none are left after the downgrade (dropped and re-created empty?)",
    )


def test_an_upgrade_that_drops_a_column_with_values_is_data_loss_that_passes(
    pg_server: Server,
) -> None:
    step = steps(pg_server, "data_lost_by_downgrade")["da7a00000003"]
    assert (step.data, step.ok) == ("ok", True)
    assert step.data_problems == (
        "data loss: the upgrade drops column products.legacy_code, which held 40 values",
    )


def test_set_not_null_over_nulls_fails_on_existing_data(pg_server: Server) -> None:
    step = steps(pg_server, "fails_on_data")["da7b00000002"]
    assert (step.up, step.data, step.ok) == ("ok", "fails on data", False)
    assert step.data_problems == (
        "upgrade failed at migrations/versions/da7b00000002_make_users_nickname_not_null.py:15;"
        " it passes on empty tables\n"
        "SQL: ALTER TABLE users ALTER COLUMN nickname SET NOT NULL\n"
        'PostgreSQL: column "nickname" of relation "users" contains null values',
    )


@pytest.mark.parametrize(
    ("revision", "error"),
    [
        ("da7b00000003", 'column "tier" of relation "users" contains null values'),
        (
            "da7b00000004",
            'could not create unique index "uq_users_email"'
            " (DETAIL: Key (email)=(6 email) is duplicated.)",
        ),
        ("da7b00000005", "value too long for type character varying(40)"),
    ],
)
def test_not_null_without_default_unique_over_duplicates_and_narrowing_fail_on_data(
    pg_server: Server, revision: str, error: str
) -> None:
    step = steps(pg_server, "fails_on_data")[revision]
    assert step.data == "fails on data"
    assert step.data_problems[0].endswith(f"PostgreSQL: {error}")


def test_revisions_after_one_that_fails_on_data_are_still_cycled(pg_server: Server) -> None:
    results = steps(pg_server, "fails_on_data").values()
    assert [(s.up, s.down, s.no_trace, s.up_again) for s in results] == [("ok",) * 4] * 6


def test_python_code_that_refuses_synthetic_values_is_a_note_not_a_failure(
    pg_server: Server,
) -> None:
    # Like optuna's v3.0.0.a, which parses a text column as JSON: made-up text is not
    # JSON, production rows may well be, so lockwise says so and does not fail.
    step = steps(pg_server, "fails_on_data")["da7b00000006"]
    assert (step.up, step.data, step.ok) == ("ok", "ok", True)
    (note,) = step.data_problems
    assert note.startswith(
        "note: the upgrade's own code failed on lockwise's synthetic rows at"
        " migrations/versions/da7b00000006_parse_users_settings.py:20 (JSONDecodeError"
    )
    assert note.endswith(
        "and passes on empty tables; give this revision realistic rows in the"
        " revision_data folder to test it"
    )


def test_a_backfill_of_nulls_is_no_change(pg_server: Server) -> None:
    step = steps(pg_server, "changed_data")["da7c00000002"]
    assert (step.data, step.data_problems, step.ok) == ("ok", (), True)


def test_overwriting_a_column_the_revision_does_not_alter_is_changed_data(
    pg_server: Server,
) -> None:
    step = steps(pg_server, "changed_data")["da7c00000003"]
    assert (step.data, step.ok) == ("changed", False)
    assert step.data_problems == (
        "column accounts.status: the upgrade overwrote 40 of its 50 values,"
        " though it does not alter it",
    )


def test_an_overwrite_outside_a_transaction_is_changed_data(pg_server: Server) -> None:
    step = steps(pg_server, "changed_data")["da7c00000004"]
    assert (step.data, step.ok) == ("changed", False)
    assert step.data_problems == (
        "column accounts.email: the upgrade overwrote 50 of its 50 values,"
        " though it does not alter it",
    )


def test_a_project_check_that_fails_is_reported_after_each_upgrade(pg_server: Server) -> None:
    step = steps(pg_server, "revision_data")["da7d00000002"]
    assert step.data == "changed"
    assert step.data_problems == (
        "after the upgrade: check 'codes are two letters' does not hold: got [[\"f\"]]",
        "after upgrading again: check 'codes are two letters' does not hold: got [[\"f\"]]",
    )


def test_a_revision_without_revision_data_gets_synthetic_rows_only(pg_server: Server) -> None:
    step = steps(pg_server, "revision_data")["da7d00000001"]
    assert (step.data, step.ok) == ("ok", True)


@pytest.mark.slow
def test_revision_data_naming_an_unknown_column_is_bad_input(server_env: Server) -> None:
    run = lockwise("test", str(PROJECTS / "revision_data_unknown_column"))
    file = PROJECTS / "revision_data_unknown_column" / "revision_data" / "da7e00000002.toml"
    assert one_line_error(run) == (
        f"{file}: table customers has no column nickname before revision da7e00000002"
        " (columns: id, name)"
    )
    assert left_by(server_env, run.pid) == []


@pytest.mark.slow
def test_no_data_tests_the_schema_only(server_env: Server) -> None:
    run = lockwise("test", "--no-data", "--format", "json", str(PROJECTS / "fails_on_data"))
    report = json.loads(run.stdout)
    assert run.returncode == 0 and report["ok"] is True
    assert {step["data"] for step in report["revisions"]} == {"skipped"}


@pytest.mark.slow
def test_check_with_no_data_skips_the_data_checks(server_env: Server) -> None:
    run = lockwise("check", "--no-data", "--format", "json", str(PROJECTS / "changed_data"))
    report = json.loads(run.stdout)
    assert report["test"]["ok"] is True
    assert {step["data"] for step in report["test"]["revisions"]} == {"skipped"}


@pytest.mark.slow
def test_check_reports_changed_data_and_exits_1(server_env: Server) -> None:
    run = lockwise("check", "--format", "json", str(PROJECTS / "changed_data"))
    revisions = json.loads(run.stdout)["test"]["revisions"]
    assert run.returncode == 1
    assert [step["data"] for step in revisions] == ["ok", "ok", "changed", "changed"]


def test_a_revision_data_file_named_after_no_revision_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "nope.toml").write_text("")
    (tmp_path / "pyproject.toml").write_text('[tool.lockwise]\nrevision_data = "data"\n')
    project = load_project(PROJECTS / "changed_data")
    with pytest.raises(BadInput, match=r"nope.toml: no revision nope in the project"):
        data_options(load_settings(tmp_path), tmp_path, project)
