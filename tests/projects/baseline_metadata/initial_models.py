"""The tables this application creates with `create_all` before Alembic takes over."""

import sqlalchemy as sa

metadata = sa.MetaData()

metrics = sa.Table(
    "metrics",
    metadata,
    sa.Column("key", sa.String(250), primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
)


def create_schema(connection):
    """The same tables, for a baseline that names a callable."""
    metadata.create_all(connection)
