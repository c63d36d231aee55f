"""Time `catalog.snapshot()` against SQLAlchemy's `MetaData().reflect()` on 1,000 tables.

Builds a synthetic schema (10 columns, 2 indexes and 1 foreign key per table) in a
fresh database, times both readers, prints them side by side and drops the database.

    python benchmarks/catalog_bench.py [--url URL] [--tables N] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics

import psycopg
from sqlalchemy import MetaData, create_engine
from timing import time_runs

from lockwise.database.catalog import snapshot
from lockwise.database.scratch import scratch_database
from lockwise.database.server import open_server
from lockwise.urls import sqlalchemy_url


def table_ddl(index: int) -> str:
    """Return the DDL of table `index`: 10 columns, 2 indexes, 1 foreign key."""
    name, parent = f"t{index:04d}", f"t{max(index - 1, 0):04d}"
    return f"""
        CREATE TABLE {name} (
            id bigint PRIMARY KEY, parent_id bigint REFERENCES {parent} (id),
            name text NOT NULL, email varchar(200), created_at timestamptz DEFAULT now(),
            amount numeric(12, 2), active boolean DEFAULT true, payload jsonb,
            note text, score integer);
        CREATE INDEX ix_{name}_created_at ON {name} (created_at);
        CREATE INDEX ix_{name}_email ON {name} (lower(email));"""


TARGET_S = 1.0


def build_schema(url: str, tables: int) -> None:
    """Create the synthetic tables in the database at `url`, in one transaction."""
    with psycopg.connect(url) as conn:
        conn.execute("".join(table_ddl(index) for index in range(tables)))


def time_snapshot(url: str, runs: int) -> list[float]:
    """Time `snapshot()` on one connection, as lockwise uses it."""
    with psycopg.connect(url, autocommit=True) as conn:
        return time_runs(lambda: snapshot(conn), runs)


def time_reflect(url: str, runs: int) -> list[float]:
    """Time `MetaData().reflect(engine)` on a pooled psycopg engine."""
    engine = create_engine(sqlalchemy_url(url, "psycopg"))
    try:
        return time_runs(lambda: MetaData().reflect(engine), runs)
    finally:
        engine.dispose()


def report(tables: int, lockwise: list[float], sqlalchemy: list[float]) -> str:
    """Return the side-by-side table of best and median times and their ratio."""
    rows = [("lockwise snapshot()", lockwise), ("SQLAlchemy reflect()", sqlalchemy)]
    lines = [f"{tables} tables, 10 columns, 2 indexes, 1 foreign key each"]
    lines.append(f"{'':24}{'best':>10}{'median':>10}")
    for label, seconds in rows:
        lines.append(f"{label:24}{min(seconds):>9.3f}s{statistics.median(seconds):>9.3f}s")
    ratio = statistics.median(sqlalchemy) / statistics.median(lockwise)
    lines.append(f"snapshot is {ratio:.1f}x faster (median)")
    best = min(lockwise)
    verdict = "PASS" if best <= TARGET_S else "MISS"
    lines.append(f"{verdict}: snapshot best {best:.3f} s (target <= {TARGET_S:.0f} s)")
    return "\n".join(lines)


def run(url: str | None, tables: int, runs: int) -> str:
    """Build the schema in a scratch database, time both readers; the database is dropped."""
    with scratch_database(open_server(url)) as database:
        build_schema(database.url, tables)
        return report(tables, time_snapshot(database.url, runs), time_reflect(database.url, runs))


def main() -> None:
    """Parse the command line and print the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--url", help="server to use (default: $LOCKWISE_DATABASE_URL, else the embedded one)"
    )
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(run(args.url, args.tables, args.runs))


if __name__ == "__main__":
    main()
