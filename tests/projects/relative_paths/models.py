import sqlalchemy as sa

metadata = sa.MetaData()

sa.Table(
    "gadgets",
    metadata,
    sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
)
