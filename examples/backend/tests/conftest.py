"""Fixtures for the backend's tests; `scratch_url` (a fresh, empty database) comes from
lockwise's pytest plugin (`lockwise.testing.pytest_plugin`, enabled in pyproject.toml)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

# Make `app` importable, as migrations/env.py does.
BACKEND_DIR = Path(__file__).resolve().parent.parent
if str(BACKEND_DIR) not in sys.path:
    sys.path.insert(0, str(BACKEND_DIR))

from backend_testing import ALEMBIC_INI, driver_url  # noqa: E402


@pytest.fixture
def alembic_config(scratch_url: str) -> Config:
    """The backend's Alembic config, pointed at the scratch database through asyncpg."""
    config = Config(str(ALEMBIC_INI))
    # ConfigParser interpolates "%": escape the percent-encoded parts of the URL.
    config.set_main_option("sqlalchemy.url", driver_url(scratch_url, "asyncpg").replace("%", "%%"))
    # Leave pytest's logging alone; env.py would otherwise load alembic.ini's.
    config.attributes["configure_logger"] = False
    return config


@pytest.fixture
def backend_url(alembic_config: Config, scratch_url: str) -> str:
    """The asyncpg URL of the scratch database, migrated to head."""
    command.upgrade(alembic_config, "heads")
    return driver_url(scratch_url, "asyncpg")
