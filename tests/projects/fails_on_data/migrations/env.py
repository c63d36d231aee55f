"""Online-only env.py; the head schema is declared inline, no models module."""

import sqlalchemy as sa
from alembic import context

target_metadata = sa.MetaData()
sa.Table(
    "users",
    target_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(40), nullable=False, unique=True),
    sa.Column("nickname", sa.String(40), nullable=False),
    sa.Column("tier", sa.String(20), nullable=False),
    sa.Column("settings", sa.Text()),
    sa.Column("theme", sa.Text()),
    sa.UniqueConstraint("email", name="uq_users_email"),
)

config = context.config
section = config.get_section(config.config_ini_section, {})
engine = sa.engine_from_config(section, prefix="sqlalchemy.", poolclass=sa.pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
