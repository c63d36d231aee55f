"""The model of the head schema: `plans`."""

import sqlalchemy as sa

metadata = sa.MetaData()

plans = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("price", sa.Numeric(10, 2)),
    sa.Column("launched_on", sa.Date),
)
