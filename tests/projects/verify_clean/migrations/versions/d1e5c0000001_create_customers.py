"""create customers

Revision ID: d1e5c0000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "d1e5c0000001"
down_revision = None


def upgrade():
    op.create_table(
        "customers",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("email", sa.Text, nullable=False, comment="where replies go"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
        comment="people who write to support",
    )
    op.create_index(
        "ix_customers_email_lower", "customers", [sa.text("lower(email)")], unique=True
    )


def downgrade():
    op.drop_table("customers")
