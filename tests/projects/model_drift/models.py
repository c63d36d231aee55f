"""The model_drift models: `nickname` was added here, and no migration was written for it."""

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

metadata = MetaData()

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False),
    Column("joined_at", DateTime(timezone=True)),
    Column("nickname", String(40)),
)
