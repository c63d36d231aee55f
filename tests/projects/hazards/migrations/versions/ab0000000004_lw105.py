"""add a NOT NULL column without default

Revision ID: ab0000000004
Revises: ab0000000003
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000004"
down_revision = 'ab0000000003'


def upgrade() -> None:
    op.add_column("notes", sa.Column("body", sa.Text(), nullable=False))


def downgrade() -> None:
    op.drop_column("notes", "body")
