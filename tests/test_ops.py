"""lockwise.ops on the real server: each helper run inside an Alembic migration context."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import psycopg
import pytest
import sqlalchemy as sa
from alembic import op
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy.pool import NullPool

from lockwise import ops
from lockwise.urls import sqlalchemy_url

T = TypeVar("T")
Statement = tuple[str, bool]  # the SQL, and whether it ran in autocommit
Lock = tuple[str, str, bool]  # relation, mode, granted
WAIT_S = 10.0


@dataclass
class Database:
    """A scratch database, an engine on it that records statements, and shortcuts."""

    url: str
    engine: sa.Engine
    statements: list[Statement] = field(default_factory=list)

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run `query` in autocommit on a connection of its own; return its rows."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(query, params or None)
            return cursor.fetchall() if cursor.description else []

    def one(self, query: str, *params: Any) -> Any:
        """The single value `query` returns."""
        return self.sql(query, *params)[0][0]

    def migrate(self, upgrade: Callable[[], T]) -> T:
        """Run `upgrade` as Alembic runs a migration: in its context, in a transaction."""
        with self.engine.connect() as conn:
            context = MigrationContext.configure(conn)
            with Operations.context(context), context.begin_transaction():
                return upgrade()

    def ddl(self) -> list[Statement]:
        """The DDL statements run so far, catalog reads and backfill batches left out."""
        verbs = ("ALTER", "CREATE", "DROP")
        return [(sql, auto) for sql, auto in self.statements if sql.startswith(verbs)]

    def batches(self) -> int:
        """How many backfill batches ran."""
        return sum(sql.startswith("WITH lockwise_batch") for sql, _ in self.statements)


@contextmanager
def database(url: str, driver: str = "psycopg", **settings: str) -> Iterator[Database]:
    """A `Database` on `url` through `driver`, its sessions with `settings` (lock_timeout...)."""
    options = " ".join(f"-c {name}={value}" for name, value in settings.items())
    engine = sa.create_engine(
        sqlalchemy_url(url, driver), poolclass=NullPool, connect_args={"options": options}
    )
    db = Database(url, engine)

    @sa.event.listens_for(engine, "before_cursor_execute")
    def record(conn: sa.Connection, cursor: Any, statement: str, *args: Any) -> None:
        autocommit = conn.connection.driver_connection.autocommit  # type: ignore[union-attr]
        db.statements.append((statement.strip(), bool(autocommit)))

    try:
        yield db
    finally:
        engine.dispose()


@pytest.fixture
def db(scratch_url: str) -> Iterator[Database]:
    with database(scratch_url) as db:
        yield db


@pytest.fixture
def version(db: Database) -> int:
    """The server's major version."""
    return int(db.one("SHOW server_version_num")) // 10000


@dataclass
class Probe:
    """What a second session saw while the migration's statement waited behind a blocker."""

    locks: list[Lock] = field(default_factory=list)
    wrote: bool = False
    error: BaseException | None = None


