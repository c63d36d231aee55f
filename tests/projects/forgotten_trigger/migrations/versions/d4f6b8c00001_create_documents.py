"""create documents

Revision ID: d4f6b8c00001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "d4f6b8c00001"
down_revision = None


def upgrade():
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
    )


def downgrade():
    op.drop_table("documents")
