"""Time `lockwise verify --url` against `alembic check` on a 1,000-table schema.

Writes a project into a temporary folder: models of N tables (10 columns, 2 indexes,
one of them on an expression, 1 foreign key each, as catalog_bench.py builds them) and
one revision that creates them. `alembic upgrade head` brings a scratch database to
head (not timed). Then, on that database and the same server, alternating, each run a
separate process as a user starts it:

- `lockwise verify PROJECT --url DB`: the database's whole catalog (one read-only
  transaction) against the models created with `create_all` in a scratch database, plus
  the version table against the head;
- `alembic check`: autogenerate's comparison of the database with the models (tables,
  columns, types, nullability, indexes, unique constraints, foreign keys, comments).

Also timed, once each: the first `lockwise verify --url` (the models' cached snapshot is
cleared first, so it creates them), `lockwise verify PROJECT` without `--url` (the
history is upgraded in a scratch database first), and the floor both tools stand on
(starting Python, importing Alembic and the models).

    python benchmarks/verify_bench.py [--url SERVER] [--tables N] [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import console_script

from lockwise.database.scratch import scratch_database
from lockwise.database.server import open_server
from lockwise.testing.models_catalog import cache_folder
from lockwise.urls import sqlalchemy_url

TARGET_RATIO = 5.0
# What both tools pay before comparing anything: the interpreter, SQLAlchemy and
# Alembic, and the models module.
FLOOR = [sys.executable, "-c", "import alembic.command, alembic.autogenerate, bench_models"]
CHECKED = [
    "checked: lockwise verify: the whole catalog (tables, columns, types, defaults,"
    " identity, constraints and their names, indexes with expressions and predicates,"
    " enum values, sequences, comments, validity) against create_all's, and the"
    " version table against the head",
    "         alembic check: autogenerate's comparison (tables, columns, types,"
    " nullability, indexes, unique constraints, foreign keys, comments; no server"
    " defaults, enum values, check constraints or sequences)",
]

ALEMBIC_INI = """[alembic]
script_location = %(here)s/migrations
prepend_sys_path = .
sqlalchemy.url = {url}

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

ENV_PY = """import sys
from pathlib import Path

from alembic import context
from sqlalchemy import engine_from_config, pool

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_models import metadata

config = context.config
connectable = engine_from_config(
    config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
"""

MODELS = """import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

TABLES = {tables}
metadata = sa.MetaData()


def columns(index):
    parent = f"t{{max(index - 1, 0):04d}}"
    return [
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("parent_id", sa.BigInteger, sa.ForeignKey(f"{{parent}}.id")),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("email", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()")),
        sa.Column("amount", sa.Numeric(12, 2)),
        sa.Column("active", sa.Boolean, server_default=sa.text("true")),
        sa.Column("payload", JSONB),
        sa.Column("note", sa.Text),
        sa.Column("score", sa.Integer),
    ]


for index in range(TABLES):
    table = sa.Table(f"t{{index:04d}}", metadata, *columns(index))
    sa.Index(f"ix_t{{index:04d}}_created_at", table.c.created_at)
    sa.Index(f"ix_t{{index:04d}}_email", sa.func.lower(table.c.email))
"""

REVISION = '''"""create {tables} tables

Revision ID: b0000000000a
Revises:
"""

import sqlalchemy as sa
from alembic import op

from bench_models import TABLES, columns

revision = "b0000000000a"
down_revision = None


def upgrade():
    for index in range(TABLES):
        name = f"t{{index:04d}}"
        op.create_table(name, *columns(index))
        op.create_index(f"ix_{{name}}_created_at", name, ["created_at"])
        op.create_index(f"ix_{{name}}_email", name, [sa.text("lower(email)")])


def downgrade():
    for index in reversed(range(TABLES)):
        op.drop_table(f"t{{index:04d}}")
'''


def write_project(folder: Path, tables: int, url: str) -> Path:
    """Write the project; its alembic.ini points at `url` (for alembic itself)."""
    versions = folder / "migrations" / "versions"
    versions.mkdir(parents=True)
    (folder / "alembic.ini").write_text(ALEMBIC_INI.format(url=url.replace("%", "%%")))
    (folder / "migrations" / "env.py").write_text(ENV_PY)
    (folder / "bench_models.py").write_text(MODELS.format(tables=tables))
    (versions / "b0000000000a_create_tables.py").write_text(REVISION.format(tables=tables))
    return folder


def timed(argv: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run one command to its end; its wall-clock seconds and its result."""
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, done


def checked(seconds: float, done: subprocess.CompletedProcess[str], what: str) -> float:
    """`seconds`, once the run is known to have passed (else the benchmark stops)."""
    if done.returncode != 0:
        sys.exit(f"{what} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return seconds


def run(server_url: str | None, tables: int, runs: int) -> str:
    """Build the schema at head, time the tools alternately; return the report."""
    server = open_server(server_url)
    with (
        tempfile.TemporaryDirectory(prefix="lockwise-verify-bench-") as tmp,
        scratch_database(server) as database,
    ):
        project = write_project(Path(tmp), tables, sqlalchemy_url(database.url, "psycopg"))
        checked(*timed([console_script("alembic"), "upgrade", "head"], project), "alembic upgrade")
        verify = [console_script("lockwise"), "verify", str(project), "--format", "json"]
        commands = {
            "url": ([*verify, "--url", database.url], "lockwise verify --url"),
            "check": ([console_script("alembic"), "check"], "alembic check"),
            "floor": (FLOOR, "importing the models"),
        }
        shutil.rmtree(cache_folder(), ignore_errors=True)  # the first run builds the models
        times = {"cold": [checked(*timed(commands["url"][0], project), "lockwise verify")]}
        times |= {name: [] for name in commands}
        for _ in range(runs):
            for name, (argv, what) in commands.items():
                seconds, done = timed(argv, project)
                times[name].append(checked(seconds, done, what))
        times["scratch"] = [checked(*timed(verify, project), "lockwise verify")]
    return report(tables, runs, times)


def report(tables: int, runs: int, times: dict[str, list[float]]) -> str:
    """The side-by-side figures, the ratio of medians and the PASS/MISS line."""
    rows = [
        ("lockwise verify --url DB", times["url"]),
        ("alembic check", times["check"]),
        ("floor: python, Alembic, the models", times["floor"]),
        ("lockwise verify --url, cold cache", times["cold"]),
        ("lockwise verify (scratch at head)", times["scratch"]),
    ]
    lines = [
        f"{tables} tables (10 columns, 2 indexes, 1 foreign key each), same server, same run;"
        f" median of {runs} alternating runs, each a new process (last two rows: 1 run)",
        f"{'':38}{'best':>9}{'median':>9}",
    ]
    for label, seconds in rows:
        lines.append(f"{label:38}{min(seconds):>8.2f}s{statistics.median(seconds):>8.2f}s")
    lines += CHECKED
    url, check, floor = (statistics.median(times[name]) for name in ("url", "check", "floor"))
    lines.append(f"above the floor both pay: {(check - floor) / (url - floor):.1f}x (medians)")
    ratio = check / url
    verdict = "PASS" if ratio >= TARGET_RATIO else "MISS"
    lines.append(f"{verdict}: lockwise verify --url is {ratio:.1f}x faster (target >= 5x)")
    return "\n".join(lines)


def main() -> None:
    """Parse the command line and print the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--url", help="server to use (default: $LOCKWISE_DATABASE_URL, else the embedded one)"
    )
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(run(args.url, args.tables, args.runs))


if __name__ == "__main__":
    main()
