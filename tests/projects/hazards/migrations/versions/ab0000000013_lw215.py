"""trigger on orders

Revision ID: ab0000000013
Revises: ab0000000012
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000013"
down_revision = 'ab0000000012'


def upgrade() -> None:
    op.execute("CREATE TRIGGER trg_orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch()")


def downgrade() -> None:
    op.execute("DROP TRIGGER trg_orders_touch ON orders")
