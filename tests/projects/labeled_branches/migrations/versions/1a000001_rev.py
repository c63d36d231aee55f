"""revision 1a000001

Revision ID: 1a000001
"""

import sqlalchemy as sa
from alembic import op

revision = "1a000001"
down_revision = None



def upgrade() -> None:
    op.create_table("items", sa.Column("id", sa.BigInteger(), primary_key=True))


def downgrade() -> None:
    op.drop_table("items")
