"""What the data migrations do to rows that were there before them.

One head, each revision's upgrade and downgrade, and models that match the head are
lockwise's built-in tests: `pytest --lockwise` runs them, one per revision.
"""

from __future__ import annotations

from lockwise.pytest_plugin.migrations import Migrator

BEFORE_API_KEYS_NAME = "6a3e0d2b9f58"
BEFORE_PAUSED = "0d4a8b6e2c71"
BEFORE_USERS_BACKFILL = "8e5b1d4f7a29"


def test_existing_api_keys_are_named_after_their_prefix(migrator: Migrator) -> None:
    migrator.up(to=BEFORE_API_KEYS_NAME)
    migrator.insert("organizations", [{"id": 1, "name": "Acme"}])
    migrator.insert(
        "api_keys", [{"organization_id": 1, "prefix": "lw_acme", "key_hash": "sha256:00"}]
    )
    migrator.up()
    assert migrator.execute("SELECT name FROM api_keys") == [("Key lw_acme",)]


def test_users_from_before_the_status_column_become_active(migrator: Migrator) -> None:
    migrator.up(to=BEFORE_USERS_BACKFILL)
    migrator.insert("users", [{"email": "ada@example.com", "display_name": "Ada"}])
    migrator.up()
    assert migrator.execute("SELECT status::text FROM users") == [("active",)]


def test_downgrade_below_paused_turns_paused_subscriptions_active(migrator: Migrator) -> None:
    migrator.up()
    migrator.insert("organizations", [{"id": 1, "name": "Acme"}])
    migrator.insert("subscriptions", [{"organization_id": 1, "plan": "team", "status": "paused"}])
    migrator.down(to=BEFORE_PAUSED)
    assert migrator.execute("SELECT status::text FROM subscriptions") == [("active",)]
