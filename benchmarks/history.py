"""Generate a synthetic Alembic project: a linear history, in one of two shapes.

- `fixed` (the default): mixed DDL cycling over 20 tables, so the schema stays small;
- `growing`: each revision creates a table with an index and a foreign key to the
  previous one, and adds a column, a CHECK and an enum-typed column (its enum type
  created too) to an older table, so the schema grows with the history. Its project
  also carries the models of the head schema (`bench_models.py`, env.py's
  `target_metadata`), so model-vs-schema checks have something to compare.

Used by the benchmarks: `python benchmarks/history.py DEST --revisions 200 [--shape growing]`.
Every downgrade truly reverses its upgrade, so `lockwise test` passes it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

TABLES = 20

ALEMBIC_INI = """[alembic]
script_location = %(here)s/migrations
sqlalchemy.url = postgresql+psycopg://postgres@localhost/bench

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
"""

ENV_PY = """from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlalchemy.engine import Connection

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)
target_metadata = None


def run_migrations(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # Alembic's cookbook recipe: a caller (pytest-alembic, a test) may hand in an engine
    # or a connection through config.attributes; otherwise build one from sqlalchemy.url.
    connectable = config.attributes.get("connection", None)
    if isinstance(connectable, Connection):
        run_migrations(connectable)
        return
    if connectable is None:
        connectable = engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
    with connectable.connect() as connection:
        run_migrations(connection)


def run_migrations_offline() -> None:
    # `alembic upgrade --sql`: render the SQL from the URL's dialect, with no database.
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
"""

# Alembic's generic template as `alembic init` writes it: the URL, and nothing else.
PLAIN_ENV_PY = """from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

connectable = engine_from_config(
    config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
"""

REVISION = '''"""{message}

Revision ID: {rev}
Revises: {down}
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "{rev}"
down_revision = {down_repr}
branch_labels = None
depends_on = None


def upgrade() -> None:
{upgrade}


def downgrade() -> None:
{downgrade}
'''


def _create(table: str) -> tuple[str, str, str]:
    up = (
        f'    op.create_table("{table}", sa.Column("id", sa.BigInteger(), sa.Identity(), '
        f'primary_key=True), sa.Column("name", sa.Text(), nullable=False), '
        f'sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()")))'
    )
    return f"create {table}", up, f'    op.drop_table("{table}")'


def _step(index: int) -> tuple[str, str, str]:
    """The DDL of revision `index` (0-based): create the tables, then cycle through kinds."""
    if index < TABLES:
        return _create(f"t{index}")
    table, n = f"t{index % TABLES}", index
    kind = (index // TABLES - 1) % 5
    if kind == 0:
        up = f'    op.add_column("{table}", sa.Column("c{n}", sa.Integer(), nullable=True))'
        return f"add {table}.c{n}", up, f'    op.drop_column("{table}", "c{n}")'
    if kind == 1:
        up = f'    op.create_index("ix_{table}_{n}", "{table}", ["name"])'
        return (
            f"index {table}.name",
            up,
            f'    op.drop_index("ix_{table}_{n}", table_name="{table}")',
        )
    if kind == 2:
        check = f"length(name) < {n + 100}"
        up = f'    op.create_check_constraint("ck_{table}_{n}", "{table}", "{check}")'
        down = f'    op.drop_constraint("ck_{table}_{n}", "{table}", type_="check")'
        return f"check on {table}", up, down
    if kind == 3:
        up = (
            f'    op.add_column("{table}", sa.Column("v{n}", sa.String(20), nullable=True))\n'
            f'    op.alter_column("{table}", "v{n}", type_=sa.String(40))'
        )
        return f"add and widen {table}.v{n}", up, f'    op.drop_column("{table}", "v{n}")'
    up = f"    op.execute(\"COMMENT ON COLUMN {table}.c{n - 4 * TABLES} IS 'rev {n}'\")"
    down = f'    op.execute("COMMENT ON COLUMN {table}.c{n - 4 * TABLES} IS NULL")'
    return f"comment {table}.c{n - 4 * TABLES}", up, down


def _grow(index: int) -> tuple[str, str, str]:
    """The DDL of revision `index` of the growing shape: a new table, and more on an older one."""
    table = f"g{index}"
    parent = f', sa.Column("parent_id", sa.BigInteger(), sa.ForeignKey("g{index - 1}.id"))'
    up = [
        f'    op.create_table("{table}", sa.Column("id", sa.BigInteger(), sa.Identity(), '
        f'primary_key=True), sa.Column("name", sa.Text(), nullable=False), '
        f'sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"))'
        f"{parent if index else ''})",
        f'    op.create_index("ix_{table}_name", "{table}", ["name"])',
    ]
    down = [
        f'    op.drop_index("ix_{table}_name", table_name="{table}")',
        f'    op.drop_table("{table}")',
    ]
    if index:
        older = f"g{index // 2}"
        enum = f'postgresql.ENUM("on", "off", name="e{index}", create_type=False)'
        up += [
            f'    op.add_column("{older}", sa.Column("c{index}", sa.Integer(), nullable=True))',
            f'    op.create_check_constraint("ck_{older}_c{index}", "{older}", "c{index} >= 0")',
            f"    op.execute(\"CREATE TYPE e{index} AS ENUM ('on', 'off')\")",
            f'    op.add_column("{older}", sa.Column("s{index}", {enum}, nullable=True))',
        ]
        down = [
            f'    op.drop_column("{older}", "s{index}")',
            f'    op.execute("DROP TYPE e{index}")',
            f'    op.drop_constraint("ck_{older}_c{index}", "{older}", type_="check")',
            f'    op.drop_column("{older}", "c{index}")',
            *down,
        ]
    return f"create {table}", "\n".join(up), "\n".join(down)


# The models of the growing shape's head: what its revisions create, built in a loop.
GROWING_MODELS = """\"\"\"The models of the benchmark history's head schema (growing shape).\"\"\"

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

REVISIONS = {revisions}
metadata = sa.MetaData()
for index in range(REVISIONS):
    columns = [
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False, index=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()")),
    ]
    if index:
        columns.append(sa.Column("parent_id", sa.BigInteger(), sa.ForeignKey(f"g{{index - 1}}.id")))
    for newer in (2 * index, 2 * index + 1):
        if 0 < newer < REVISIONS:
            columns.append(sa.Column(f"c{{newer}}", sa.Integer(), nullable=True))
            columns.append(sa.CheckConstraint(f"c{{newer}} >= 0", name=f"ck_g{{index}}_c{{newer}}"))
            enum = postgresql.ENUM("on", "off", name=f"e{{newer}}", create_type=False)
            columns.append(sa.Column(f"s{{newer}}", enum, nullable=True))
    sa.Table(f"g{{index}}", metadata, *columns, sa.Index(f"ix_g{{index}}_name", "name"))
"""

SHAPES = ("fixed", "growing")


def write_project(
    dest: Path, revisions: int, connection_recipe: bool = True, shape: str = "fixed"
) -> Path:
    """Write the project into `dest` and return it.

    With `connection_recipe`, env.py also takes a connection handed to it in
    `config.attributes` (as pytest-alembic needs); without, it only reads the URL.
    `shape` is `fixed` or `growing` (see the module's docstring).
    """
    versions = dest / "migrations" / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    env_py = ENV_PY if connection_recipe else PLAIN_ENV_PY
    ini = ALEMBIC_INI
    step = _step
    if shape == "growing":
        step = _grow
        env_py = env_py.replace("target_metadata = None\n", "")
        env_py = env_py.replace("target_metadata=None", "target_metadata=target_metadata")
        env_py = env_py.replace(
            "from alembic import context\n",
            "from alembic import context\nfrom bench_models import metadata as target_metadata\n",
        )
        ini = ini.replace("[alembic]\n", "[alembic]\nprepend_sys_path = %(here)s\n")
        (dest / "bench_models.py").write_text(GROWING_MODELS.format(revisions=revisions))
    (dest / "alembic.ini").write_text(ini)
    (dest / "migrations" / "env.py").write_text(env_py)
    down: str | None = None
    for index in range(revisions):
        rev = f"{index + 1:012x}"
        message, up, downgrade = step(index)
        text = REVISION.format(
            message=message,
            rev=rev,
            down=down,
            down_repr=repr(down),
            upgrade=up,
            downgrade=downgrade,
        )
        (versions / f"{rev}_r{index + 1}.py").write_text(text)
        down = rev
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--revisions", type=int, default=200)
    parser.add_argument("--url-only", action="store_true", help="env.py ignores attributes")
    parser.add_argument("--shape", choices=SHAPES, default="fixed")
    args = parser.parse_args()
    print(write_project(args.dest, args.revisions, not args.url_only, args.shape))


if __name__ == "__main__":
    main()
