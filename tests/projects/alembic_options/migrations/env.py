"""An env.py that needs an -x argument, as multi-tenant setups do."""

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
tenant = context.get_x_argument(as_dictionary=True).get("tenant")
if not tenant:
    raise SystemExit("pass -x tenant=NAME")

engine = engine_from_config(
    config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
)
with engine.connect() as connection:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations(tenant=tenant)
