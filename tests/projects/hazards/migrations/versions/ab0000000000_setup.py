"""create the tables

Revision ID: ab0000000000
Revises: None
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000000"
down_revision = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE customers (id bigint PRIMARY KEY, email text);"
        "INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 200) g;"
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric,"
        " legacy text, old_name text);"
        "INSERT INTO orders SELECT g, g, g, 'x', 'y' FROM generate_series(1, 200) g;"
        "CREATE INDEX ix_orders_legacy ON orders (legacy);"
        "CREATE TABLE archive (id bigint PRIMARY KEY);"
        "INSERT INTO archive SELECT generate_series(1, 50);"
        "CREATE TABLE notes (id bigint PRIMARY KEY);"
        "CREATE TABLE logs (id bigint PRIMARY KEY);"
        "CREATE TYPE order_state AS ENUM ('new', 'paid');"
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;"
    )


def downgrade() -> None:
    op.execute("DROP TABLE customers, orders, archive, notes, logs; DROP TYPE order_state; DROP FUNCTION touch()")