@contextmanager
def probe(db: Database, trigger: str, blocker: str, write: str) -> Iterator[Probe]:
    """When a statement starting with `trigger` is about to run, hold `blocker` (a LOCK
    TABLE) in another session so that it waits; meanwhile read its locks from `pg_locks`
    and try `write` from a third session, then let go."""
    seen = Probe()
    watchers: list[threading.Thread] = []

    def before(conn: sa.Connection, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith(trigger) and not watchers:
            pid = conn.connection.driver_connection.info.backend_pid  # type: ignore[union-attr]
            blocking = psycopg.connect(db.url)
            blocking.execute(blocker)
            watchers.append(threading.Thread(target=_watch, args=(db, pid, blocking, write, seen)))
            watchers[0].start()

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
        for watcher in watchers:
            watcher.join()
    assert watchers, f"no statement started with {trigger!r}"
    if seen.error is not None:
        raise seen.error


def _watch(
    db: Database, pid: int, blocking: psycopg.Connection[Any], write: str, seen: Probe
) -> None:
    try:
        with psycopg.connect(db.url, autocommit=True) as monitor:
            _wait_until_waiting(monitor, pid)
            seen.locks = monitor.execute(
                "SELECT relation::regclass::text, mode, granted FROM pg_locks"
                " WHERE pid = %s AND locktype = 'relation'",
                (pid,),
            ).fetchall()
            monitor.execute("SET lock_timeout = '1s'")
            monitor.execute(write)
            seen.wrote = True
    except BaseException as error:  # handed to the test's thread
        seen.error = error
    finally:
        blocking.rollback()
        blocking.close()


def _wait_until_waiting(monitor: psycopg.Connection[Any], pid: int) -> None:
    deadline = time.monotonic() + WAIT_S
    query = "SELECT EXISTS (SELECT FROM pg_locks WHERE pid = %s AND NOT granted)"
    while monitor.execute(query, (pid,)).fetchone() != (True,):
        if time.monotonic() > deadline:
            raise TimeoutError(f"backend {pid} never waited for a lock")
        time.sleep(0.005)


def _parent_and_child(db: Database) -> None:
    db.sql("CREATE TABLE parent (id int PRIMARY KEY)")
    db.sql("CREATE TABLE child (id int PRIMARY KEY, parent_id int, note text)")
    db.sql("INSERT INTO parent SELECT generate_series(1, 10)")
    db.sql("INSERT INTO child SELECT g, g % 10 + 1 FROM generate_series(1, 100) g")


def _constraint(db: Database, name: str) -> tuple[str, bool] | None:
    rows = db.sql("SELECT contype::text, convalidated FROM pg_constraint WHERE conname = %s", name)
    return (rows[0][0], rows[0][1]) if rows else None


def _index_valid(db: Database, name: str) -> bool | None:
    rows = db.sql(
        "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(quote_ident(%s))", name
    )
    return bool(rows[0][0]) if rows else None


# create_index_concurrently


def test_create_index_concurrently_builds_a_valid_index_in_autocommit(db: Database) -> None:
    db.sql("CREATE TABLE t (id int PRIMARY KEY, v int)")
    db.migrate(lambda: ops.create_index_concurrently("t_v", "t", ["v"]))
    assert db.ddl() == [("CREATE INDEX CONCURRENTLY IF NOT EXISTS t_v ON t (v)", True)]
    assert _index_valid(db, "t_v") is True


def test_create_index_concurrently_inside_an_autocommit_block(db: Database) -> None:
    db.sql("CREATE TABLE t (id int PRIMARY KEY, v int)")

    def inside_a_block() -> None:
        with op.get_context().autocommit_block():
            ops.create_index_concurrently("t_v", "t", ["v"])

    db.migrate(inside_a_block)
    assert _index_valid(db, "t_v") is True


def test_create_index_concurrently_rebuilds_an_invalid_leftover(db: Database) -> None:
    db.sql("CREATE TABLE t (id int PRIMARY KEY, v int)")
    db.sql("INSERT INTO t VALUES (1, 7), (2, 7)")
    with pytest.raises(psycopg.errors.UniqueViolation):
        db.sql("CREATE UNIQUE INDEX CONCURRENTLY t_v ON t (v)")
    assert _index_valid(db, "t_v") is False
    db.sql("DELETE FROM t WHERE id = 2")
    db.migrate(lambda: ops.create_index_concurrently("t_v", "t", ["v"], unique=True))
    assert db.ddl() == [
        ("DROP INDEX CONCURRENTLY IF EXISTS public.t_v", True),
        ("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_v ON t (v)", True),
    ]
    assert _index_valid(db, "t_v") is True


def test_create_index_concurrently_keeps_a_valid_index(db: Database) -> None:
    db.sql("CREATE TABLE t (id int PRIMARY KEY, v int)")
    db.sql("CREATE INDEX t_v ON t (v)")
    oid = db.one("SELECT 't_v'::regclass::oid")
    db.migrate(lambda: ops.create_index_concurrently("t_v", "t", ["v"]))
    assert db.one("SELECT 't_v'::regclass::oid") == oid


def test_create_index_concurrently_lets_writers_in(db: Database) -> None:
    db.sql("CREATE TABLE t (id int PRIMARY KEY, v int)")
    blocker = "LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE"
    with probe(db, "CREATE INDEX CONCURRENTLY", blocker, "INSERT INTO t VALUES (1, 1)") as seen:
        db.migrate(lambda: ops.create_index_concurrently("t_v", "t", ["v"]))
    assert seen.locks == [("t", "ShareUpdateExclusiveLock", False)] and seen.wrote


# add_foreign_key, add_check


def test_add_foreign_key_adds_not_valid_then_validates_in_autocommit(db: Database) -> None:
    _parent_and_child(db)
    db.migrate(lambda: ops.add_foreign_key("fk", "child", "parent", ["parent_id"], ["id"]))
    assert db.ddl() == [
        ("ALTER TABLE child ADD CONSTRAINT fk FOREIGN KEY(parent_id) REFERENCES parent (id)"
         " NOT VALID", False),
        ("ALTER TABLE child VALIDATE CONSTRAINT fk", True),
    ]  # fmt: skip
    assert _constraint(db, "fk") == ("f", True)


def test_add_foreign_key_validation_lets_writers_in(db: Database) -> None:
    _parent_and_child(db)
    blocker = "LOCK TABLE child IN SHARE UPDATE EXCLUSIVE MODE"
    write = "INSERT INTO child VALUES (101, 1)"
    with probe(db, "ALTER TABLE child VALIDATE", blocker, write) as seen:
        db.migrate(lambda: ops.add_foreign_key("fk", "child", "parent", ["parent_id"], ["id"]))
    assert seen.locks == [("child", "ShareUpdateExclusiveLock", False)] and seen.wrote
    assert _constraint(db, "fk") == ("f", True)


def test_add_foreign_key_later_leaves_it_not_valid(db: Database) -> None:
    _parent_and_child(db)
    db.migrate(
        lambda: ops.add_foreign_key(
            "fk", "child", "parent", ["parent_id"], ["id"], validate="later"
        )
    )
    assert [auto for _, auto in db.ddl()] == [False]
    assert _constraint(db, "fk") == ("f", False)


def test_add_foreign_key_rerun_only_validates_the_existing_constraint(db: Database) -> None:
    _parent_and_child(db)
    db.sql(
        "ALTER TABLE child ADD CONSTRAINT fk FOREIGN KEY (parent_id) REFERENCES parent NOT VALID"
    )
    db.migrate(lambda: ops.add_foreign_key("fk", "child", "parent", ["parent_id"], ["id"]))
    assert db.ddl() == [("ALTER TABLE child VALIDATE CONSTRAINT fk", True)]
    assert _constraint(db, "fk") == ("f", True)


def test_add_foreign_key_refuses_an_unknown_validate(db: Database) -> None:
    _parent_and_child(db)
    with pytest.raises(ValueError, match="separately"):
        db.migrate(
            lambda: ops.add_foreign_key("fk", "child", "parent", ["a"], ["id"], validate="now")  # type: ignore[arg-type]
        )


def test_add_check_adds_not_valid_then_validates_in_autocommit(db: Database) -> None:
    _parent_and_child(db)
    db.migrate(lambda: ops.add_check("child_id_positive", "child", "id > 0"))
    assert db.ddl() == [
        ("ALTER TABLE child ADD CONSTRAINT child_id_positive CHECK (id > 0) NOT VALID", False),
        ("ALTER TABLE child VALIDATE CONSTRAINT child_id_positive", True),
    ]
    assert _constraint(db, "child_id_positive") == ("c", True)


# add_not_null


def _nullable_column(db: Database, rows: int = 100) -> None:
    db.sql("CREATE TABLE t (id int PRIMARY KEY, v text)")
    db.sql("INSERT INTO t SELECT g, 'x' FROM generate_series(1, %s) g", rows)


def _nullable(db: Database) -> tuple[bool, str, bool]:
    """(attnotnull, information_schema's is_nullable, SQLAlchemy's reflected nullable)."""
    attnotnull = db.one(
        "SELECT attnotnull FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'v'"
    )
    is_nullable = db.one(
        "SELECT is_nullable FROM information_schema.columns"
        " WHERE table_name = 't' AND column_name = 'v'"
    )
    reflected = {c["name"]: c["nullable"] for c in sa.inspect(db.engine).get_columns("t")}
    return attnotnull, is_nullable, reflected["v"]


def test_add_not_null_makes_the_column_not_null(db: Database, version: int) -> None:
    _nullable_column(db)
    db.migrate(lambda: ops.add_not_null("t", "v"))
    assert _nullable(db) == (True, "NO", False)
    assert (
        db.sql("SELECT FROM pg_constraint WHERE conrelid = 't'::regclass AND contype = 'c'") == []
    )
    assert _constraint(db, "t_v_not_null") == (("n", True) if version >= 18 else None)


def test_add_not_null_statements(db: Database, version: int) -> None:
    _nullable_column(db)
    db.migrate(lambda: ops.add_not_null("t", "v"))
    if version >= 18:
        assert db.ddl() == [
            ("ALTER TABLE t ADD CONSTRAINT t_v_not_null NOT NULL v NOT VALID", False),
            ("ALTER TABLE t VALIDATE CONSTRAINT t_v_not_null", True),
        ]
    else:
        assert db.ddl() == [
            ("ALTER TABLE t ADD CONSTRAINT t_v_not_null CHECK (v IS NOT NULL) NOT VALID", False),
            ("ALTER TABLE t VALIDATE CONSTRAINT t_v_not_null", True),
            ("ALTER TABLE t ALTER COLUMN v SET NOT NULL", False),
            ("ALTER TABLE t DROP CONSTRAINT t_v_not_null", False),
        ]


def test_add_not_null_validation_lets_writers_in(db: Database) -> None:
    _nullable_column(db)
    blocker = "LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE"
    with probe(db, "ALTER TABLE t VALIDATE", blocker, "INSERT INTO t VALUES (0, 'w')") as seen:
        db.migrate(lambda: ops.add_not_null("t", "v"))
    assert seen.locks == [("t", "ShareUpdateExclusiveLock", False)] and seen.wrote


def test_add_not_null_set_not_null_skips_the_scan_before_18(scratch_url: str, version: int) -> None:
    if version >= 18:
        pytest.skip("PostgreSQL 18 validates a NOT NULL constraint instead of SET NOT NULL")
    notices: list[str] = []
    with database(scratch_url, client_min_messages="debug1") as db:
        _nullable_column(db)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn)
            conn.connection.driver_connection.add_notice_handler(  # type: ignore[union-attr]
                lambda diagnostic: notices.append(str(diagnostic.message_primary))
            )
            with Operations.context(context), context.begin_transaction():
                ops.add_not_null("t", "v")
    proof = 'existing constraints on column "t.v" are sufficient to prove that it does not'
    assert f"{proof} contain nulls" in notices


