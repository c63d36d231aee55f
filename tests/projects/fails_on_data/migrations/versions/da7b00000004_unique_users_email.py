"""unique users.email

Revision ID: da7b00000004
Revises: da7b00000003
"""

import sqlalchemy as sa
from alembic import op

revision = "da7b00000004"
down_revision = "da7b00000003"


def upgrade():
    op.create_unique_constraint("uq_users_email", "users", ["email"])


def downgrade():
    op.drop_constraint("uq_users_email", "users", type_="unique")
