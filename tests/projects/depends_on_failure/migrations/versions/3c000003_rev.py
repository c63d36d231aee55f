"""revision 3c000003

Revision ID: 3c000003
"""

import sqlalchemy as sa
from alembic import op

revision = "3c000003"
down_revision = "3c000001"
depends_on = "3c000002"


def upgrade() -> None:
    op.create_index("ix_parts_id", "parts", ["id"])


def downgrade() -> None:
    op.drop_index("ix_parts_id", table_name="parts")
