"""truncate notes with cascade

Revision ID: ab0000000019
Revises: ab0000000018
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000019"
down_revision = 'ab0000000018'


def upgrade() -> None:
    op.execute("TRUNCATE notes CASCADE")


def downgrade() -> None:
    pass
