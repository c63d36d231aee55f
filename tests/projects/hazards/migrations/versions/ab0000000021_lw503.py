"""add a timestamp without time zone

Revision ID: ab0000000021
Revises: ab0000000020
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000021"
down_revision = 'ab0000000020'


def upgrade() -> None:
    op.add_column("customers", sa.Column("seen_at", sa.DateTime()))


def downgrade() -> None:
    op.drop_column("customers", "seen_at")
