"""Online-only env.py; the enum column is declared inline so the head has no drift."""

import sqlalchemy as sa
from alembic import context

target_metadata = sa.MetaData()
sa.Table("queues", target_metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table(
    "tickets",
    target_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("queue_id", sa.ForeignKey("queues.id"), nullable=False),
    sa.Column("status", sa.Enum("open", "closed", name="ticket_status"), nullable=False),
)

config = context.config
options = config.get_section(config.config_ini_section, {})
with sa.engine_from_config(
    options, prefix="sqlalchemy.", poolclass=sa.pool.NullPool
).connect() as conn:
    context.configure(
        connection=conn,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()
