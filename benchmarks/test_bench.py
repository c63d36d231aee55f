"""Time `lockwise test` against pytest-alembic's built-in tests, at several history lengths.

Generates the growing synthetic history (see history.py: each revision creates a table
with an index and a foreign key, and adds a column, a CHECK and an enum column to an
older table) at each length, and on the same server, in the same run, alternately:

- `lockwise test PROJECT --format json`, data checks on (the default): single head;
  every revision up, down (no trace) and up again; the models against the schema at
  head; rows put in the tables before each revision and checked after each step;
- the same with `--no-data` (the schema checks alone), for reference;
- pytest-alembic 0.13.1's `test_single_head_revision`, `test_upgrade`,
  `test_model_definitions_match_ddl`, `test_up_down_consistency` and the experimental
  `test_downgrade_leaves_no_trace`, in one pytest run, each test on its own database.

Both tools create and drop their databases inside the timing: lockwise its scratch
databases, and for pytest-alembic the five databases are created before pytest starts
and dropped after it ends, within the timed span. Each figure is the median of `--runs`
runs. pytest-alembic 0.13 does not collect under pytest 9, so it runs from its own venv
with pytest 8, built once in benchmarks/.work/pytest-alembic-venv.

    python benchmarks/test_bench.py [--revisions 50,100,200] [--runs 3] [--lockwise PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from history import write_project
from timing import console_script, load, median

from lockwise.database.scratch import ScratchDatabase, create_database, drop_database
from lockwise.database.server import Server, open_server
from lockwise.urls import sqlalchemy_url

TARGET_RATIO = 10.0  # pytest-alembic / lockwise at the longest history
TARGET_SCALING = 4.6  # lockwise at the longest history / at the shortest (4x the revisions)
VENV = Path(__file__).resolve().parent / ".work" / "pytest-alembic-venv"
REQUIREMENTS = ["pytest<9", "pytest-alembic==0.13.1", "sqlalchemy", "alembic", "psycopg[binary]"]
TESTS = (
    "test_single_head_revision",
    "test_upgrade",
    "test_model_definitions_match_ddl",
    "test_up_down_consistency",
    "test_downgrade_leaves_no_trace",
)
NO_TRACE = "test_downgrade_leaves_no_trace"
URLS_ENV, INI_ENV = "BENCH_ALEMBIC_URLS", "BENCH_ALEMBIC_INI"

CONFTEST = f'''import json
import os

import pytest
import sqlalchemy


@pytest.fixture
def alembic_config():
    return {{"file": os.environ["{INI_ENV}"]}}


@pytest.fixture
def alembic_engine(request):
    engine = sqlalchemy.create_engine(json.loads(os.environ["{URLS_ENV}"])[request.node.name])
    yield engine
    engine.dispose()
'''

TEST_MODULE = f"""from pytest_alembic.tests import (
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from pytest_alembic.tests.experimental import test_downgrade_leaves_no_trace

__all__ = {list(TESTS)!r}
"""

DURATION = re.compile(r"^\s*(?P<s>[\d.]+)s\s+call\s+\S*::(?P<test>\w+)", re.MULTILINE)


@dataclass
class Figures:
    """The runs measured at one history length."""

    revisions: int
    lockwise: list[float] = field(default_factory=list)
    schema_only: list[float] = field(default_factory=list)
    pytest_alembic: list[float] = field(default_factory=list)
    tests: list[dict[str, float]] = field(default_factory=list)

    def test_median(self, test: str) -> float:
        """The median seconds of one pytest-alembic test (its call phase)."""
        return median([run.get(test, float("nan")) for run in self.tests])


def venv_bin(name: str) -> Path:
    """Return a program of the pytest-alembic venv."""
    return VENV / "bin" / name


def ensure_venv() -> None:
    """Create the pytest-alembic venv unless a previous run left it in place."""
    if venv_bin("pytest").exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(venv_bin("python")), "-m", "pip", "install", "-q", *REQUIREMENTS]
    subprocess.run(pip, check=True)


def time_lockwise(lockwise: str, project: Path, *options: str) -> float:
    """Seconds of one `lockwise test`; exits unless it passed."""
    argv = [lockwise, "test", str(project), "--format", "json", *options]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0 or not json.loads(done.stdout)["ok"]:
        sys.exit(f"lockwise test failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return seconds


def write_pytest_project(folder: Path) -> None:
    """Write the tiny pytest project that runs the built-in tests."""
    (folder / "pytest.ini").write_text("[pytest]\n")
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "test_builtin.py").write_text(TEST_MODULE)


def time_pytest_alembic(
    server: Server, project: Path, folder: Path
) -> tuple[float, dict[str, float]]:
    """Create a database per test, run pytest, drop them: seconds of it all, and per test."""
    databases: dict[str, ScratchDatabase] = {}
    start = time.perf_counter()
    try:
        for test in TESTS:
            databases[test] = create_database(server)
        urls = {test: sqlalchemy_url(db.url, "psycopg") for test, db in databases.items()}
        env = {**os.environ, URLS_ENV: json.dumps(urls), INI_ENV: str(project / "alembic.ini")}
        argv = [
            str(venv_bin("pytest")),
            "-p",
            "no:cacheprovider",
            "-q",
            "--durations=0",
            "--durations-min=0",
        ]
        done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True)
    finally:
        for database in databases.values():
            drop_database(server, database.name)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"pytest-alembic failed:\n{done.stdout[-4000:]}{done.stderr[-2000:]}")
    return seconds, {m["test"]: float(m["s"]) for m in DURATION.finditer(done.stdout)}


def measure(server: Server, lockwise: str, figures: Figures, project: Path, folder: Path) -> None:
    """One run of each contender, one after the other."""
    figures.lockwise.append(time_lockwise(lockwise, project))
    figures.schema_only.append(time_lockwise(lockwise, project, "--no-data"))
    total, tests = time_pytest_alembic(server, project, folder)
    figures.pytest_alembic.append(total)
    figures.tests.append(tests)
    # A run of pytest-alembic at 200 revisions takes minutes: say where the run is.
    print(
        f"{figures.revisions} revisions: lockwise test {figures.lockwise[-1]:.2f} s,"
        f" --no-data {figures.schema_only[-1]:.2f} s, pytest-alembic {total:.2f} s",
        file=sys.stderr,
        flush=True,
    )


def report(rows: list[Figures], runs: int) -> str:
    """Return the side-by-side table, the ratios and the PASS/MISS lines."""
    lines = [
        f"growing linear history, same server, same run; median of {runs} runs; {load()}",
        f"{'revisions':>9} {'lockwise test':>14} {'--no-data':>10} {'pytest-alembic':>15}"
        f" {'of which no-trace':>18} {'ratio':>7}",
    ]
    for row in rows:
        ours, theirs = median(row.lockwise), median(row.pytest_alembic)
        lines.append(
            f"{row.revisions:>9} {ours:>12.2f} s {median(row.schema_only):>8.2f} s"
            f" {theirs:>13.2f} s {row.test_median(NO_TRACE):>16.2f} s {theirs / ours:>6.1f}x"
        )
    lines.append("pytest-alembic per test at the longest history (call phase, median):")
    for test in TESTS:
        lines.append(f"  {test:36}{rows[-1].test_median(test):>8.2f} s")
    first, last = rows[0], rows[-1]
    growth = last.revisions / first.revisions
    scaling = median(last.lockwise) / median(first.lockwise)
    schema_only = median(last.schema_only) / median(first.schema_only)
    theirs = last.test_median(NO_TRACE) / first.test_median(NO_TRACE)
    lines.append(
        f"growth from {first.revisions} to {last.revisions} revisions ({growth:.0f}x):"
        f" lockwise test {scaling:.2f}x (--no-data {schema_only:.2f}x);"
        f" pytest-alembic's no-trace test {theirs:.2f}x"
        f" (linear {growth:.0f}x, square {growth**2:.0f}x)"
    )
    ratio = median(last.pytest_alembic) / median(last.lockwise)
    lines.append(
        _verdict(
            ratio >= TARGET_RATIO,
            f"pytest-alembic / lockwise = {ratio:.1f}x (target >= {TARGET_RATIO:.0f}x)",
        )
    )
    lines.append(
        _verdict(
            scaling <= TARGET_SCALING,
            f"lockwise scaling {scaling:.2f}x (target <= {TARGET_SCALING}x)",
        )
    )
    lines.append(
        "checked: lockwise - single head, up/down/up per revision, no trace (catalog), models"
        " vs schema at head, data kept by each step; pytest-alembic - single head, upgrade"
        " base to head, models vs schema at head, up/down per revision, no trace (autogenerate"
        " compare before and after each downgrade)"
    )
    return "\n".join(lines)


def _verdict(passed: bool, text: str) -> str:
    return f"{'PASS' if passed else 'MISS'}: {text}"


def main() -> None:
    """Parse the command line, generate the histories, run both tools and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--revisions", default="50,100,200", help="history lengths, ascending")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--lockwise", default=console_script("lockwise"), help="the lockwise to time"
    )
    args = parser.parse_args()
    lengths = [int(n) for n in args.revisions.split(",")]
    ensure_venv()
    server = open_server()
    rows = [Figures(n) for n in lengths]
    with tempfile.TemporaryDirectory(prefix="lockwise-history-") as tmp:
        folder = Path(tmp) / "pytest"
        folder.mkdir()
        write_pytest_project(folder)
        projects = [write_project(Path(tmp) / f"h{n}", n, shape="growing") for n in lengths]
        for _ in range(args.runs):
            for row, project in zip(rows, projects, strict=True):
                measure(server, args.lockwise, row, project, folder)
    print(f"PostgreSQL {server.version()}")
    print(report(rows, args.runs))


if __name__ == "__main__":
    main()
