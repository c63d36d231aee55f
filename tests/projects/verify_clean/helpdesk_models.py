"""The helpdesk models: what the schema of verify_clean looks like at head."""

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("email", sa.Text, nullable=False, comment="where replies go"),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    ),
    comment="people who write to support",
)
sa.Index("ix_customers_email_lower", sa.func.lower(customers.c.email), unique=True)

tickets = sa.Table(
    "tickets",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column(
        "customer_id",
        sa.BigInteger,
        sa.ForeignKey("customers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "status",
        sa.Enum("open", "pending", "closed", name="ticket_status"),
        nullable=False,
        server_default="open",
    ),
    sa.Column("priority", sa.Integer, nullable=False, server_default="3"),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint("priority BETWEEN 1 AND 5", name="priority_range"),
)
sa.Index(
    "ix_tickets_open_by_customer",
    tickets.c.customer_id,
    postgresql_where=tickets.c.status != "closed",
)
