"""Running one Alembic step: lockwise migrates only the scratch database it created."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from lockwise.database.server import URL_ENV, Server
from lockwise.migrate.steps import probe, run_step, shared_connection
from lockwise.project import load_project

PROJECT = Path(__file__).parents[1] / "projects" / "env_ignores_url"


def test_env_py_connecting_elsewhere_is_refused_before_migrating(server_env: Server) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lockwise", "test", str(PROJECT)],
        capture_output=True,
        text=True,
        env=os.environ | {URL_ENV: server_env.url},  # env.py reads it to connect elsewhere
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "env.py connected to database 'postgres', not to the scratch database" in done.stderr
    with server_env.connect() as conn:
        leftovers = conn.execute(
            "SELECT to_regclass('lockwise_canary'), to_regclass('alembic_version')"
        ).fetchone()
    assert leftovers == (None, None)


def test_env_py_following_the_connection_recipe_gets_a_shared_connection(
    scratch_url: str,
) -> None:
    backend = load_project(Path(__file__).parents[2] / "examples" / "backend")
    assert probe(backend, scratch_url).takes_connection is True


def test_env_py_building_its_own_engine_gets_the_url_only(scratch_url: str) -> None:
    project = load_project(Path(__file__).parents[1] / "projects" / "clean_history")
    assert probe(project, scratch_url).takes_connection is False


def test_a_step_on_the_handed_connection_does_not_ask_which_database(scratch_url: str) -> None:
    backend = load_project(Path(__file__).parents[2] / "examples" / "backend")
    sent: list[str] = []

    def keep(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(Engine, "before_cursor_execute", keep)
    try:
        with shared_connection(backend, scratch_url) as connection:
            run_step(backend, scratch_url, backend.revisions[0], "upgrade", connection)
    finally:
        event.remove(Engine, "before_cursor_execute", keep)
    assert any("CREATE TABLE" in statement for statement in sent)
    assert not any("current_database()" in statement for statement in sent)
