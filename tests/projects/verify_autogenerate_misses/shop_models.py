"""The shop models, changed after the migrations: `currency` defaults to EUR now, and
orders can be `paid`. No revision was written for either."""

import sqlalchemy as sa

metadata = sa.MetaData()

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column(
        "status",
        sa.Enum("new", "paid", "shipped", name="order_status"),
        nullable=False,
        server_default="new",
    ),
    sa.Column("currency", sa.Text, nullable=False, server_default="EUR"),
)
