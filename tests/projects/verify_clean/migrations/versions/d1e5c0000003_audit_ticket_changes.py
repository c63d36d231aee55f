"""add tickets.closed_at; audit ticket changes

Revision ID: d1e5c0000003
Revises: d1e5c0000002
"""

import sqlalchemy as sa
from alembic import op

revision = "d1e5c0000003"
down_revision = "d1e5c0000002"


def upgrade():
    op.add_column("tickets", sa.Column("closed_at", sa.DateTime(timezone=True)))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("ticket_id", sa.BigInteger, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()")),
    )
    op.execute(
        """
        CREATE FUNCTION log_ticket_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO audit_log (ticket_id) VALUES (NEW.id);
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER trg_tickets_audit AFTER UPDATE ON tickets"
        " FOR EACH ROW EXECUTE FUNCTION log_ticket_change()"
    )


def downgrade():
    op.execute("DROP TRIGGER trg_tickets_audit ON tickets")
    op.execute("DROP FUNCTION log_ticket_change()")
    op.drop_table("audit_log")
    op.drop_column("tickets", "closed_at")
