"""revision 2b000001

Revision ID: 2b000001
"""

import sqlalchemy as sa
from alembic import op

revision = "2b000001"
down_revision = None
branch_labels = ("audit",)


def upgrade() -> None:
    op.create_table("audit_log", sa.Column("id", sa.BigInteger(), primary_key=True))


def downgrade() -> None:
    op.drop_table("audit_log")
