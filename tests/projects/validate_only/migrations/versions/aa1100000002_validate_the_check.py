"""validate the CHECK on orders

Revision ID: aa1100000002
Revises: aa1100000001
"""

from alembic import op

revision = "aa1100000002"
down_revision = "aa1100000001"


def upgrade() -> None:
    with op.get_context().autocommit_block():
        op.execute("ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_total")


def downgrade() -> None:
    pass
