"""index events.kind concurrently

Revision ID: 3d4e5f6a0003
Revises: 3d4e5f6a0002
"""

from alembic import op

revision = "3d4e5f6a0003"
down_revision = "3d4e5f6a0002"


def upgrade():
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_events_kind", "events", ["kind"], postgresql_concurrently=True, if_not_exists=True
        )


def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index(
            "ix_events_kind", table_name="events", postgresql_concurrently=True, if_exists=True
        )
