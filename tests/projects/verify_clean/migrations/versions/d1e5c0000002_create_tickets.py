"""create tickets

Revision ID: d1e5c0000002
Revises: d1e5c0000001
"""

import sqlalchemy as sa
from alembic import op

revision = "d1e5c0000002"
down_revision = "d1e5c0000001"


def upgrade():
    op.create_table(
        "tickets",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("customer_id", sa.BigInteger, nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "pending", "closed", name="ticket_status"),
            server_default="open",
            nullable=False,
        ),
        sa.Column("priority", sa.Integer, server_default="3", nullable=False),
        sa.CheckConstraint("priority BETWEEN 1 AND 5", name="priority_range"),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name="fk_tickets_customer_id_customers",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tickets"),
    )
    op.create_index(
        "ix_tickets_open_by_customer",
        "tickets",
        ["customer_id"],
        postgresql_where=sa.text("status <> 'closed'"),
    )


def downgrade():
    op.drop_table("tickets")
    sa.Enum(name="ticket_status").drop(op.get_bind())
