"""make notes unlogged

Revision ID: ab0000000022
Revises: ab0000000021
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000022"
down_revision = 'ab0000000021'


def upgrade() -> None:
    op.execute("ALTER TABLE notes SET UNLOGGED")


def downgrade() -> None:
    op.execute("ALTER TABLE notes SET LOGGED")
