"""load the staged accounts

Revision ID: e1e1e1000003
Revises: e1e1e1000002
"""

from alembic import op

revision = "e1e1e1000003"
down_revision = "e1e1e1000002"


def upgrade():
    op.execute("INSERT INTO accounts (name) SELECT name FROM handoff")


def downgrade():
    op.execute("DELETE FROM accounts WHERE name = 'first account'")
