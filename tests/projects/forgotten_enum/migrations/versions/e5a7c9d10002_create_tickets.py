"""create tickets with a status enum

Revision ID: e5a7c9d10002
Revises: e5a7c9d10001
"""

import sqlalchemy as sa
from alembic import op

revision = "e5a7c9d10002"
down_revision = "e5a7c9d10001"


def upgrade():
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("queue_id", sa.Integer, sa.ForeignKey("queues.id"), nullable=False),
        sa.Column("status", sa.Enum("open", "closed", name="ticket_status"), nullable=False),
    )


def downgrade():
    # Forgets sa.Enum(name="ticket_status").drop(op.get_bind()).
    op.drop_table("tickets")