def test_add_not_null_fails_on_a_null_and_leaves_the_column_nullable(db: Database) -> None:
    _nullable_column(db)
    db.sql("UPDATE t SET v = NULL WHERE id = 50")
    with pytest.raises(sa.exc.IntegrityError, match=r"t_v_not_null|contains null values"):
        db.migrate(lambda: ops.add_not_null("t", "v"))
    assert _nullable(db) == (False, "YES", True)
    assert db.sql("SELECT conname FROM pg_constraint WHERE conname = 't_v_not_null'") == []


def test_add_not_null_reuses_a_leftover_constraint(db: Database, version: int) -> None:
    _nullable_column(db)
    leftover = "NOT NULL v" if version >= 18 else "CHECK (v IS NOT NULL)"
    db.sql(f"ALTER TABLE t ADD CONSTRAINT t_v_not_null {leftover} NOT VALID")
    db.migrate(lambda: ops.add_not_null("t", "v"))
    assert not any("ADD CONSTRAINT" in sql for sql, _ in db.ddl())
    assert _nullable(db) == (True, "NO", False)


def test_add_not_null_leaves_a_not_null_column_alone(db: Database) -> None:
    db.sql("CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)")
    db.migrate(lambda: ops.add_not_null("t", "v"))
    assert db.ddl() == []


