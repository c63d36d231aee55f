"""The migration history: one head, models in step with it, reversible, data kept."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from app.models import Base
from backend_testing import ALEMBIC_INI, COMPARE_OPTIONS, driver_url, execute, fetch
from sqlalchemy import create_engine

HEAD = "4b8e2f6a1d07"
BEFORE_API_KEYS_NAME = "6a3e0d2b9f58"
BEFORE_PAUSED = "0d4a8b6e2c71"
BEFORE_USERS_BACKFILL = "8e5b1d4f7a29"


def test_history_has_a_single_head() -> None:
    script = ScriptDirectory.from_config(Config(str(ALEMBIC_INI)))
    assert script.get_heads() == [HEAD]


def test_models_match_the_schema_at_head(backend_url: str, scratch_url: str) -> None:
    engine = create_engine(driver_url(scratch_url, "psycopg"))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=COMPARE_OPTIONS)
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_to_base_leaves_no_table_or_type(
    alembic_config: Config, scratch_url: str
) -> None:
    command.upgrade(alembic_config, "heads")
    command.downgrade(alembic_config, "base")
    tables = fetch(scratch_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    types = fetch(scratch_url, "SELECT typname FROM pg_type WHERE typtype = 'e'")
    assert (tables, types) == ([("alembic_version",)], [])


def test_upgrade_after_downgrade_to_base_reaches_head(
    alembic_config: Config, scratch_url: str
) -> None:
    command.upgrade(alembic_config, "heads")
    command.downgrade(alembic_config, "base")
    command.upgrade(alembic_config, "heads")
    assert fetch(scratch_url, "SELECT version_num FROM alembic_version") == [(HEAD,)]


def test_existing_api_keys_are_named_after_their_prefix(
    alembic_config: Config, scratch_url: str
) -> None:
    command.upgrade(alembic_config, BEFORE_API_KEYS_NAME)
    execute(
        scratch_url,
        "INSERT INTO organizations (name) VALUES ('Acme')",
        "INSERT INTO api_keys (organization_id, prefix, key_hash)"
        " SELECT id, 'lw_acme', 'sha256:00' FROM organizations",
    )
    command.upgrade(alembic_config, "heads")
    assert fetch(scratch_url, "SELECT name FROM api_keys") == [("Key lw_acme",)]


def test_users_from_before_the_status_column_become_active(
    alembic_config: Config, scratch_url: str
) -> None:
    command.upgrade(alembic_config, BEFORE_USERS_BACKFILL)
    execute(
        scratch_url, "INSERT INTO users (email, display_name) VALUES ('ada@example.com', 'Ada')"
    )
    command.upgrade(alembic_config, "heads")
    assert fetch(scratch_url, "SELECT status::text FROM users") == [("active",)]


def test_downgrade_below_paused_turns_paused_subscriptions_active(
    alembic_config: Config, scratch_url: str
) -> None:
    command.upgrade(alembic_config, "heads")
    execute(
        scratch_url,
        "INSERT INTO organizations (name) VALUES ('Acme')",
        "INSERT INTO subscriptions (organization_id, plan, status)"
        " SELECT id, 'team', 'paused' FROM organizations",
    )
    command.downgrade(alembic_config, BEFORE_PAUSED)
    assert fetch(scratch_url, "SELECT status::text FROM subscriptions") == [("active",)]
