"""`[tool.lockwise]` settings: what is accepted, and one clear line for what is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockwise.config import load_settings, settings_from
from lockwise.errors import BadInput


def test_an_unknown_key_is_refused_with_the_nearest_known_one() -> None:
    with pytest.raises(
        BadInput, match=r"unknown setting large_table_row \(did you mean large_table_rows\?\)"
    ):
        settings_from({"large_table_row": 5})


def test_an_unknown_key_with_nothing_near_names_only_itself() -> None:
    with pytest.raises(BadInput, match=r"unknown setting colour$"):
        settings_from({"colour": "blue"})


def test_a_row_count_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(
        BadInput, match="large_table_rows must be a whole number of rows, not 'many'"
    ):
        settings_from({"large_table_rows": "many"})


def test_a_target_version_below_15_is_refused() -> None:
    with pytest.raises(BadInput, match="target_version must be a PostgreSQL major version >= 15"):
        settings_from({"target_version": 14})


def test_url_env_baseline_driver_and_superuser_are_read() -> None:
    settings = settings_from(
        {
            "url_env": ["APP_DB"],
            "baseline": "app.models:Base.metadata",
            "driver": "asyncpg",
            "superuser": True,
        }
    )
    assert settings.url_env == ("APP_DB",)
    assert settings.baseline == "app.models:Base.metadata"
    assert (settings.driver, settings.superuser) == ("asyncpg", True)


def test_an_unknown_driver_is_refused() -> None:
    with pytest.raises(BadInput, match="driver must be one of psycopg2, psycopg, asyncpg"):
        settings_from({"driver": "mysqldb"})


def test_superuser_must_be_a_boolean() -> None:
    with pytest.raises(BadInput, match="superuser must be true or false, not 'yes'"):
        settings_from({"superuser": "yes"})


def test_pyproject_that_is_not_utf8_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.lockwise]\nfail_on = '\xe9'\n")
    with pytest.raises(BadInput, match="not valid TOML"):
        load_settings(tmp_path)


def test_timeouts_and_downgrade_severity_are_read() -> None:
    settings = settings_from(
        {"lock_timeout": "500ms", "statement_timeout": "30s", "downgrade_severity": "info"}
    )
    assert (settings.lock_timeout, settings.statement_timeout) == ("500ms", "30s")
    assert settings.downgrade_severity == "info"


def test_a_timeout_that_is_no_duration_is_refused() -> None:
    with pytest.raises(BadInput, match='lock_timeout must be a duration such as "2s"'):
        settings_from({"lock_timeout": "2 seconds"})


def test_an_unknown_downgrade_severity_is_refused() -> None:
    with pytest.raises(BadInput, match="unknown severity 'loud'"):
        settings_from({"downgrade_severity": "loud"})


def test_stable_functions_are_read_and_a_bad_name_is_refused() -> None:
    assert settings_from({"stable_functions": ["app.code", "f"]}).stable_functions == (
        "app.code",
        "f",
    )
    with pytest.raises(BadInput, match="stable_functions must be a list of function names"):
        settings_from({"stable_functions": ["code()"]})
