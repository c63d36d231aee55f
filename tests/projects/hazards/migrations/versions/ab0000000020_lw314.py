"""add a json column

Revision ID: ab0000000020
Revises: ab0000000019
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000020"
down_revision = 'ab0000000019'


def upgrade() -> None:
    op.add_column("customers", sa.Column("prefs", sa.JSON()))


def downgrade() -> None:
    op.drop_column("customers", "prefs")
