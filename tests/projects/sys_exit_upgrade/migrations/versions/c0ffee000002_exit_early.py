"""exit early

Revision ID: c0ffee000002
Revises: c0ffee000001
"""

import sys

import sqlalchemy as sa
from alembic import op

revision = "c0ffee000002"
down_revision = "c0ffee000001"


def upgrade():
    sys.exit(0)
    op.add_column("notes", sa.Column("body", sa.Text))


def downgrade():
    op.drop_column("notes", "body")
