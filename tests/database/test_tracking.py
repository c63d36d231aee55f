"""Tests for tracked catalog snapshots: what moved is re-read, and nothing else is missed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from lockwise.database.catalog import Catalog, diff, only_validated, snapshot
from lockwise.database.scratch import ScratchSession
from lockwise.database.server import Server
from lockwise.database.tracking import digest, narrowed, track

USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text, age int)"
ORDERS = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint"
    " CONSTRAINT fk_user REFERENCES users, status text)"
)
TOUCH = "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
TRIGGER = "CREATE TRIGGER trg BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()"
MOOD = "CREATE TYPE mood AS ENUM ('sad', 'ok')"

# (setup, change): each change is seen by `track` exactly as a full snapshot sees it.
CHANGES = {
    "index dropped": (f"{USERS}; CREATE INDEX ix ON users (email)", "DROP INDEX ix"),
    "index renamed": (f"{USERS}; CREATE INDEX ix ON users (email)", "ALTER INDEX ix RENAME TO iy"),
    "foreign key dropped": (
        f"{USERS}; {ORDERS}",
        "ALTER TABLE orders DROP CONSTRAINT fk_user",
    ),
    "referenced column renamed": (
        f"{USERS}; {ORDERS}",
        "ALTER TABLE users RENAME COLUMN id TO user_id",
    ),
    "referenced table renamed": (f"{USERS}; {ORDERS}", "ALTER TABLE users RENAME TO people"),
    "column type widened": (USERS, "ALTER TABLE users ALTER email TYPE varchar(40)"),
    "column dropped": (USERS, "ALTER TABLE users DROP COLUMN age"),
    "default dropped": (
        "CREATE TABLE t (a int DEFAULT 1)",
        "ALTER TABLE t ALTER a DROP DEFAULT",
    ),
    "enum renamed under a column": (
        f"{MOOD}; CREATE TABLE t (m mood)",
        "ALTER TYPE mood RENAME TO feeling",
    ),
    "enum value added": (MOOD, "ALTER TYPE mood ADD VALUE 'glad'"),
    "sequence renamed under a default": (
        "CREATE SEQUENCE s; CREATE TABLE t (a int DEFAULT nextval('s'))",
        "ALTER SEQUENCE s RENAME TO s2",
    ),
    "sequence owner dropped": (
        "CREATE TABLE t (a int); CREATE SEQUENCE s OWNED BY t.a",
        "ALTER SEQUENCE s OWNED BY NONE",
    ),
    "schema renamed": (
        "CREATE SCHEMA app; CREATE TABLE app.t (a int)",
        "ALTER SCHEMA app RENAME TO shop",
    ),
    "trigger dropped": (f"{USERS}; {TOUCH}; {TRIGGER}", "DROP TRIGGER trg ON users"),
    "trigger function renamed": (
        f"{USERS}; {TOUCH}; {TRIGGER}",
        "ALTER FUNCTION touch() RENAME TO touch_row",
    ),
    "comment removed": (
        f"{USERS}; COMMENT ON COLUMN users.email IS 'login'",
        "COMMENT ON COLUMN users.email IS NULL",
    ),
    "index comment added": (
        f"{USERS}; CREATE INDEX ix ON users (email)",
        "COMMENT ON INDEX ix IS 'lookup'",
    ),
    "constraint validated": (
        f"{USERS}; ALTER TABLE users ADD CONSTRAINT ck CHECK (age > 0) NOT VALID",
        "ALTER TABLE users VALIDATE CONSTRAINT ck",
    ),
    "domain constraint dropped": (
        "CREATE DOMAIN posint AS int CONSTRAINT positive CHECK (VALUE > 0)",
        "ALTER DOMAIN posint DROP CONSTRAINT positive",
    ),
    "composite field added": ("CREATE TYPE pair AS (x int)", "ALTER TYPE pair ADD ATTRIBUTE y int"),
    "view replaced": (
        f"{USERS}; CREATE VIEW adults AS SELECT id FROM users WHERE age > 17",
        "CREATE OR REPLACE VIEW adults AS SELECT id FROM users WHERE age > 20",
    ),
    "view's table renamed": (
        f"{USERS}; CREATE VIEW adults AS SELECT id FROM users",
        "ALTER TABLE users RENAME TO people",
    ),
    "partition detached": (
        "CREATE TABLE m (k int) PARTITION BY RANGE (k);"
        " CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (1) TO (10)",
        "ALTER TABLE m DETACH PARTITION m1",
    ),
    "table dropped and made again": (USERS, f"DROP TABLE users; {USERS}"),
    "extension created": ("", "CREATE EXTENSION citext"),
    "comment on the public schema": ("", "COMMENT ON SCHEMA public IS 'app'"),
    "function body changed": (
        TOUCH,
        TOUCH.replace("CREATE", "CREATE OR REPLACE").replace("RETURN NEW", "RETURN OLD"),
    ),
}


@pytest.fixture
def conn(scratch_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(scratch_url, autocommit=True) as connection:
        yield connection


@pytest.mark.parametrize("setup, change", CHANGES.values(), ids=CHANGES.keys())
def test_a_tracked_snapshot_sees_each_change_as_a_full_one(
    conn: psycopg.Connection[Any], setup: str, change: str
) -> None:
    if setup:
        conn.execute(setup)
    full_before, tracked_before = snapshot(conn), track(conn)
    conn.execute(change)
    full_after, tracked_after = snapshot(conn), track(conn, tracked_before)
    assert tracked_after.catalog == full_after
    assert diff(*narrowed(tracked_before, tracked_after)) == diff(full_before, full_after)


def test_the_expected_lines_for_a_renamed_enum(conn: psycopg.Connection[Any]) -> None:
    conn.execute(f"{MOOD}; CREATE TABLE t (m mood)")
    before = track(conn)
    conn.execute("ALTER TYPE mood RENAME TO feeling")
    assert diff(*narrowed(before, track(conn, before))) == [
        "enum type feeling: added",
        "enum type mood: removed",
        "column t.m: type mood -> feeling",
    ]


def test_only_what_moved_is_read_again(conn: psycopg.Connection[Any]) -> None:
    conn.execute(f"{USERS}; {ORDERS}; CREATE TABLE audit (at date); {MOOD}")
    before = track(conn)
    conn.execute("ALTER TABLE audit ADD COLUMN who text")
    after = track(conn, before)
    reread = [
        after.parts[owner] for owner in after.parts if after.parts[owner] is not before.parts[owner]
    ]
    assert [item.name for part in reread for item in part.items if item.kind == "table"] == [
        "audit"
    ]


def test_nothing_moved_nothing_differs(conn: psycopg.Connection[Any]) -> None:
    conn.execute(f"{USERS}; {ORDERS}")
    before = track(conn)
    after = track(conn, before)
    assert narrowed(before, after) == (Catalog(items=()), Catalog(items=()))
    assert after.digest == before.digest


def test_a_change_then_its_reverse_leaves_no_difference(conn: psycopg.Connection[Any]) -> None:
    conn.execute(USERS)
    before = track(conn)
    conn.execute("ALTER TABLE users ADD COLUMN phone text; CREATE INDEX ix ON users (phone)")
    middle = track(conn, before)
    conn.execute("DROP INDEX ix; ALTER TABLE users DROP COLUMN phone")
    after = track(conn, middle)
    assert diff(*narrowed(before, after)) == []
    assert diff(*narrowed(before, middle)) == ["column users.phone: added", "index ix: added"]


def test_validation_alone_is_told_apart(conn: psycopg.Connection[Any]) -> None:
    conn.execute(f"{USERS}; ALTER TABLE users ADD CONSTRAINT ck CHECK (age > 0) NOT VALID")
    before = track(conn)
    conn.execute("ALTER TABLE users VALIDATE CONSTRAINT ck")
    assert only_validated(*narrowed(before, track(conn, before)))


def test_the_digest_is_the_servers(conn: psycopg.Connection[Any]) -> None:
    conn.execute(f"{USERS}; {MOOD}; {TOUCH}")
    assert track(conn).digest == digest(conn)


def test_the_digest_moves_with_the_schema(conn: psycopg.Connection[Any]) -> None:
    conn.execute(USERS)
    first = digest(conn)
    conn.execute("ALTER TABLE users ALTER age SET NOT NULL")
    assert digest(conn) != first


def test_vacuum_and_analyze_move_no_digest(conn: psycopg.Connection[Any]) -> None:
    conn.execute(f"{USERS}; INSERT INTO users SELECT g, 'x', g FROM generate_series(1, 500) g")
    first = digest(conn)
    conn.execute("VACUUM ANALYZE users")
    assert digest(conn) == first


def test_rows_of_data_move_no_digest(conn: psycopg.Connection[Any]) -> None:
    conn.execute(USERS)
    first = digest(conn)
    conn.execute("INSERT INTO users VALUES (1, 'a', 2); DELETE FROM users")
    assert digest(conn) == first


def test_excluded_tables_stay_out(conn: psycopg.Connection[Any]) -> None:
    conn.execute(f"{USERS}; CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)")
    tracked = track(conn, exclude_tables=frozenset({"alembic_version"}))
    assert tracked.catalog == snapshot(conn, exclude_tables=frozenset({"alembic_version"}))


def test_a_snapshot_of_another_database_is_not_trusted(pg_server: Server) -> None:
    # Two clones each drop a different comment: same counts, same newest rows.
    setup = f"{USERS}; COMMENT ON COLUMN users.email IS 'a'; COMMENT ON COLUMN users.age IS 'b'"
    with ScratchSession(pg_server) as session:
        template = session.create()
        with psycopg.connect(template.url, autocommit=True) as conn:
            conn.execute(setup)
        first, second = session.create(template), session.create(template)
        with psycopg.connect(first.url, autocommit=True) as conn:
            conn.execute("COMMENT ON COLUMN users.email IS NULL")
            tracked = track(conn)
        with psycopg.connect(second.url, autocommit=True) as conn:
            conn.execute("COMMENT ON COLUMN users.age IS NULL")
            assert track(conn, tracked).catalog == snapshot(conn)


def test_a_clone_has_the_digest_of_its_template(pg_server: Server) -> None:
    with ScratchSession(pg_server) as session:
        template = session.create()
        with psycopg.connect(template.url, autocommit=True) as conn:
            conn.execute(f"{USERS}; {MOOD}")
            expected = digest(conn)
        clone = session.create(template)
        with psycopg.connect(clone.url, autocommit=True) as conn:
            assert digest(conn) == expected
