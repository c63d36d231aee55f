"""LW501 and LW502 speak of the project's convention only where the project set one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from lockwise.review.sqlfiles import sql_file_facts
from lockwise.rules import prefer_bigint
from lockwise.rules.prefer_identity import check

SERIAL = "CREATE TABLE items (id bigserial PRIMARY KEY);\n"


def messages(tmp_path: Path, settings: dict[str, str]) -> list[str]:
    sql = tmp_path / "items.sql"
    sql.write_text(SERIAL)
    facts = dataclasses.replace(sql_file_facts(sql), settings=settings)
    return [hit.message for hit in check(facts)]


def test_without_a_setting_no_convention_is_claimed(tmp_path: Path) -> None:
    [message] = messages(tmp_path, {})
    assert "convention" not in message and "setting" not in message


def test_the_projects_setting_is_named(tmp_path: Path) -> None:
    [message] = messages(tmp_path, {"primary_key": "bigint identity"})
    assert message.endswith('(this project\'s setting: primary_key = "bigint identity")')


def test_a_project_that_chose_serial_is_left_alone(tmp_path: Path) -> None:
    assert messages(tmp_path, {"primary_key": "bigserial"}) == []


def test_a_uuid_key_is_flagged_unless_the_project_keys_on_uuid(tmp_path: Path) -> None:
    sql = tmp_path / "items.sql"
    sql.write_text("CREATE TABLE items (id uuid PRIMARY KEY);\n")
    facts = sql_file_facts(sql)
    [hit] = prefer_bigint.check(facts)
    assert "convention" not in hit.message and "16 bytes" in hit.message
    keyed_on_uuid = dataclasses.replace(facts, settings={"primary_key": "uuid"})
    assert list(prefer_bigint.check(keyed_on_uuid)) == []
