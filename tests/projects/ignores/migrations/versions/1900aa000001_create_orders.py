"""create orders

Revision ID: 1900aa000001
"""

from alembic import op

revision = "1900aa000001"
down_revision = None


def upgrade() -> None:
    op.execute("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)")
    op.execute("INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g")


def downgrade() -> None:
    op.execute("DROP TABLE orders")
