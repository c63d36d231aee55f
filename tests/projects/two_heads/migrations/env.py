"""Online-only env.py; never reached, since the graph check stops the run first."""

import sqlalchemy as sa
from alembic import context

# What the head would look like once the two branches are merged.
target_metadata = sa.MetaData()
sa.Table(
    "notes",
    target_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(200)),
    sa.Column("pinned", sa.Boolean, server_default=sa.false()),
)

config = context.config
url = config.get_main_option("sqlalchemy.url")
with sa.create_engine(url, poolclass=sa.pool.NullPool).connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
