"""rename logs

Revision ID: ab0000000017
Revises: ab0000000016
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000017"
down_revision = 'ab0000000016'


def upgrade() -> None:
    op.rename_table("logs", "events")


def downgrade() -> None:
    op.rename_table("events", "logs")
