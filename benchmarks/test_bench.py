"""Time `lockwise test` against pytest-alembic's built-in tests on a 200-revision history.

Generates the synthetic history (see history.py), runs `lockwise test PROJECT --format json`
twice (best run counts), then pytest-alembic 0.13.1's `test_upgrade`, `test_up_down_consistency`
and experimental `test_downgrade_leaves_no_trace` on the same project and server. pytest-alembic
0.13 does not collect under pytest 9, so it runs from its own venv with pytest 8, built once in
benchmarks/.work/pytest-alembic-venv. Each pytest-alembic test gets a fresh database, created
before the run and dropped after it, outside the timing.

    python benchmarks/test_bench.py [--revisions N] [--runs N]
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
from pathlib import Path

from history import write_project

from lockwise.database.scratch import ScratchDatabase, create_database, drop_database
from lockwise.database.server import Server, open_server
from lockwise.urls import sqlalchemy_url

TARGET_S = 12.0
VENV = Path(__file__).resolve().parent / ".work" / "pytest-alembic-venv"
REQUIREMENTS = ["pytest<9", "pytest-alembic==0.13.1", "sqlalchemy", "alembic", "psycopg[binary]"]
TESTS = ("test_upgrade", "test_up_down_consistency", "test_downgrade_leaves_no_trace")
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

TEST_MODULE = """from pytest_alembic.tests import test_up_down_consistency, test_upgrade
from pytest_alembic.tests.experimental import test_downgrade_leaves_no_trace

__all__ = ["test_downgrade_leaves_no_trace", "test_up_down_consistency", "test_upgrade"]
"""

DURATION = re.compile(r"^\s*(?P<s>[\d.]+)s\s+call\s+\S*::(?P<test>\w+)", re.MULTILINE)


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


def lockwise_bin() -> str:
    """Return the `lockwise` console script beside the running interpreter."""
    return str(Path(sys.executable).parent / "lockwise")


def time_lockwise(project: Path, runs: int) -> list[float]:
    """Return the wall-clock seconds of `runs` runs of `lockwise test`, checking each passed."""
    seconds = []
    for _ in range(runs):
        argv = [lockwise_bin(), "test", str(project), "--format", "json"]
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True)
        seconds.append(time.perf_counter() - start)
        if done.returncode != 0 or not json.loads(done.stdout)["ok"]:
            sys.exit(f"lockwise test failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return seconds


def write_pytest_project(folder: Path) -> None:
    """Write the tiny pytest project that runs the three built-in tests."""
    (folder / "pytest.ini").write_text("[pytest]\n")
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "test_builtin.py").write_text(TEST_MODULE)


def run_pytest(folder: Path, project: Path, urls: dict[str, str]) -> tuple[float, str]:
    """Run the pytest project; return its wall-clock seconds and its output."""
    env = {**os.environ, URLS_ENV: json.dumps(urls), INI_ENV: str(project / "alembic.ini")}
    argv = [str(venv_bin("pytest")), "-p", "no:cacheprovider", "-q", "--durations=0"]
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"pytest-alembic failed:\n{done.stdout[-4000:]}{done.stderr[-2000:]}")
    return seconds, done.stdout


def time_pytest_alembic(server: Server, project: Path) -> tuple[float, dict[str, float]]:
    """Run the built-in tests, each on its own fresh database; return total and per-test time."""
    databases: dict[str, ScratchDatabase] = {}
    try:
        for test in TESTS:
            databases[test] = create_database(server)
        urls = {test: sqlalchemy_url(db.url, "psycopg") for test, db in databases.items()}
        with tempfile.TemporaryDirectory(prefix="pytest-alembic-bench-") as folder:
            write_pytest_project(Path(folder))
            total, output = run_pytest(Path(folder), project, urls)
    finally:
        for database in databases.values():
            drop_database(server, database.name)
    return total, {m["test"]: float(m["s"]) for m in DURATION.finditer(output)}


def report(
    revisions: int,
    lockwise: list[float],
    url_only: list[float],
    total: float,
    tests: dict[str, float],
) -> str:
    """Return the side-by-side figures, the ratio and the PASS/MISS line."""
    best = min(lockwise)
    lines = [f"{revisions}-revision linear history, same server, same run"]
    lines.append(_lockwise_line("lockwise test (best)", lockwise, revisions))
    lines.append(_lockwise_line("  same, env.py reading the URL only", url_only, revisions))
    lines.append(f"{'pytest-alembic, 3 tests (wall clock)':44}{total:>8.2f} s")
    for test in TESTS:
        lines.append(f"  {test:42}{tests.get(test, float('nan')):>8.2f} s")
    lines.append(f"ratio: pytest-alembic / lockwise = {total / best:.2f}x")
    verdict = "PASS" if best <= TARGET_S else "MISS"
    lines.append(f"{verdict}: lockwise test best {best:.2f} s (target <= {TARGET_S:.0f} s)")
    return "\n".join(lines)


def _lockwise_line(title: str, seconds: list[float], revisions: int) -> str:
    best = min(seconds)
    runs = ", ".join(f"{s:.2f}" for s in seconds)
    return f"{title:44}{best:>8.2f} s  ({runs}; {best / revisions * 1000:.1f} ms/rev)"


def main() -> None:
    """Parse the command line, generate the project, run both tools and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--revisions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    ensure_venv()
    server = open_server()
    with tempfile.TemporaryDirectory(prefix="lockwise-history-") as tmp:
        project = write_project(Path(tmp) / "recipe", args.revisions)
        plain = write_project(Path(tmp) / "plain", args.revisions, connection_recipe=False)
        lockwise = time_lockwise(project, args.runs)
        url_only = time_lockwise(plain, args.runs)
        total, tests = time_pytest_alembic(server, project)
    print(report(args.revisions, lockwise, url_only, total, tests))


if __name__ == "__main__":
    main()
