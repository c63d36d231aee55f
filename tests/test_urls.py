"""URLs: passwords never shown, any spelling of a PostgreSQL URL accepted, asyncpg's dialect."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lockwise.database.server import Server
from lockwise.errors import BadInput
from lockwise.urls import parse_server_url, redact, redact_text, sqlalchemy_url

PROJECTS = Path(__file__).parent / "projects"


def test_redact_hides_the_password() -> None:
    assert redact("postgresql://bob:s3cret@db:5432/app") == "postgresql://bob:***@db:5432/app"


def test_redact_text_hides_a_percent_encoded_password_too() -> None:
    url = "postgresql://bob:p%40ss%2Fw@db/app"
    assert "p%40ss" not in redact_text(f"error near {url}", url)
    assert "p@ss/w" not in redact_text("password p@ss/w refused", url)


def test_sqlalchemy_form_is_accepted_as_a_server_url() -> None:
    assert parse_server_url("postgresql+asyncpg://bob@db/app") == "postgresql://bob@db/app"


@pytest.mark.parametrize("url", ["mysql://bob@db/app", "host=/tmp dbname=app"])
def test_other_urls_are_bad_input(url: str) -> None:
    with pytest.raises(BadInput, match=r"not a (valid )?PostgreSQL URL"):
        parse_server_url(url)


def test_asyncpg_gets_ssl_instead_of_sslmode_and_no_libpq_only_options() -> None:
    url = sqlalchemy_url("postgresql://db/app?sslmode=require&connect_timeout=5", "asyncpg")
    assert url == "postgresql+asyncpg://db/app?ssl=require"


@pytest.mark.version_independent  # how the URL reaches asyncpg is lockwise's
def test_async_project_runs_on_a_url_with_libpq_options(server_env: Server) -> None:
    url = server_env.url + "&sslmode=disable&connect_timeout=5&application_name=lw"
    done = subprocess.run(
        [sys.executable, "-m", "lockwise", "test", "--url", url, str(PROJECTS / "async_env")],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
