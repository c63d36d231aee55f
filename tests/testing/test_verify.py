"""`lockwise verify`: a database against the models (catalog against catalog) and the head.

Set LOCKWISE_UPDATE_SNAPSHOTS=1 to rewrite the describe snapshots after a deliberate change.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url
from support import PROJECTS, Run, left_by, lockwise, matches_snapshot, one_line_error

from lockwise.config import settings_from
from lockwise.database.catalog import Catalog, Item, snapshot
from lockwise.database.read_only import confirm_read_only
from lockwise.database.server import Server
from lockwise.errors import BadInput
from lockwise.migrate.steps import run_steps
from lockwise.migrate.versions import version_status
from lockwise.project import load_project
from lockwise.testing.catalog_drift import compare
from lockwise.testing.drift import compare_models

EXAMPLE = Path(__file__).parents[2] / "examples" / "backend"
CLEAN = PROJECTS / "verify_clean"
MISSES = PROJECTS / "verify_autogenerate_misses"
SNAPSHOTS = Path(__file__).parents[1] / "report" / "snapshots"
SENTINEL = "Sentinel-pw-4f1c"


def table(name: str, schema: str = "public") -> Item:
    return Item("table", schema, name, name, (("kind", "table"),))


def on(kind: str, name: str, table_name: str, **attrs: Any) -> Item:
    return Item(kind, "public", name, table_name, tuple(attrs.items()))


def catalog(*items: Item) -> Catalog:
    schemas = {"public"} | {item.schema for item in items if item.schema}
    return Catalog((*(Item("schema", "", s) for s in sorted(schemas)), *items))


# --- the comparison, catalog against catalog ------------------------------------------


def test_kinds_the_models_cannot_declare_are_listed_not_compared() -> None:
    trigger = on("trigger", "trg_audit", "tickets", definition="CREATE TRIGGER ...")
    found = compare(catalog(table("tickets")), catalog(table("tickets"), trigger))
    assert found.differences == ()
    assert [(g.reason, g.labels) for g in found.not_compared] == [
        ("kinds the models do not declare", ("trigger trg_audit on tickets",))
    ]


def test_a_constraint_named_otherwise_is_one_rename_not_two_objects() -> None:
    check = {"type": "check", "definition": "CHECK ((priority > 0))"}
    models = catalog(table("tickets"), on("constraint", "ck_tickets_priority", "tickets", **check))
    database = catalog(
        table("tickets"), on("constraint", "tickets_priority_check", "tickets", **check)
    )
    [difference] = compare(models, database).differences
    assert (difference.label, difference.attribute) == ("constraint on tickets", "name")
    assert (difference.models, difference.database) == (
        "ck_tickets_priority",
        "tickets_priority_check",
    )


def test_what_hangs_on_a_table_the_database_lacks_is_folded_into_its_line() -> None:
    models = catalog(table("tickets"), on("column", "id", "tickets", type="bigint"))
    found = compare(models, catalog())
    assert [(d.where, d.label) for d in found.differences] == [("models", "table tickets")]


def test_a_schema_the_models_put_nothing_in_is_not_compared() -> None:
    found = compare(catalog(table("tickets")), catalog(table("tickets"), table("runs", "etl")))
    assert found.differences == ()
    assert found.not_compared[0].labels == ("schema etl (1 object)",)


def test_exclusion_patterns_name_tables_with_what_hangs_on_them() -> None:
    database = catalog(
        table("tickets"), table("audit_log"), on("column", "at", "audit_log", type="text")
    )
    assert compare(catalog(table("tickets")), database, ["public.audit_*"]).differences == ()
    assert [d.label for d in compare(catalog(table("tickets")), database).differences] == [
        "table audit_log"
    ]


# --- where the database stands in the history ----------------------------------------


def test_behind_counts_the_revisions_left_across_a_merge() -> None:
    project = load_project(EXAMPLE)
    one_branch = version_status(project, ["alembic_version"], ("d6a7c3f1e890",))
    both_branches = version_status(project, ["alembic_version"], ("94d0e2b7c5a3", "d6a7c3f1e890"))
    assert (one_branch.state, one_branch.behind) == ("behind", 2)
    assert (both_branches.state, both_branches.behind) == ("behind", 1)


def test_a_revision_the_project_lacks_is_named_with_its_likely_cause() -> None:
    status = version_status(load_project(EXAMPLE), ["alembic_version"], ("9f8e7d6c5b4a",))
    assert status.state == "unknown" and not status.ok
    assert status.message.startswith("at 9f8e7d6c5b4a, which this project does not have")
    assert "ahead of this checkout" in status.message


def test_verify_exclude_must_be_a_list_of_names() -> None:
    assert settings_from({"verify_exclude": ["audit_log", "legacy.*"]}).verify_exclude == (
        "audit_log",
        "legacy.*",
    )
    with pytest.raises(BadInput, match="verify_exclude must be a list of names or patterns"):
        settings_from({"verify_exclude": "audit_log"})


# --- the command, on a real server ---------------------------------------------------


def verify(*args: str, env: dict[str, str] | None = None) -> Run:
    return lockwise("verify", *args, env=env)


def report_of(run: Run) -> dict[str, Any]:
    """The JSON report, checking that the exit code agrees with it."""
    assert run.returncode in (0, 1) and run.stdout, run.stderr
    report: dict[str, Any] = json.loads(run.stdout)
    assert report["ok"] is (run.returncode == 0)
    return report


@pytest.fixture
def database_at(server_env: Server, scratch_url: str) -> Callable[[int | None], str]:
    """Upgrade the scratch database through the first N revisions of verify_clean."""

    def upgrade(count: int | None) -> str:
        project = load_project(CLEAN)
        revisions = project.revisions[:count]
        run_steps(project, scratch_url, [project.upgrade_step(r.id) for r in revisions])
        return scratch_url

    return upgrade


@pytest.mark.slow
def test_the_example_backend_matches_its_models_at_head(server_env: Server) -> None:
    run = verify(str(EXAMPLE), "--format", "json")
    report = report_of(run)
    assert run.returncode == 0, run.stdout[-3000:]
    assert report["revision"]["state"] == "head" and report["drift"] == []


@pytest.mark.slow
def test_drift_autogenerate_misses_fails_naming_the_default_and_the_enum_value(
    server_env: Server,
) -> None:
    run = verify(str(MISSES), "--format", "json")
    assert run.returncode == 1
    drift = {(d["object"], d["attribute"]): d for d in report_of(run)["drift"]}
    assert set(drift) == {
        ("enum type order_status", "values"),
        ("column orders.currency", "default"),
    }
    assert drift["enum type order_status", "values"]["models"] == ["new", "paid", "shipped"]
    assert drift["enum type order_status", "values"]["database"] == ["new", "shipped"]
    assert drift["column orders.currency", "default"]["database"] == "'USD'::text"


@pytest.mark.slow
def test_alembic_autogenerate_sees_no_drift_in_that_project(scratch_url: str) -> None:
    project = load_project(MISSES)
    run_steps(project, scratch_url, [project.upgrade_step(r.id) for r in project.revisions])
    found = compare_models(project, scratch_url)
    assert found.checked and found.ops == ()


@pytest.mark.slow
def test_a_database_at_head_passes_and_is_left_as_it_was(
    database_at: Callable[[int | None], str],
) -> None:
    url = database_at(None)
    with psycopg.connect(url, autocommit=True) as conn:
        before = snapshot(conn)
    run = verify(str(CLEAN), "--url", url, "--format", "json")
    report = report_of(run)
    assert run.returncode == 0 and report["revision"]["message"] == "at head (d1e5c0000003)"
    with psycopg.connect(url, autocommit=True) as conn:
        assert snapshot(conn) == before


@pytest.mark.slow
def test_a_database_behind_says_by_how_many_revisions(
    database_at: Callable[[int | None], str],
) -> None:
    run = verify(str(CLEAN), "--url", database_at(1))
    assert run.returncode == 1
    assert "revision: behind by 2 revisions: at d1e5c0000001, head d1e5c0000003" in run.stdout
    assert "in the models, not in the database\n  enum type ticket_status\n  table tickets" in (
        run.stdout
    )


@pytest.mark.slow
def test_a_database_at_a_revision_the_project_lacks_names_it(
    database_at: Callable[[int | None], str],
) -> None:
    url = database_at(None)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff00000009'")
    report = report_of(verify(str(CLEAN), "--url", url, "--format", "json"))
    assert report["revision"]["state"] == "unknown"
    assert report["revision"]["unknown"] == ["ffff00000009"] and report["drift"] == []


@pytest.mark.slow
def test_a_database_without_a_version_table_is_not_under_alembic(
    server_env: Server, scratch_url: str
) -> None:
    run = verify(str(CLEAN), "--url", scratch_url)
    assert run.returncode == 1
    assert "no alembic_version table: the database is not under Alembic" in run.stdout


@pytest.mark.slow
def test_the_password_of_the_url_is_never_printed(
    database_at: Callable[[int | None], str], server_env: Server
) -> None:
    url = make_url(database_at(None)).set(password=SENTINEL).render_as_string(False)
    runs = [verify(str(CLEAN), "--url", url, *fmt) for fmt in ([], ["--format", "json"])]
    assert [run.returncode for run in runs] == [0, 0]
    assert json.loads(runs[1].stdout)["database"].count(":***@") == 1
    missing = make_url(url).set(database="no_such_database").render_as_string(False)
    failed = verify(str(CLEAN), "--url", missing)
    assert "cannot connect to" in one_line_error(failed, exit_code=3)
    assert all(SENTINEL not in run.stdout + run.stderr for run in [*runs, failed])
    assert left_by(server_env, failed.pid) == []


def test_a_transaction_that_is_not_read_only_is_refused(scratch_url: str) -> None:
    url = make_url(scratch_url).set(password=SENTINEL).render_as_string(False)
    with psycopg.connect(scratch_url) as conn, pytest.raises(BadInput) as refused:
        conn.execute("SELECT 1")  # a read-write transaction, as a server ignoring READ ONLY
        confirm_read_only(conn, url, "verify")
    assert "did not give a read-only transaction (transaction_read_only is off)" in str(
        refused.value
    )
    assert SENTINEL not in str(refused.value)


@pytest.mark.slow
def test_the_exclusion_setting_keeps_a_table_the_models_do_not_own_out(
    server_env: Server, tmp_path: Path
) -> None:
    copy = shutil.copytree(CLEAN, tmp_path / "helpdesk", ignore=shutil.ignore_patterns("*.toml"))
    run = verify(str(copy))
    assert run.returncode == 1
    assert "in the database, not in the models\n  table audit_log\n" in run.stdout
    assert "excluded: audit_log" in verify(str(CLEAN)).stdout


@pytest.mark.slow
def test_a_changed_model_is_seen_on_the_next_run(server_env: Server, tmp_path: Path) -> None:
    copy = shutil.copytree(CLEAN, tmp_path / "helpdesk")
    assert verify(str(copy)).returncode == 0  # the models' snapshot is now cached
    models = copy / "helpdesk_models.py"
    models.write_text(models.read_text().replace('server_default="3"', 'server_default="4"'))
    run = verify(str(copy), "--format", "json")
    assert [(d["object"], d["models"], d["database"]) for d in report_of(run)["drift"]] == [
        ("column tickets.priority", "4", "3")
    ]


@pytest.fixture
def described(server_env: Server) -> Iterator[Callable[[str, str], str]]:
    def run(table: str, fmt: str) -> str:
        done = verify(str(CLEAN), "--describe", table, "--format", fmt, env={"COLUMNS": "120"})
        assert done.returncode == 0, done.stderr
        return done.stdout

    yield run


@pytest.mark.slow
def test_describe_lists_columns_indexes_constraints_and_triggers(
    described: Callable[[str, str], str],
) -> None:
    report = json.loads(described("all", "json"))
    text = {"tables": report["tables"], "indexes": report["indexes"]}
    assert matches_snapshot("verify_describe.json", json.dumps(text, indent=2) + "\n")


@pytest.mark.slow
def test_describe_reads_as_psql_d_plus_in_a_terminal(
    described: Callable[[str, str], str],
) -> None:
    text = described("tickets", "text")
    description = text[text.index('Table "public.tickets"') : text.index("\nok: ")]
    assert matches_snapshot("verify_describe.txt", description)


@pytest.mark.slow
def test_describing_an_unknown_table_suggests_close_names(server_env: Server) -> None:
    run = verify(str(CLEAN), "--describe", "ticket")
    assert one_line_error(run) == "--describe ticket: no such table (did you mean tickets?)"
    assert left_by(server_env, run.pid) == []
