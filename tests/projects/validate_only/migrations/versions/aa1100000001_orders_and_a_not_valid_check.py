"""orders, with a CHECK added NOT VALID

Revision ID: aa1100000001
Revises:
"""

from alembic import op

revision = "aa1100000001"
down_revision = None


def upgrade() -> None:
    op.execute("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)")
    op.execute("INSERT INTO orders SELECT g, g FROM generate_series(1, 10) g")
    op.execute("ALTER TABLE orders ADD CONSTRAINT ck_orders_total CHECK (total >= 0) NOT VALID")


def downgrade() -> None:
    op.execute("DROP TABLE orders")
