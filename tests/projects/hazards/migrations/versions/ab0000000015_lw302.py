"""drop the archive table

Revision ID: ab0000000015
Revises: ab0000000014
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000015"
down_revision = 'ab0000000014'


def upgrade() -> None:
    op.drop_table("archive")


def downgrade() -> None:
    op.create_table("archive", sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False))
