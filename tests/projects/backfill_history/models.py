"""The schema at head: items with a price and its cents."""

from sqlalchemy import BigInteger, Column, Identity, Integer, MetaData, Table

metadata = MetaData()

Table(
    "items",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("price", Integer, nullable=False),
    Column("cents", Integer),
)