# add_unique


def test_add_unique_attaches_a_concurrently_built_index(db: Database) -> None:
    _parent_and_child(db)
    db.migrate(lambda: ops.add_unique("child_note_key", "child", ["note", "id"]))
    assert db.ddl() == [
        ("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS child_note_key ON child (note, id)", True),
        ("ALTER TABLE child ADD CONSTRAINT child_note_key UNIQUE USING INDEX child_note_key",
         False),
    ]  # fmt: skip
    assert _constraint(db, "child_note_key") == ("u", True)


def test_add_unique_rerun_does_nothing(db: Database) -> None:
    _parent_and_child(db)
    db.migrate(lambda: ops.add_unique("child_note_key", "child", ["note", "id"]))
    db.statements.clear()
    db.migrate(lambda: ops.add_unique("child_note_key", "child", ["note", "id"]))
    assert db.ddl() == []


# backfill


def _rows_to_backfill(db: Database, rows: int = 2500) -> None:
    db.sql("CREATE TABLE t (id bigint PRIMARY KEY, status text)")
    db.sql("INSERT INTO t SELECT generate_series(1, %s)", rows)


def _xmins(db: Database, last_id: int) -> list[str]:
    rows = db.sql("SELECT xmin::text FROM t WHERE id <= %s ORDER BY id", last_id)
    return [str(row[0]) for row in rows]


