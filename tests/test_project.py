"""Loading an Alembic project: where its configuration lives, and what each file says."""

from __future__ import annotations

import json
import logging.config
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lockwise.database.server import Server
from lockwise.migrate.steps import probe
from lockwise.project import Project, load_project

PROJECTS = Path(__file__).parent / "projects"


def test_pyproject_alembic_section_is_a_project() -> None:
    project = load_project(PROJECTS / "pyproject_config")
    assert [r.id for r in project.revisions] == ["77aa88bb0001"]


def test_alembic_ini_path_is_accepted_as_well_as_its_folder() -> None:
    project = load_project(PROJECTS / "clean_history" / "alembic.ini")
    assert project.root == PROJECTS / "clean_history"
    assert len(project.revisions) == 3


def test_revisions_come_in_order_from_base() -> None:
    project = load_project(PROJECTS / "clean_history")
    assert [r.down for r in project.revisions] == [(), ("a1c3e5f70001",), ("a1c3e5f70002",)]


def test_pass_downgrade_is_read_as_empty() -> None:
    revisions = load_project(PROJECTS / "pass_downgrade").revisions
    assert [r.downgrade_empty for r in revisions] == [False, True, False]


def test_irreversible_marker_is_read_from_the_downgrade() -> None:
    revisions = load_project(PROJECTS / "irreversible_marked").revisions
    assert [(r.downgrade_empty, r.irreversible) for r in revisions] == [
        (False, False),
        (True, True),
    ]


@pytest.mark.version_independent  # how the project is read
def test_declared_irreversible_downgrade_passes_as_irreversible(server_env: Server) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "lockwise",
            "test",
            "--format",
            "json",
            str(PROJECTS / "irreversible_marked"),
        ],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )
    report = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    assert [r["down"] for r in report["revisions"]] == ["ok", "irreversible"]


@pytest.mark.version_independent  # how the project is read
def test_pyproject_project_passes_lockwise_test(server_env: Server) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lockwise", "test", str(PROJECTS / "pyproject_config")],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 revision: 1 passed, 0 failed" in done.stdout


@pytest.mark.version_independent  # how the project is read
def test_relative_settings_resolve_from_the_project_folder(server_env: Server) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lockwise", "test", "projects/relative_paths"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        cwd=PROJECTS.parent,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert "models vs schema at head: no difference" in done.stdout


def test_alembic_pyproject_template_splits_settings_over_two_files() -> None:
    project = load_project(PROJECTS / "pyproject_template")
    assert [r.id for r in project.revisions] == ["77aa88bb0002"]


def test_heads_on_a_labeled_branch_are_accepted() -> None:
    project = load_project(PROJECTS / "labeled_branches")
    assert sorted(project.heads) == ["1a000002", "2b000001"]


def test_depends_on_counts_as_a_parent() -> None:
    project = load_project(PROJECTS / "depends_on_failure")
    assert project.parents(project.revision("3c000003")) == ("3c000001", "3c000002")


def test_alembic_step_api_lockwise_builds_on_is_still_there() -> None:
    # Not in Alembic's documented API: if an upgrade of Alembic moves it, this says so.
    project = load_project(PROJECTS / "clean_history")
    first = project.revisions[0]
    assert project.upgrade_step(first.id).is_upgrade is True
    assert project.downgrade_step(first.id).is_downgrade is True


def project_with_env_lines(tmp_path: Path, lines: str) -> Project:
    """clean_history, with `lines` added at the top of its env.py."""
    shutil.copytree(PROJECTS / "clean_history", tmp_path / "project")
    env_py = tmp_path / "project" / "migrations" / "env.py"
    env_py.write_text(lines + env_py.read_text())
    return load_project(tmp_path / "project")


@pytest.mark.version_independent  # how env.py is run
def test_env_py_is_compiled_without_lockwise_own_future_imports(
    scratch_url: str, tmp_path: Path
) -> None:
    # A module compiled under `from __future__ import annotations` keeps them as strings.
    check = (
        "def annotated(x: int) -> None: ...\n"
        "assert annotated.__annotations__['x'] is int, 'annotations were postponed'\n"
    )
    project = project_with_env_lines(tmp_path, check)
    assert probe(project, scratch_url).takes_connection is False


@pytest.mark.version_independent  # how env.py is run
def test_env_py_sets_up_logging_once_per_project(
    scratch_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied: list[str] = []
    monkeypatch.setattr(logging.config, "fileConfig", lambda name, *_, **__: applied.append(name))
    set_up = "from logging.config import fileConfig\nfrom alembic import context\n"
    project = project_with_env_lines(
        tmp_path, f"{set_up}fileConfig(context.config.config_file_name)\n"
    )
    for _ in range(3):
        probe(project, scratch_url)
    assert applied == [project.config.config_file_name]


@pytest.mark.version_independent  # how env.py is run
def test_logging_file_config_is_given_back_after_env_py_runs(
    scratch_url: str, tmp_path: Path
) -> None:
    before = logging.config.fileConfig
    probe(project_with_env_lines(tmp_path, ""), scratch_url)
    assert logging.config.fileConfig is before
