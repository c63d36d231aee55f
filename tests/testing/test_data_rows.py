"""Synthetic rows on a real server: what `lockwise test` puts in the tables before a revision."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from lockwise.testing.data_rows import fill_tables

SCHEMA = """
CREATE TYPE plan AS ENUM ('free', 'team', 'enterprise');
CREATE DOMAIN email AS varchar(120) CHECK (VALUE <> '');
CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    handle varchar(12) NOT NULL UNIQUE,
    plan plan NOT NULL DEFAULT 'free',
    contact email,
    balance numeric(8, 2),
    external_id uuid NOT NULL,
    settings jsonb,
    tags text[],
    active boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE invoices (
    id serial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    total numeric(10, 2) NOT NULL CHECK (total >= 0),
    due date,
    note text
);
CREATE TABLE memberships (
    account_id bigint REFERENCES accounts (id),
    invoice_id int REFERENCES invoices (id),
    UNIQUE (account_id, invoice_id)
);
"""
TABLES = [("public", "memberships"), ("public", "invoices"), ("public", "accounts")]


@pytest.fixture
def filled(scratch_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        conn.execute(SCHEMA)
        assert fill_tables(conn, TABLES, rows=50, seed=0) == {}
        yield conn


def one(conn: psycopg.Connection[Any], query: str) -> Any:
    row = conn.execute(query).fetchone()
    assert row is not None
    return row[0]


def test_every_table_gets_fifty_rows_parents_first(filled: psycopg.Connection[Any]) -> None:
    counts = [one(filled, f"SELECT count(*) FROM {table}") for _, table in TABLES]
    assert counts == [50, 50, 50]


def test_foreign_keys_take_the_parents_keys(filled: psycopg.Connection[Any]) -> None:
    orphans = "SELECT count(*) FROM invoices i LEFT JOIN accounts a ON a.id = i.account_id"
    assert one(filled, orphans + " WHERE a.id IS NULL") == 0


def test_nullable_columns_hold_some_nulls_and_required_ones_none(
    filled: psycopg.Connection[Any],
) -> None:
    assert 0 < one(filled, "SELECT count(*) FROM accounts WHERE contact IS NULL") < 50
    assert one(filled, "SELECT count(*) FROM invoices WHERE due IS NULL") > 0


def test_values_repeat_where_no_constraint_keeps_them_unique(
    filled: psycopg.Connection[Any],
) -> None:
    assert one(filled, "SELECT count(DISTINCT handle) FROM accounts") == 50
    assert one(filled, "SELECT count(DISTINCT note) FROM invoices") < 40


def test_strings_and_numbers_reach_their_declared_size(filled: psycopg.Connection[Any]) -> None:
    assert one(filled, "SELECT max(length(handle)) FROM accounts") == 12
    assert one(filled, "SELECT max(balance)::text FROM accounts") == "999999.99"


def test_enum_columns_take_every_label(filled: psycopg.Connection[Any]) -> None:
    assert one(filled, "SELECT count(DISTINCT plan) FROM accounts") == 3


def test_a_table_whose_check_refuses_the_rows_is_left_empty_with_the_reason(
    scratch_url: str,
) -> None:
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE codes (code text NOT NULL CHECK (code ~ '^[A-Z]{3}$'))")
        left = fill_tables(conn, [("public", "codes")], rows=50, seed=0)
    assert list(left) == [("public", "codes")]
    assert "violates check constraint" in left[("public", "codes")]


def test_a_check_on_a_nullable_column_leaves_it_null_rather_than_the_table_empty(
    scratch_url: str,
) -> None:
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE codes (id int, code text CHECK (code ~ '^[A-Z]{3}$'))")
        assert fill_tables(conn, [("public", "codes")], rows=50, seed=0) == {}
        assert one(conn, "SELECT count(*) FROM codes WHERE code IS NULL") == 50
