"""create plans

Revision ID: b7e1d2c30001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e1d2c30001"
down_revision = None


def upgrade():
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("price", sa.Numeric(10, 2)),
        sa.Column("launched_on", sa.Date),
    )


def downgrade():
    op.drop_table("plans")
