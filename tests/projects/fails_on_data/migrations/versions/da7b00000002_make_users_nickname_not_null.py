"""make users.nickname not null

Revision ID: da7b00000002
Revises: da7b00000001
"""

import sqlalchemy as sa
from alembic import op

revision = "da7b00000002"
down_revision = "da7b00000001"


def upgrade():
    op.alter_column("users", "nickname", existing_type=sa.String(40), nullable=False)


def downgrade():
    op.alter_column("users", "nickname", existing_type=sa.String(40), nullable=True)
