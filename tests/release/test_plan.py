"""`lockwise plan`: the release report's five parts, from a real review and test."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from support import lockwise, matches_snapshot, one_line_error

from lockwise import manifest
from lockwise.database.server import Server
from lockwise.database.stats import TableSize
from lockwise.release.plan import (
    Check,
    Instruction,
    PlanFile,
    PlannedStatement,
    PlanReport,
    Production,
)
from lockwise.report import plan_markdown
from lockwise.review.findings import Finding

# How lockwise assembles the report; what review and test measure is checked on every
# version in tests/review and tests/testing.
pytestmark = pytest.mark.version_independent

BACKEND = Path(__file__).parents[2] / "examples" / "backend"
SECTIONS = ["version", "files", "sql", "verification", "warnings", "instructions"]


def plan_json(*args: str) -> dict[str, object]:
    done = lockwise("plan", str(BACKEND), "--format", "json", *args)
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    return report


def test_plan_has_the_five_sections_in_order_from_a_real_run(server_env: Server) -> None:
    report = plan_json()
    assert list(report) == SECTIONS
    files = report["files"]
    assert isinstance(files, list) and len(files) == 16
    first = files[0]
    path = BACKEND / first["file"]
    assert first["checksum"] == manifest.digest(path.read_bytes())
    sql = report["sql"]
    assert isinstance(sql, dict) and sql["database"] is None
    index = next(r for r in sql["revisions"] if r["revision"] == "c15e8a3f2d97")
    [build] = index["statements"]
    assert build["transactional"] is False
    assert build["locks"] == [{"relation": "users", "mode": "ShareUpdateExclusiveLock"}]
    assert build["sql"].startswith("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_users_email")
    checks = report["verification"]
    assert isinstance(checks, list)
    assert [c["name"] for c in checks][:3] == ["single head", "upgrade", "downgrade"]
    assert all(c["ok"] for c in checks), checks
    steps = report["instructions"]
    assert isinstance(steps, list)
    assert [s["title"] for s in steps] == [
        "Back up",
        "Apply",
        "Steps outside a transaction",
        "Roll back",
    ]
    assert steps[1]["commands"] == [
        f'lockwise apply {BACKEND} --url "$DATABASE_URL" --to 4b8e2f6a1d07'
    ]
    # 2c9f6a0e3b84 declares its downgrade irreversible: roll forward instead
    assert "2c9f6a0e3b84 cannot be downgraded" in steps[3]["text"]


def test_plan_with_a_url_ships_exactly_what_the_database_lacks_with_sizes(
    server_env: Server, backend_at: Callable[[str], str]
) -> None:
    scratch_url = backend_at("d6a7c3f1e890")
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        conn.execute("INSERT INTO organizations (name) VALUES ('o')")
        conn.execute(
            "INSERT INTO webhooks (organization_id, url, secret)"
            " SELECT 1, 'https://x.org/' || g, 's' FROM generate_series(1, 2000) g"
        )
        conn.execute("ANALYZE webhooks")
    password = "sentinel-Pw-51ad"
    url = make_url(scratch_url).set(password=password).render_as_string(hide_password=False)
    run = lockwise("plan", str(BACKEND), "--format", "json", "--url", url)
    assert run.returncode == 0, run.stderr
    assert password not in run.stdout + run.stderr
    report = json.loads(run.stdout)
    sql = report["sql"]
    assert sql["database"]["current"] == ["d6a7c3f1e890"]
    assert [r["revision"] for r in sql["revisions"]] == ["94d0e2b7c5a3", "4b8e2f6a1d07"]
    assert [f["revision"] for f in report["files"]] == ["94d0e2b7c5a3", "4b8e2f6a1d07"]
    [webhooks] = sql["revisions"][0]["tables"]
    assert (webhooks["table"], webhooks["rows"]) == ("webhooks", 2000)
    assert webhooks["bytes"] > 0


def test_plan_at_head_has_nothing_to_ship(
    server_env: Server, backend_at: Callable[[str], str]
) -> None:
    report = plan_json("--url", backend_at("4b8e2f6a1d07"))
    assert report["files"] == [] and report["sql"]["revisions"] == []  # type: ignore[index]
    assert report["instructions"] == [
        {"title": "Nothing to ship", "text": "The database is at the head already.", "commands": []}
    ]


def test_plan_refuses_a_database_at_an_unknown_revision(
    server_env: Server, scratch_url: str
) -> None:
    with psycopg.connect(scratch_url) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('0123abcd4567')")
    error = one_line_error(lockwise("plan", str(BACKEND), "--url", scratch_url))
    assert "is at 0123abcd4567, a revision this project does not know" in error


STATEMENT = PlannedStatement(
    revision="7b2d9e04c6f1",
    file="migrations/versions/7b2d9e04c6f1_add_users_phone.py",
    line=24,
    sql="ALTER TABLE users ADD COLUMN phone VARCHAR(32)",
    transactional=True,
    locks=(("users", "AccessExclusiveLock"),),
    rewrites=(),
    scans=(),
)
REPORT = PlanReport(
    project="examples/backend",
    revisions=("7b2d9e04c6f1",),
    files=(
        PlanFile(
            "7b2d9e04c6f1",
            "add users.phone",
            "migrations/versions/7b2d9e04c6f1_add_users_phone.py",
            "h1:U6sMf4XnIWWbpZIqw3FOk4WPqd50Uab/2d2rRUHwHbw=",
        ),
    ),
    sql=(STATEMENT,),
    verification=(Check("single head", True), Check("data survives", False, "users.phone lost")),
    warnings=(
        Finding(
            rule="LW401",
            name="missing-lock-timeout",
            severity="warning",
            revision="7b2d9e04c6f1",
            direction="upgrade",
            file="migrations/versions/7b2d9e04c6f1_add_users_phone.py",
            line=24,
            sql=STATEMENT.sql,
            message="ALTER TABLE users waits for its ACCESS EXCLUSIVE lock with no lock_timeout",
            fix="op.execute(\"SET lock_timeout = '2s'\")",
            lock="AccessExclusiveLock",
            table="users",
            size=TableSize(rows=1_200_000, bytes=180_000_000),
            estimated_lock_s=0.6,
        ),
    ),
    instructions=(
        Instruction("Apply", "One deploy at a time.", ('lockwise apply --url "$DATABASE_URL"',)),
    ),
    production=Production(
        "postgresql://app:***@db.internal/shop",
        ("a4c81e5f9b23",),
        {"users": TableSize(rows=1_200_000, bytes=180_000_000)},
        2_400_000_000,
    ),
)


def test_plan_markdown_reads_as_a_pull_request_comment() -> None:
    assert matches_snapshot("plan.md", plan_markdown.render(REPORT))


def test_plan_markdown_cuts_the_sql_to_fit_github_and_says_so() -> None:
    many = PlanReport(**{**REPORT.__dict__, "sql": (STATEMENT,) * 2000})
    text = plan_markdown.render(many)
    assert len(text) <= plan_markdown.GITHUB_LIMIT
    left = re.search(r"\*(\d+) more statements are left out to fit a GitHub comment", text)
    assert left is not None
    shown = text.count("```sql")
    assert shown + int(left.group(1)) == 2000
    assert text.rstrip().endswith("```")  # the instructions, whole, come last
