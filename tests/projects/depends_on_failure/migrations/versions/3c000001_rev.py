"""revision 3c000001

Revision ID: 3c000001
"""

import sqlalchemy as sa
from alembic import op

revision = "3c000001"
down_revision = None
branch_labels = None


def upgrade() -> None:
    op.create_table("parts", sa.Column("id", sa.BigInteger(), primary_key=True))


def downgrade() -> None:
    op.drop_table("parts")
