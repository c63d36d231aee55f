"""LW001 and LW410, which review finds itself, behave as rules: examples, disable, severity."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lockwise import commands
from lockwise.database.server import Server
from lockwise.review.examples import write_example
from lockwise.rules import BY_ID

PROJECTS = Path(__file__).parents[1] / "projects"
UNUSED = BY_ID["LW001"]


def review_rules(server: Server, project: Path) -> list[tuple[str, str]]:
    report = commands.review(project, server.url, "e0000001:")
    return [(finding.rule, finding.severity) for finding in report.findings]


def test_an_ignore_that_silences_nothing_is_flagged(pg_server: Server, tmp_path: Path) -> None:
    project = write_example(tmp_path, UNUSED.bad[0])
    assert ("LW001", "warning") in review_rules(pg_server, project)


def test_an_ignore_that_silences_a_finding_is_not(pg_server: Server, tmp_path: Path) -> None:
    project = write_example(tmp_path, UNUSED.good[0])
    assert [
        rule for rule, _ in review_rules(pg_server, project) if rule in ("LW001", "LW207")
    ] == []


@pytest.mark.parametrize(
    ("setting", "expected"),
    [('disable = ["LW001"]', []), ('severity = { LW001 = "error" }', [("LW001", "error")])],
)
def test_the_project_settings_apply_to_lw001(
    pg_server: Server, tmp_path: Path, setting: str, expected: list[tuple[str, str]]
) -> None:
    project = write_example(tmp_path, UNUSED.bad[0])
    (project / "pyproject.toml").write_text(f"[tool.lockwise]\n{setting}\n")
    assert [f for f in review_rules(pg_server, project) if f[0] == "LW001"] == expected


def test_lw410_can_be_lowered_like_any_rule(pg_server: Server, tmp_path: Path) -> None:
    project = shutil.copytree(PROJECTS / "two_heads", tmp_path / "two_heads")
    with (project / "pyproject.toml").open("a") as toml:
        toml.write('\n[tool.lockwise]\nseverity = { LW410 = "warning" }\n')
    report = commands.review(project, pg_server.url)
    assert {f.severity for f in report.findings if f.rule == "LW410"} == {"warning"}
    assert not report.fails("error")