def test_backfill_updates_every_row_in_batches(db: Database) -> None:
    _rows_to_backfill(db)
    done = db.migrate(lambda: ops.backfill("t", {"status": "'active'"}, batch_size=1000))
    assert done == 2500 and db.batches() == 3
    assert db.sql("SELECT status, count(*) FROM t GROUP BY status") == [("active", 2500)]
    assert all(auto for sql, auto in db.statements if sql.startswith("WITH"))


def test_backfill_by_default_skips_rows_already_done(db: Database) -> None:
    _rows_to_backfill(db)
    db.sql("UPDATE t SET status = 'active' WHERE id <= 1000")
    before = _xmins(db, 1000)
    assert db.migrate(lambda: ops.backfill("t", {"status": "'active'"})) == 1500
    assert _xmins(db, 1000) == before


def test_backfill_stops_on_lock_timeout_and_a_rerun_resumes(scratch_url: str) -> None:
    with database(scratch_url, lock_timeout="100ms") as db:
        _rows_to_backfill(db)
        with psycopg.connect(scratch_url) as other:
            other.execute("SELECT FROM t WHERE id = 1500 FOR UPDATE")
            with pytest.raises(ops.BackfillStopped, match=r"after 1000 rows .* rerunning"):
                db.migrate(lambda: ops.backfill("t", {"status": "'done'"}, where="status IS NULL"))
        before = _xmins(db, 1000)
        done = db.migrate(lambda: ops.backfill("t", {"status": "'done'"}, where="status IS NULL"))
        assert done == 1500
        assert _xmins(db, 1000) == before
        assert db.one("SELECT count(*) FROM t WHERE status = 'done'") == 2500


def test_backfill_refuses_a_table_without_primary_key(db: Database) -> None:
    db.sql("CREATE TABLE heap (v int)")
    with pytest.raises(ValueError, match="cannot backfill table heap: it has no primary key"):
        db.migrate(lambda: ops.backfill("heap", {"v": "1"}))


def test_backfill_refuses_a_composite_primary_key(db: Database) -> None:
    db.sql("CREATE TABLE pair (a int, b int, v int, PRIMARY KEY (a, b))")
    with pytest.raises(ValueError, match="composite primary key"):
        db.migrate(lambda: ops.backfill("pair", {"v": "1"}))


def test_backfill_shows_progress_on_stderr_when_asked(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _rows_to_backfill(db, rows=10)
    db.migrate(lambda: ops.backfill("t", {"status": "'x'"}, progress=True))
    assert "backfill t: 10 rows" in capsys.readouterr().err


# quoting, on both sync drivers


@pytest.mark.parametrize("driver", ["psycopg", "psycopg2"])
def test_helpers_quote_odd_names(scratch_url: str, driver: str) -> None:
    with database(scratch_url, driver) as db:
        db.sql('CREATE TABLE "odd ""t%:x" (id int PRIMARY KEY, "v:al%" text)')
        db.sql('INSERT INTO "odd ""t%:x" SELECT generate_series(1, 5)')

        def upgrade() -> int:
            done = ops.backfill('odd "t%:x', {"v:al%": "'50%:x'"}, batch_size=2)
            ops.add_not_null('odd "t%:x', "v:al%")
            ops.create_index_concurrently("odd:ix%", 'odd "t%:x', ["v:al%"])
            return done

        assert db.migrate(upgrade) == 5
        assert db.sql('SELECT DISTINCT "v:al%" FROM "odd ""t%:x"') == [("50%:x",)]
        assert _index_valid(db, "odd:ix%") is True
