"""Projects `lockwise test` must refuse, and servers it cannot use: one line, the right exit code.

Each refusal is checked the way a user meets it: the real console entry point, exit code 2
or 3, a single `lockwise: error:` line on stderr, no traceback, and nothing left behind.
"""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest
from support import PROJECTS, left_by, lockwise, one_line_error

from lockwise.database.server import DATA_DIR_ENV, URL_ENV, Server

# Refusals are lockwise's own: the same on every server version.
pytestmark = [pytest.mark.slow, pytest.mark.version_independent]


def refused(project: str, server: Server) -> str:
    """Run `lockwise test` on a project it must refuse (exit 2); return the message."""
    done = lockwise("test", str(PROJECTS / project))
    assert left_by(server, done.pid) == []
    return one_line_error(done, exit_code=2)


def processes_naming(folder: Path) -> list[int]:
    """Pids of the processes whose command line names `folder`: a postgres left running."""
    found = psutil.process_iter(["cmdline"])
    return [p.pid for p in found if str(folder) in " ".join(p.info["cmdline"] or [])]


def test_folder_without_alembic_config_is_refused(server_env: Server) -> None:
    message = refused("not_a_project", server_env)
    assert "not_a_project is not an Alembic project" in message


def test_script_location_that_does_not_exist_is_refused(server_env: Server) -> None:
    message = refused("bad_script_location", server_env)
    assert "script_location" in message and "alembic_scripts" in message


def test_syntax_error_names_the_file_and_line(server_env: Server) -> None:
    message = refused("syntax_error", server_env)
    assert "4e5f6a7b0002_add_tags_label.py:15: syntax error" in message


def test_missing_down_revision_names_the_file_and_the_missing_id(server_env: Server) -> None:
    message = refused("missing_down_revision", server_env)
    assert "5f6a7b8c0003_add_labels_color.py" in message and "5f6a7b8c0002" in message


def test_duplicate_revision_id_names_both_files(server_env: Server) -> None:
    message = refused("duplicate_revision", server_env)
    assert "6a7b8c9d0002_add_teams_name.py" in message
    assert "6a7b8c9d0002_add_teams_slug.py" in message


def test_revision_cycle_is_refused(server_env: Server) -> None:
    assert "cycle" in refused("revision_cycle", server_env).lower()


def test_env_py_that_fails_to_import_is_refused(server_env: Server) -> None:
    message = refused("broken_env", server_env)
    assert "migrations/env.py:2: env.py failed: ModuleNotFoundError" in message
    assert "No module named 'myapp'" in message


def test_two_heads_name_both_heads_and_the_merge_command(server_env: Server) -> None:
    message = refused("two_heads", server_env)
    assert "1b2c3d4e0002" in message and "1b2c3d4e0003" in message
    assert 'alembic merge -m "merge heads" 1b2c3d4e0002 1b2c3d4e0003' in message


def test_unreachable_url_exits_3_and_hides_the_password() -> None:
    url = "postgresql://bob:s3cret@127.0.0.1:1/db"
    done = lockwise("test", "--url", url, str(PROJECTS / "clean_history"))
    message = one_line_error(done, exit_code=3)
    assert "127.0.0.1" in message
    assert "s3cret" not in done.stdout + done.stderr


def test_embedded_server_that_cannot_start_exits_3_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "pgdata"
    data.mkdir()
    (data / "PG_VERSION").write_text("18\n")
    (data / "postgresql.conf").write_text("this is not a setting\n")
    monkeypatch.delenv(URL_ENV, raising=False)
    monkeypatch.setenv(DATA_DIR_ENV, str(data))
    done = lockwise("test", str(PROJECTS / "clean_history"))
    message = one_line_error(done, exit_code=3)
    assert "could not start" in message and "postgresql.conf" in message
    assert processes_naming(data) == []
