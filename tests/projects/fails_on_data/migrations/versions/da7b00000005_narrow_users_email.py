"""narrow users.email

Revision ID: da7b00000005
Revises: da7b00000004
"""

import sqlalchemy as sa
from alembic import op

revision = "da7b00000005"
down_revision = "da7b00000004"


def upgrade():
    op.alter_column("users", "email", type_=sa.String(40), existing_nullable=False)


def downgrade():
    op.alter_column("users", "email", type_=sa.String(200), existing_nullable=False)
