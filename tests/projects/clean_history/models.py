"""The models of the clean_history project: what the schema looks like at head."""

import sqlalchemy as sa

metadata = sa.MetaData()

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(255), nullable=False),
    sa.Column("display_name", sa.String(100)),
    sa.Index("ix_accounts_email", "email"),
)
