"""The driver env.py gets: the one the project's URL names, as `alembic` would use it."""

from __future__ import annotations

import pytest

from lockwise.drivers import choose
from lockwise.urls import sqlalchemy_url


@pytest.mark.parametrize("driver", ["psycopg2", "psycopg", "asyncpg"])
def test_the_driver_the_project_url_names_is_kept(driver: str) -> None:
    chosen = choose(f"postgresql+{driver}://app@db/app")
    assert (chosen.name, chosen.note) == (driver, "")


def test_a_bare_url_stays_bare_for_sqlalchemy_to_choose() -> None:
    chosen = choose("postgresql://app@db/app")
    assert chosen.drivername == "postgresql"
    assert sqlalchemy_url("postgresql://u@/d?host=/tmp", chosen.name).startswith("postgresql://")


def test_a_driver_that_is_not_installed_falls_back_and_says_so() -> None:
    chosen = choose("postgresql+psycopg2cffi://app@db/app")  # SQLAlchemy knows it; not here
    assert chosen.name == "psycopg"
    assert chosen.note == (
        "psycopg2cffi is not installed here: env.py gets a postgresql+psycopg:// URL instead"
    )


def test_a_missing_async_driver_falls_back_to_an_async_one() -> None:
    chosen = choose("postgresql+psycopg_async_missing://app@db/app")
    assert (chosen.name, chosen.asynchronous) == ("asyncpg", True)


def test_the_setting_names_the_driver_when_the_url_names_none() -> None:
    assert choose("", preferred="asyncpg").name == "asyncpg"
    assert choose("postgresql+psycopg2://a@b/c", preferred="asyncpg").name == "psycopg2"


def test_a_placeholder_url_of_alembic_init_names_no_driver() -> None:
    assert choose("driver://user:pass@localhost/dbname").drivername == "postgresql"


def test_pg8000_reaches_a_unix_socket_through_unix_sock() -> None:
    url = sqlalchemy_url("postgresql://postgres@/app?host=/run/pg", "pg8000")
    assert url == "postgresql+pg8000://postgres@/app?unix_sock=%2Frun%2Fpg%2F.s.PGSQL.5432"
