"""`lockwise status`: a database's state against the project, each problem with its fix."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from support import lockwise

from lockwise.database.server import Server

# What status concludes from the catalog; the catalog itself is read and compared on
# every version in tests/database.
pytestmark = pytest.mark.version_independent

BACKEND = Path(__file__).parents[2] / "examples" / "backend"
HEAD = "4b8e2f6a1d07"


def status(url: str, project: Path = BACKEND) -> tuple[int, dict[str, object]]:
    as_json = lockwise("status", str(project), "--url", url, "--format", "json")
    assert as_json.returncode in (0, 1), as_json.stderr
    return as_json.returncode, json.loads(as_json.stdout)


def status_text(url: str, project: Path = BACKEND) -> str:
    as_text = lockwise("status", str(project), "--url", url)
    assert as_text.returncode in (0, 1), as_text.stderr
    return as_text.stdout


def problems(report: dict[str, object]) -> list[dict[str, object]]:
    found = report["problems"]
    assert isinstance(found, list)
    return found


def test_a_database_at_head_is_fine(server_env: Server, backend_at: Callable[[str], str]) -> None:
    scratch_url = backend_at(HEAD)
    code, report = status(scratch_url)
    assert code == 0
    assert report["ok"] is True and problems(report) == []
    assert f"the database is at {HEAD}; head {HEAD}\nat head, nothing to fix" in status_text(
        scratch_url
    )


def test_behind_names_what_would_run_and_the_apply_command(
    server_env: Server, backend_at: Callable[[str], str]
) -> None:
    scratch_url = backend_at("d6a7c3f1e890")
    code, report = status(scratch_url)
    assert code == 1
    assert report["pending"] == ["94d0e2b7c5a3", HEAD]
    [behind] = problems(report)
    assert behind["kind"] == "behind"
    assert behind["commands"] == [f"lockwise apply {BACKEND} --url '{scratch_url}'"]


def test_two_heads_come_with_the_merge_command(
    server_env: Server, backend_at: Callable[[str], str], tmp_path: Path
) -> None:
    scratch_url = backend_at("d6a7c3f1e890")
    project = Path(shutil.copytree(BACKEND, tmp_path / "backend"))
    (
        project / "migrations/versions/4b8e2f6a1d07_merge_secret_rotation_and_cancellation_.py"
    ).unlink()
    code, report = status(scratch_url, project)
    assert code == 1
    heads = next(p for p in problems(report) if p["kind"] == "heads")
    assert heads["commands"] == ['alembic merge -m "merge heads" 94d0e2b7c5a3 d6a7c3f1e890']
    assert "the history has 2 heads nobody merged" in str(heads["message"])


def test_an_unknown_version_says_why_and_how_to_find_it(
    server_env: Server, backend_at: Callable[[str], str]
) -> None:
    scratch_url = backend_at(HEAD)
    with psycopg.connect(scratch_url) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0123abcd4567'")
    code, report = status(scratch_url)
    assert code == 1
    [unknown] = problems(report)
    assert unknown["kind"] == "unknown"
    assert "a branch that is not merged here, or its file was deleted" in str(unknown["message"])
    assert unknown["commands"] == [
        "git log --all --oneline -S 0123abcd4567 -- migrations/versions",
        f"lockwise verify {BACKEND} --url '{scratch_url}'  # does its schema match the models"
        " at the head?",
        "# if it does, record the head:",
        f"alembic stamp --purge {HEAD}",
    ]


def test_an_invalid_index_and_a_not_valid_constraint_come_with_their_fixes(
    server_env: Server, backend_at: Callable[[str], str]
) -> None:
    scratch_url = backend_at(HEAD)
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        conn.execute("INSERT INTO organizations (name) VALUES ('o')")
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute(
                "CREATE INDEX CONCURRENTLY ix_orgs_broken ON organizations ((1 / (id - id)))"
            )
        conn.execute(
            "ALTER TABLE organizations ADD CONSTRAINT ck_name CHECK (name <> '') NOT VALID"
        )
    code, report = status(scratch_url)
    assert code == 1
    invalid, not_valid = problems(report)
    assert invalid["kind"] == "invalid index"
    assert "index public.ix_orgs_broken on organizations is INVALID" in str(invalid["message"])
    assert invalid["commands"] == ['REINDEX INDEX CONCURRENTLY "public"."ix_orgs_broken";']
    assert not_valid["commands"] == [
        'ALTER TABLE "public"."organizations" VALIDATE CONSTRAINT "ck_name";'
    ]
    text = status_text(scratch_url).splitlines()
    assert text[2] == "2 problems:"
    assert text[3].startswith("- index public.ix_orgs_broken on organizations is INVALID")
    assert text[4] == '    REINDEX INDEX CONCURRENTLY "public"."ix_orgs_broken";'


def test_a_revision_that_ran_but_was_not_recorded_gets_a_stamp(
    server_env: Server, backend_at: Callable[[str], str]
) -> None:
    scratch_url = backend_at("7b2d9e04c6f1")
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        conn.execute("CREATE INDEX ix_users_email ON users (email)")  # c15e8a3f2d97's index
    code, report = status(scratch_url)
    assert code == 1
    halfway = next(p for p in problems(report) if p["kind"] == "halfway")
    assert str(halfway["message"]).startswith(
        "c15e8a3f2d97 ran but is not recorded: everything it creates is there"
        " (index ix_users_email)"
    )
    assert halfway["commands"] == ["alembic stamp c15e8a3f2d97"]


def test_a_revision_that_failed_halfway_names_what_to_drop(
    server_env: Server, backend_at: Callable[[str], str]
) -> None:
    scratch_url = backend_at("c15e8a3f2d97")
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE subscriptions (id bigint)")  # 5d7f3b9a1e62 creates more
    code, report = status(scratch_url)
    assert code == 1
    halfway = next(p for p in problems(report) if p["kind"] == "halfway")
    assert str(halfway["message"]).startswith(
        "5d7f3b9a1e62 failed halfway: table subscriptions, column subscriptions.id exist,"
    )
    assert halfway["commands"] == [
        'DROP TABLE IF EXISTS "public"."subscriptions";',
        f"lockwise apply {BACKEND} --url '{scratch_url}'",
    ]


def test_status_writes_nothing_and_hides_the_password(
    server_env: Server, backend_at: Callable[[str], str]
) -> None:
    scratch_url = backend_at("d6a7c3f1e890")
    url = make_url(scratch_url).set(password="sentinel-Pw-2b9c")
    done = lockwise("status", str(BACKEND), "--url", url.render_as_string(hide_password=False))
    assert done.returncode == 1, done.stderr
    assert "sentinel-Pw-2b9c" not in done.stdout + done.stderr
    assert "***" in done.stdout  # the database it read
    assert f'lockwise apply {BACKEND} --url "$DATABASE_URL"' in done.stdout  # not the password
    with psycopg.connect(scratch_url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("d6a7c3f1e890",)
        ]
