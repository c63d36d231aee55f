"""Online-only env.py; functions and triggers are invisible to autogenerate."""

import sqlalchemy as sa
from alembic import context

target_metadata = sa.MetaData()
sa.Table(
    "documents",
    target_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
)

config = context.config
url = config.get_main_option("sqlalchemy.url")
engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()
