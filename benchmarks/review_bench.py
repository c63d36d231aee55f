"""Time `lockwise review` against a plain `alembic upgrade head` and an `--sql` + squawk pipeline.

Generates the synthetic history (see history.py; the growing shape by default) and, on the
same server in the same run, one after the other in each round:
`lockwise review PROJECT --format json --fail-on never` under `/usr/bin/time -v` (its
"Maximum resident set size" is the peak memory of the lockwise process; the server is not
counted); `alembic -c INI upgrade head` on a fresh database, created and dropped inside the
timing (as lockwise creates and drops its scratch databases); and one
`alembic upgrade head --sql` piped into one `squawk` (squawk-cli from its own venv, built
once in benchmarks/.work/squawk-venv). Each figure is the median of `--runs` rounds.

What each one checks: lockwise runs every revision up and down on a scratch database,
measures each statement's locks, rewrites and scans, and runs its rules; alembic only
applies the history; squawk lints the offline SQL of the upgrades.

    python benchmarks/review_bench.py [--revisions N] [--runs N] [--shape growing|fixed]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from history import SHAPES, write_project
from timing import console_script, load, median

from lockwise.database.scratch import create_database, drop_database
from lockwise.database.server import Server, open_server
from lockwise.urls import sqlalchemy_url

TARGET_RATIO = 3.0
VENV = Path(__file__).resolve().parent / ".work" / "squawk-venv"
SQUAWK = VENV / "bin" / "squawk"
Report = dict[str, Any]  # lockwise review --format json
PEAK_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


def ensure_squawk() -> None:
    """Create the squawk venv unless a previous run left it in place."""
    if SQUAWK.exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", "squawk-cli==2.70.0"]
    subprocess.run(pip, check=True)


def run_review(project: Path) -> tuple[float, int, Report]:
    """Run `lockwise review` once; return its seconds, peak RSS in KiB and its JSON report."""
    argv = ["/usr/bin/time", "-v", console_script("lockwise"), "review", str(project)]
    start = time.perf_counter()
    done = subprocess.run([*argv, "--format", "json", "--fail-on", "never"], capture_output=True)
    seconds = time.perf_counter() - start
    stderr = done.stderr.decode(errors="replace")
    if done.returncode != 0:
        stdout = done.stdout.decode(errors="replace")
        sys.exit(f"lockwise review exited {done.returncode}:\n{stdout[-4000:]}\n{stderr}")
    peak = PEAK_RSS.search(stderr)
    return seconds, int(peak.group(1)) if peak else -1, json.loads(done.stdout)


def bench_ini(project: Path, url: str) -> Path:
    """Write a copy of the project's alembic.ini that points at `url`; return it."""
    # The copy stays beside the original: script_location is `%(here)s/migrations`.
    text = (project / "alembic.ini").read_text()
    line = "sqlalchemy.url = " + url.replace("%", "%%")
    ini = project / "alembic-bench.ini"
    ini.write_text(re.sub(r"^sqlalchemy\.url = .*$", lambda _: line, text, flags=re.MULTILINE))
    return ini


def time_upgrade(server: Server, project: Path) -> float:
    """Create a database, run `alembic upgrade head` on it, drop it: the seconds of it all."""
    start = time.perf_counter()
    database = create_database(server)
    try:
        ini = bench_ini(project, sqlalchemy_url(database.url, "psycopg"))
        argv = [console_script("alembic"), "-c", str(ini), "upgrade", "head"]
        subprocess.run(argv, check=True, capture_output=True)
    finally:
        drop_database(server, database.name)
    return time.perf_counter() - start


def time_squawk(project: Path) -> tuple[float, int]:
    """Pipe `alembic upgrade head --sql` into squawk; return the seconds and the violations."""
    offline = [console_script("alembic"), "-c", str(project / "alembic.ini"), "upgrade", "head"]
    start = time.perf_counter()
    sql = subprocess.run([*offline, "--sql"], check=True, capture_output=True).stdout
    lint = [str(SQUAWK), "--reporter", "json"]
    done = subprocess.run(lint, input=sql, capture_output=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1 means "found violations"
        sys.exit(f"squawk exited {done.returncode}:\n{done.stderr.decode()[-4000:]}")
    return seconds, len(json.loads(done.stdout))


def report(
    revisions: int,
    review: list[tuple[float, int, Report]],
    upgrade: list[float],
    squawk: list[tuple[float, int]],
) -> str:
    """Return the side-by-side figures, the ratios and the PASS/MISS line."""
    ours, plain = median([r[0] for r in review]), median(upgrade)
    pipeline = median([s[0] for s in squawk])
    result = review[0][2]
    directions = [s["direction"] for s in result["statements"]]
    lines = [f"{revisions}-revision history, same server, same run; median of {len(upgrade)} runs"]
    lines.append(f"  {load()}")
    lines.append(_line("lockwise review", [r[0] for r in review], revisions))
    lines.append(
        f"  peak RSS of lockwise (max of runs): {max(r[1] for r in review) / 1024:.0f} MiB"
    )
    lines.append(
        f"  {len(result['findings'])} findings, {len(directions)} statements"
        f" ({directions.count('upgrade')} upgrade, {directions.count('downgrade')} downgrade),"
        f" {len(result['failures'])} failures"
    )
    lines.append(_line("plain alembic upgrade head", upgrade, revisions))
    lines.append(_line("alembic upgrade head --sql | squawk", [s[0] for s in squawk], revisions))
    lines.append(f"  squawk: {squawk[0][1]} violations")
    lines.append(f"ratio: review / plain upgrade  = {ours / plain:.2f}x")
    lines.append(f"ratio: review / squawk pipeline = {ours / pipeline:.2f}x")
    verdict = "PASS" if ours <= TARGET_RATIO * plain else "MISS"
    lines.append(
        f"{verdict}: review {ours:.2f} s vs {TARGET_RATIO:.0f} x plain upgrade"
        f" {plain:.2f} s = {TARGET_RATIO * plain:.2f} s"
    )
    return "\n".join(lines)


def _line(title: str, seconds: list[float], revisions: int) -> str:
    middle = median(seconds)
    runs = ", ".join(f"{s:.2f}" for s in seconds)
    return f"{title:40}{middle:>8.2f} s  ({runs}; {middle / revisions * 1000:.1f} ms/rev)"


def main() -> None:
    """Parse the command line, generate the project, run the three pipelines and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--revisions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shape", choices=SHAPES, default="growing")
    args = parser.parse_args()
    ensure_squawk()
    server = open_server()
    review, upgrade, squawk = [], [], []
    with tempfile.TemporaryDirectory(prefix="lockwise-history-") as tmp:
        project = write_project(Path(tmp) / "project", args.revisions, shape=args.shape)
        for _ in range(args.runs):
            review.append(run_review(project))
            upgrade.append(time_upgrade(server, project))
            squawk.append(time_squawk(project))
    print(f"PostgreSQL {server.version()}; {args.shape} history")
    print(report(args.revisions, review, upgrade, squawk))


if __name__ == "__main__":
    main()
