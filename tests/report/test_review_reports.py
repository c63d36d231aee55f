"""The `lockwise review` renderers, as snapshots: terminal, JSON, Markdown, GitHub, SARIF.

Set LOCKWISE_UPDATE_SNAPSHOTS=1 to rewrite the snapshot files after a deliberate change.
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

from rich.console import Console
from support import matches_snapshot

from lockwise.capture.facts import Lock, Statement
from lockwise.database.stats import TableSize
from lockwise.migrate.steps import MigrationFailure
from lockwise.report import (
    lock_words,
    review_github,
    review_json,
    review_markdown,
    review_sarif,
    review_text,
)
from lockwise.report.paths import Paths, repository_root
from lockwise.review.findings import Finding, NotReviewed, ReviewReport
from lockwise.rules.base import Severity

SNAPSHOTS = Path(__file__).parent / "snapshots"
FILE = "migrations/versions/a1b2c3_index_orders.py"
CREATE_INDEX = "CREATE INDEX ix_orders_total ON orders (total)"

INDEX = Finding(
    "LW207",
    "index-not-concurrent",
    "error",
    "a1b2c3",
    "upgrade",
    FILE,
    21,
    CREATE_INDEX,
    "CREATE INDEX holds SHARE on orders: every write to orders waits until the whole "
    "index is built",
    'lockwise.ops.create_index_concurrently("ix_orders_total", "orders", ["total"])',
    lock="ShareLock",
    aliases=(("squawk", "require-concurrent-index-creation"), ("strong_migrations", "add_index")),
    table="orders",
    size=TableSize(rows=1_200_000, bytes=92_274_688),
    estimated_lock_s=42.4,
    fixable=True,
)
UNNAMED = Finding(
    "LW211",
    "concurrent-index-not-idempotent",
    "warning",
    "a1b2c3",
    "upgrade",
    FILE,
    27,
    "CREATE INDEX CONCURRENTLY ON orders (placed_at)",
    "a retry after a failed build meets the INVALID index it left behind",
    'op.create_index("ix_orders_placed_at", "orders", ["placed_at"], if_not_exists=True)',
)
TIMEOUT = Finding(
    "LW401",
    "missing-lock-timeout",
    "info",
    "d4e5f6",
    "downgrade",
    "migrations/versions/d4e5f6_drop_note.py",
    30,
    "ALTER TABLE orders ADD COLUMN note text",
    "ALTER TABLE waits for its lock with no lock_timeout: every query on orders queues behind it",
    "op.execute(\"SET LOCAL lock_timeout = '2s'\")",
    lock="AccessExclusiveLock",
    table="orders",
)
STATEMENTS = (
    Statement(
        "a1b2c3",
        "upgrade",
        FILE,
        21,
        CREATE_INDEX,
        transactional=True,
        duration_ms=3.14159,
        locks=(Lock("orders", "ShareLock"),),
        rewrites=(),
        scans=("orders",),
        created_before=(),
    ),
    Statement(
        "a1b2c3",
        "upgrade",
        FILE,
        None,
        "UPDATE alembic_version SET version_num='a1b2c3'",
        transactional=True,
        duration_ms=0.2,
        locks=(Lock("alembic_version", "RowExclusiveLock"),),
        rewrites=(),
        scans=("alembic_version",),
        created_before=(),
        locks_measured=False,
    ),
)
FAILURE = MigrationFailure(
    "f7a8b9",
    "upgrade",
    "migrations/versions/f7a8b9_orders_fk.py",
    14,
    "ALTER TABLE orders ADD CONSTRAINT fk_orders_account FOREIGN KEY (account_id) "
    "REFERENCES accounts (id)",
    'relation "accounts" does not exist',
)
REPORT = ReviewReport(
    "18.6",
    (INDEX, UNNAMED, TIMEOUT),
    STATEMENTS,
    (FAILURE,),
    revisions=("a1b2c3", "d4e5f6", "f7a8b9"),
    not_reviewed=(NotReviewed("0c1d2e", "it follows f7a8b9, which could not be reached"),),
)
CLEAN = ReviewReport("18.6", (), STATEMENTS, revisions=("a1b2c3",))


def rendered_text(report: ReviewReport) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(review_text.render(report))
    return console.export_text()


def test_text_groups_findings_by_revision_and_ends_with_a_summary() -> None:
    assert matches_snapshot("review.txt", rendered_text(REPORT))


def test_text_of_a_clean_review_says_no_findings() -> None:
    assert matches_snapshot("review.clean.txt", rendered_text(CLEAN))


def test_text_summary_counts_findings_by_severity() -> None:
    expected = (
        "3 findings: 1 error, 1 warning, 1 info in 3 revisions; 1 migration failed;"
        " 1 revision not reviewed (unreachable)"
    )
    assert review_text.summary(REPORT) == expected


def test_json_review_is_stable() -> None:
    assert matches_snapshot("review.json", review_json.render(REPORT) + "\n")


def test_json_has_production_keys_only_with_stats() -> None:
    first, second, _ = review_json.as_dict(REPORT)["findings"]
    assert (first["rows"], first["bytes"], first["estimated_lock_s"]) == (
        1_200_000,
        92_274_688,
        42.4,
    )
    assert not {"table", "rows", "bytes", "estimated_lock_s"} & second.keys()


def test_markdown_comment_has_a_table_and_details_per_finding() -> None:
    assert matches_snapshot("review.md", review_markdown.render(REPORT))


def test_github_commands_annotate_each_finding_and_failure() -> None:
    assert matches_snapshot("review.github.txt", review_github.render(REPORT))


def test_github_escapes_newlines_in_messages_and_commas_in_file_names() -> None:
    odd = dataclasses.replace(UNNAMED, file="versions/a,b: c.py", message="50%\nof rows", fix="")
    line = review_github.render(ReviewReport("18.6", (odd,)))
    assert line.startswith("::warning file=versions/a%2Cb%3A c.py,line=27,title=LW211 ")
    assert "::50%25%0Aof rows" in line and line.count("\n") == 1


def test_sarif_has_the_keys_sarif_2_1_0_requires() -> None:
    log = json.loads(review_sarif.render(REPORT))
    assert log["version"] == "2.1.0" and log["$schema"] == review_sarif.SCHEMA
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "lockwise"
    assert all(rule["id"] for rule in run["tool"]["driver"]["rules"])
    assert all(result["message"]["text"] for result in run["results"])
    assert run["invocations"][0]["executionSuccessful"] is False


def test_every_format_says_which_revisions_were_not_reviewed_and_why() -> None:
    reason = "0c1d2e not reviewed: it follows f7a8b9, which could not be reached"
    notes = review_sarif.as_dict(REPORT)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert reason in [note["message"]["text"] for note in notes]
    assert review_json.as_dict(REPORT)["not_reviewed"] == [
        {"revision": "0c1d2e", "reason": "it follows f7a8b9, which could not be reached"}
    ]
    assert "- `0c1d2e`: it follows f7a8b9, which could not be reached" in review_markdown.render(
        REPORT
    )
    assert "  0c1d2e: it follows f7a8b9, which could not be reached" in rendered_text(REPORT)


def test_every_sarif_result_names_a_rule_of_the_driver() -> None:
    engine = dataclasses.replace(TIMEOUT, rule="LW001", name="unused-ignore")
    log = review_sarif.as_dict(ReviewReport("18.6", (INDEX, UNNAMED, engine)))
    (run,) = log["runs"]
    ids = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert {result["ruleId"] for result in run["results"]} <= ids


def test_sarif_result_points_at_file_and_line() -> None:
    (result, *_) = review_sarif.as_dict(REPORT)["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    artifact = {"uri": FILE, "uriBaseId": "%SRCROOT%"}
    assert location == {"artifactLocation": artifact, "region": {"startLine": 21}}
    assert result["level"] == "error"


def test_lock_words_say_what_a_mode_blocks() -> None:
    assert lock_words.blocks("ShareLock") == "writes"
    assert lock_words.blocks("SHARE UPDATE EXCLUSIVE").startswith("other schema changes")
    assert lock_words.held("AccessExclusiveLock", "orders") == (
        "holds AccessExclusiveLock on orders: blocks reads and writes"
    )


def test_text_shows_each_info_finding_when_asked() -> None:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(review_text.render(REPORT, infos=True))
    assert "LW401 missing-lock-timeout" in console.export_text()


MONOREPO = Paths(files_from=Path("/repo/services/billing"), root=Path("/repo"))


def test_github_names_files_from_the_repository_root() -> None:
    line = review_github.render(ReviewReport("18.6", (INDEX,)), MONOREPO)
    assert line.startswith(f"::error file=services/billing/{FILE},line=21,")


def test_github_keeps_a_file_outside_the_repository_absolute() -> None:
    outside = dataclasses.replace(INDEX, file="/elsewhere/0001.sql")
    line = review_github.render(ReviewReport("18.6", (outside,)), MONOREPO)
    assert line.startswith("::error file=/elsewhere/0001.sql,line=21,")


def test_github_names_a_failed_migration_from_the_repository_root() -> None:
    line = review_github.render(ReviewReport("18.6", (), failures=(FAILURE,)), MONOREPO)
    assert "file=services/billing/migrations/versions/f7a8b9_orders_fk.py,line=14," in line


def test_sarif_names_files_from_the_declared_repository_root() -> None:
    (run,) = review_sarif.as_dict(REPORT, MONOREPO)["runs"]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///repo/"}}
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": f"services/billing/{FILE}", "uriBaseId": "%SRCROOT%"}


def test_sarif_names_a_file_outside_the_repository_by_its_absolute_uri() -> None:
    outside = dataclasses.replace(INDEX, file="/elsewhere/my file.sql")
    (run,) = review_sarif.as_dict(ReviewReport("18.6", (outside,)), MONOREPO)["runs"]
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "file:///elsewhere/my%20file.sql"}


def test_sarif_declares_no_root_it_does_not_know() -> None:
    assert "originalUriBaseIds" not in review_sarif.as_dict(REPORT)["runs"][0]


def test_paths_without_a_root_leave_names_as_the_report_holds_them() -> None:
    assert Paths().show(FILE) == FILE and Paths().show("/tmp/a.sql") == "/tmp/a.sql"


def test_repository_root_is_the_folder_holding_dot_git(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "services" / "billing").mkdir(parents=True)
    assert repository_root(tmp_path / "services" / "billing") == tmp_path


def test_repository_root_of_a_worktree_is_where_its_dot_git_file_is(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("gitdir: /elsewhere/.git/worktrees/x\n")
    (tmp_path / "app").mkdir()
    assert repository_root(tmp_path / "app") == tmp_path


def test_repository_root_outside_git_is_the_folder_itself(tmp_path: Path) -> None:
    assert repository_root(tmp_path) == tmp_path


def finding(severity: Severity, line: int) -> Finding:
    return dataclasses.replace(TIMEOUT, severity=severity, line=line)


def test_github_annotates_the_most_severe_first_and_says_how_many_it_left_off() -> None:
    findings = (
        *(finding("info", line) for line in range(1, 7)),
        *(finding("warning", line) for line in range(7, 10)),
        *(finding("error", line) for line in range(10, 13)),
    )
    lines = review_github.render(ReviewReport("18.6", findings)).splitlines()
    assert [line.split(",")[1] for line in lines[:9]] == [
        *("line=10", "line=11", "line=12"),  # errors, then warnings, then infos,
        *("line=7", "line=8", "line=9"),  # each in report order
        *("line=1", "line=2", "line=3"),
    ]
    assert lines[9:] == [
        "::notice::3 more not annotated here (3 infos): GitHub shows about ten annotations"
        " per step; lockwise review --format text --infos or --format sarif lists them all"
    ]


def test_github_annotates_a_failed_migration_before_any_finding() -> None:
    findings = tuple(finding("error", line) for line in range(1, 11))
    lines = review_github.render(ReviewReport("18.6", findings, failures=(FAILURE,))).splitlines()
    assert "title=upgrade of f7a8b9 failed" in lines[0]
    assert lines[-1].startswith("::notice::2 more not annotated here (2 errors):")


def test_github_annotates_ten_without_a_notice() -> None:
    findings = tuple(finding("warning", line) for line in range(1, 11))
    lines = review_github.render(ReviewReport("18.6", findings)).splitlines()
    assert len(lines) == 10 and not any(line.startswith("::notice::") for line in lines)


CREATE_TABLE = (
    "\nCREATE TABLE users (\n\tid BIGINT GENERATED BY DEFAULT AS IDENTITY,\n"
    "\temail VARCHAR(320) NOT NULL,\n\tCONSTRAINT pk_users PRIMARY KEY (id)\n)\n\n"
)


def test_infos_show_a_create_table_by_its_first_line() -> None:
    varchar = dataclasses.replace(TIMEOUT, sql=CREATE_TABLE)
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(review_text.render(ReviewReport("18.6", (varchar,)), infos=True))
    text = console.export_text()
    assert "    CREATE TABLE users ( …\n" in text
    assert "email VARCHAR" not in text


def test_a_long_statement_is_cut_at_a_space_with_an_ellipsis() -> None:
    sql = "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (account_id) REFERENCES accounts (id)"
    assert review_text.shortened(sql, width=40) == "ALTER TABLE orders ADD CONSTRAINT fk …"


def test_a_long_word_is_cut_at_the_width() -> None:
    shown = review_text.shortened("SELECT '" + "x" * 200 + "'", width=40)
    assert shown == "SELECT '" + "x" * 30 + " …" and len(shown) == 40


def test_a_short_statement_is_shown_whole() -> None:
    assert review_text.shortened(f"  {CREATE_INDEX};\n") == f"{CREATE_INDEX};"
