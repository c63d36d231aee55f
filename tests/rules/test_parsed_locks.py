"""Static mode's lock table agrees with what PostgreSQL takes, statement by statement.

Plain SQL is reviewed without a server, so LW401, LW402, LW403 and LW203 read each
statement's lock from `parsed_locks`. Each case here runs on the server too, and the
strongest lock it measured on each table must be the one the table says.
"""

from __future__ import annotations

import pglast
import pytest

from lockwise.capture.facts import LOCK_MODES
from lockwise.review.examples import ExampleRunner
from lockwise.rules._parsed_locks import parsed_locks
from lockwise.rules.base import Example

SETUP = (
    "CREATE TABLE users (id bigint PRIMARY KEY, email text, n int);"
    " CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int,"
    " CONSTRAINT ck_total CHECK (total > 0) NOT VALID);"
    " CREATE INDEX ix_orders_total ON orders (total);"
    " CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';"
    " CREATE TRIGGER tr_orders BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION noop();"
    " CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);"
    " CREATE TABLE events_2025 (id bigint, at date);"
    " CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
)

CASES = [
    "ALTER TABLE orders ADD COLUMN note text",
    "ALTER TABLE orders ALTER COLUMN total SET NOT NULL",
    "ALTER TABLE orders VALIDATE CONSTRAINT ck_total",
    "ALTER TABLE orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id)"
    " NOT VALID",
    "ALTER TABLE orders ALTER COLUMN total SET STATISTICS 500",
    "ALTER TABLE orders ALTER COLUMN total SET (n_distinct = 100)",
    "ALTER TABLE orders SET (fillfactor = 70)",
    "ALTER TABLE orders CLUSTER ON ix_orders_total",
    "ALTER TABLE orders DISABLE TRIGGER tr_orders",
    "ALTER TABLE orders ENABLE TRIGGER tr_orders",
    "ALTER TABLE orders SET WITHOUT CLUSTER",
    "ALTER TABLE orders VALIDATE CONSTRAINT ck_total, ADD COLUMN flag boolean",
    "ALTER TABLE events ATTACH PARTITION events_2025"
    " FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
    "ALTER TABLE events DETACH PARTITION events_2024",
    "CREATE INDEX ix_users_email ON users (email)",
    "CREATE TABLE items (id bigint, user_id bigint REFERENCES users (id))",
    "CREATE TABLE lines (id bigint, order_id bigint, FOREIGN KEY (order_id) REFERENCES orders)",
    "ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id)",
    "CREATE TRIGGER tr_users BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION noop()",
    "TRUNCATE orders",
    "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE",
    "REINDEX TABLE users",
    "CLUSTER orders USING ix_orders_total",
]


@pytest.mark.parametrize("sql", CASES)
def test_the_parsed_lock_is_the_measured_one(examples: ExampleRunner, sql: str) -> None:
    example = Example(setup=SETUP, upgrade=f"op.execute({sql!r})")
    statement = examples.run(example).statements[-1]
    parsed = parsed_locks(pglast.parse_sql(sql)[0].stmt)
    assert parsed, sql
    for lock in parsed:
        measured = [k.mode for k in statement.captured.locks if k.relation == lock.relation]
        strongest = max(measured, key=LOCK_MODES.index, default="none")
        assert (lock.relation, lock.mode) == (lock.relation, strongest), sql
