"""lockwise.sum: released revision files are not edited (LW411), and `sum`/`new` keep it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import PROJECTS, lockwise, one_line_error
from test_new import PHONE, backend, change_users  # noqa: F401 (backend is a fixture)

from lockwise.database.server import Server

# What lockwise reads from files; the server only runs the review around it.
pytestmark = pytest.mark.version_independent

VERSIONS = "migrations/versions"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PROJECTS / "clean_history", tmp_path / "clean_history"))


def revision_files(project: Path) -> list[Path]:
    return sorted(p for p in (project / VERSIONS).glob("*.py"))


def lw411(run_stdout: str) -> list[dict[str, object]]:
    review = json.loads(run_stdout)
    review = review.get("review", review)
    return [f for f in review["findings"] if f["rule"] == "LW411"]


def test_sum_lists_every_revision_file_and_an_untouched_project_passes(
    server_env: Server, project: Path
) -> None:
    done = lockwise("sum", str(project))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("lockwise.sum: 3 revision files")
    lines = (project / "migrations/lockwise.sum").read_text().splitlines()
    assert lines[0].startswith("h1:")
    listed = sorted(line.split()[0] for line in lines[1:])
    assert listed == [f"versions/{p.name}" for p in revision_files(project)]
    review = lockwise("review", str(project), "--format", "json")
    assert review.returncode == 0, review.stderr
    assert lw411(review.stdout) == []


def test_check_fails_on_an_edited_released_file_and_names_it(
    server_env: Server, project: Path
) -> None:
    assert lockwise("sum", str(project)).returncode == 0
    edited = revision_files(project)[1]
    edited.write_text(edited.read_text().replace("display_name", "shown_name"))
    done = lockwise("check", str(project), "--format", "json", "--fail-on", "error")
    assert done.returncode == 1, done.stderr
    [finding] = lw411(done.stdout)
    assert finding["file"] == f"{VERSIONS}/{edited.name}"
    assert finding["severity"] == "error"
    assert "changed after release" in str(finding["message"])
    assert finding["fix"] == f"git checkout -- {VERSIONS}/{edited.name}"


def test_windows_line_endings_are_not_an_edit(server_env: Server, project: Path) -> None:
    assert lockwise("sum", str(project)).returncode == 0
    for path in revision_files(project):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    review = lockwise("review", str(project), "--format", "json")
    assert lw411(review.stdout) == []


def test_a_deleted_released_file_is_reported_at_its_manifest_line(
    server_env: Server, project: Path
) -> None:
    assert lockwise("sum", str(project)).returncode == 0
    head = revision_files(project)[-1]
    head_line = next(
        number
        for number, line in enumerate(
            (project / "migrations/lockwise.sum").read_text().splitlines(), start=1
        )
        if line.startswith(f"versions/{head.name} ")
    )
    head.unlink()
    review = lockwise("review", str(project), "--format", "json")
    [finding] = lw411(review.stdout)
    assert (finding["file"], finding["line"]) == ("migrations/lockwise.sum", head_line)
    assert f"versions/{head.name}, listed in" in str(finding["message"])


def test_a_manifest_edited_by_hand_cannot_be_trusted(server_env: Server, project: Path) -> None:
    assert lockwise("sum", str(project)).returncode == 0
    manifest = project / "migrations/lockwise.sum"
    first, *rest = manifest.read_text().splitlines()
    manifest.write_text("\n".join([first, *rest[:-1]]) + "\n")  # a line dropped by hand
    review = lockwise("review", str(project), "--format", "json")
    [finding] = lw411(review.stdout)
    assert (finding["file"], finding["line"], finding["fix"]) == (
        "migrations/lockwise.sum",
        1,
        "lockwise sum",
    )


def test_a_broken_manifest_line_is_one_clear_error(server_env: Server, project: Path) -> None:
    assert lockwise("sum", str(project)).returncode == 0
    manifest = project / "migrations/lockwise.sum"
    manifest.write_text(manifest.read_text() + "versions/x.py\n")
    error = one_line_error(lockwise("review", str(project)))
    assert error.endswith("lockwise.sum:5: not a `FILE h1:SUM` line; run `lockwise sum`")


def test_new_adds_its_file_to_the_manifest_and_leaves_the_other_lines(
    server_env: Server,
    backend: Path,  # noqa: F811
) -> None:
    assert lockwise("sum", str(backend)).returncode == 0
    manifest = backend / "migrations/lockwise.sum"
    before = manifest.read_text().splitlines()[1:]
    released = sorted((backend / VERSIONS).glob("*.py"))[0]
    released.write_text(released.read_text() + "# an edit new must not accept\n")
    change_users(
        backend, PHONE, PHONE + "\n    locale: Mapped[str | None] = mapped_column(String(16))"
    )
    run = lockwise("new", str(backend), "-m", "add users.locale", "--fail-on", "error")
    assert run.returncode == 1, run.stderr  # its review reports the edit, below
    assert "LW411 released-migration-edited" in run.stdout
    after = manifest.read_text().splitlines()[1:]
    [added] = [line for line in after if line not in before]
    assert after == [*before, added]
    written = next(p for p in (backend / VERSIONS).glob("*add_users_locale*.py"))
    assert added.startswith(f"versions/{written.name} h1:")
    assert f"listed it in {manifest}" in run.stderr
    review = lockwise("review", str(backend), "--format", "json")
    assert [f["file"] for f in lw411(review.stdout)] == [f"{VERSIONS}/{released.name}"]


def test_sum_works_from_any_folder_with_a_relative_script_location(
    server_env: Server, tmp_path: Path
) -> None:
    # script_location = migrations, as optuna's `alembic` is: relative to the project
    project = Path(shutil.copytree(PROJECTS / "relative_paths", tmp_path / "relative_paths"))
    done = lockwise("sum", str(project), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = (project / "migrations/lockwise.sum").read_text().splitlines()
    assert all(line.startswith("versions/") for line in lines[1:])
    edited = revision_files(project)[0]
    edited.write_text(edited.read_text() + "# an edit\n")
    review = lockwise("review", str(project), "--format", "json", cwd=tmp_path)
    assert [f["file"] for f in lw411(review.stdout)] == [f"{VERSIONS}/{edited.name}"]
