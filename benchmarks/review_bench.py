"""Time `lockwise review` against a plain `alembic upgrade head` and an `--sql` + squawk pipeline.

Generates the synthetic history (see history.py) and, on the same server in the same run:
`lockwise review PROJECT --format json --fail-on never` under `/usr/bin/time -v` (its
"Maximum resident set size" is the peak memory of the lockwise process; the server is not
counted); `alembic -c INI upgrade head` on a fresh database, created and dropped outside the
timing; and the offline SQL of each revision (`upgrade PREV:REV --sql`, all in one Python
process, one file per revision) linted by one `squawk` invocation over the files. squawk-cli
comes from its own venv, built once in benchmarks/.work/squawk-venv. Best run of each counts.

    python benchmarks/review_bench.py [--revisions N] [--runs N]
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

from history import write_project

from lockwise.database.scratch import create_database, drop_database
from lockwise.database.server import Server, open_server
from lockwise.urls import sqlalchemy_url

TARGET_RATIO = 3.0
VENV = Path(__file__).resolve().parent / ".work" / "squawk-venv"
SQUAWK = VENV / "bin" / "squawk"
Report = dict[str, Any]  # lockwise review --format json
PEAK_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")

# Run in a subprocess of this interpreter: one offline upgrade per revision, base first.
OFFLINE_SQL = """import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

ini, out = sys.argv[1], Path(sys.argv[2])
revisions = [r.revision for r in ScriptDirectory.from_config(Config(ini)).walk_revisions()]
previous = None
for index, rev in enumerate(reversed(revisions), start=1):
    span = f"{previous}:{rev}" if previous else rev
    with (out / f"{index:04d}_{rev}.sql").open("w") as buffer:
        command.upgrade(Config(ini, output_buffer=buffer), span, sql=True)
    previous = rev
"""


def beside_python(name: str) -> str:
    """Return a console script installed beside the running interpreter."""
    return str(Path(sys.executable).parent / name)


def ensure_squawk() -> None:
    """Create the squawk venv unless a previous run left it in place."""
    if SQUAWK.exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", "squawk-cli==2.70.0"]
    subprocess.run(pip, check=True)


def run_review(project: Path) -> tuple[float, int, Report]:
    """Run `lockwise review` once; return its seconds, peak RSS in KiB and its JSON report."""
    argv = ["/usr/bin/time", "-v", beside_python("lockwise"), "review", str(project)]
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
    """Run `alembic upgrade head` on a fresh database; return its wall-clock seconds."""
    database = create_database(server)
    try:
        ini = bench_ini(project, sqlalchemy_url(database.url, "psycopg"))
        start = time.perf_counter()
        subprocess.run([beside_python("alembic"), "-c", str(ini), "upgrade", "head"], check=True)
        return time.perf_counter() - start
    finally:
        drop_database(server, database.name)


def time_squawk(project: Path) -> tuple[float, float, int, int]:
    """Write each revision's offline SQL, lint it all with squawk.

    Returns:
        The seconds of both steps, the number of SQL files and of squawk violations.
    """
    with tempfile.TemporaryDirectory(prefix="squawk-sql-") as tmp:
        argv = [sys.executable, "-c", OFFLINE_SQL, str(project / "alembic.ini"), tmp]
        start = time.perf_counter()
        subprocess.run(argv, check=True)
        middle = time.perf_counter()
        files = sorted(str(p) for p in Path(tmp).glob("*.sql"))
        lint = [str(SQUAWK), "--reporter", "json", *files]
        done = subprocess.run(lint, capture_output=True, text=True)
        end = time.perf_counter()
    if done.returncode not in (0, 1):  # 1 means "found violations"
        sys.exit(f"squawk exited {done.returncode}:\n{done.stderr[-4000:]}")
    return middle - start, end - middle, len(files), len(json.loads(done.stdout))


def report(
    revisions: int,
    review: list[tuple[float, int, Report]],
    upgrade: list[float],
    squawk: list[tuple[float, float, int, int]],
) -> str:
    """Return the side-by-side figures, the ratios and the PASS/MISS line."""
    best_review, best_upgrade = min(r[0] for r in review), min(upgrade)
    best_squawk = min(squawk, key=lambda s: s[0] + s[1])
    pipeline = best_squawk[0] + best_squawk[1]
    result = review[0][2]
    directions = [s["direction"] for s in result["statements"]]
    lines = [f"{revisions}-revision linear history, same server, same run"]
    lines.append(_line("lockwise review (best)", [r[0] for r in review], revisions))
    lines.append(
        f"  peak RSS of lockwise (max of runs): {max(r[1] for r in review) / 1024:.0f} MiB"
    )
    lines.append(
        f"  {len(result['findings'])} findings, {len(directions)} statements"
        f" ({directions.count('upgrade')} upgrade, {directions.count('downgrade')} downgrade),"
        f" {len(result['failures'])} failures"
    )
    lines.append(_line("plain alembic upgrade head (best)", upgrade, revisions))
    lines.append(
        _line("alembic --sql per revision + squawk", [s[0] + s[1] for s in squawk], revisions)
    )
    lines.append(f"  of which alembic --sql {best_squawk[0]:.2f} s, squawk {best_squawk[1]:.2f} s")
    lines.append(f"  squawk: {best_squawk[3]} violations over {best_squawk[2]} files")
    lines.append(f"ratio: review / plain upgrade  = {best_review / best_upgrade:.2f}x")
    lines.append(f"ratio: review / squawk pipeline = {best_review / pipeline:.2f}x")
    verdict = "PASS" if best_review <= TARGET_RATIO * best_upgrade else "MISS"
    lines.append(
        f"{verdict}: review best {best_review:.2f} s vs {TARGET_RATIO:.0f} x plain upgrade"
        f" {best_upgrade:.2f} s = {TARGET_RATIO * best_upgrade:.2f} s"
    )
    return "\n".join(lines)


def _line(title: str, seconds: list[float], revisions: int) -> str:
    best = min(seconds)
    runs = ", ".join(f"{s:.2f}" for s in seconds)
    return f"{title:40}{best:>8.2f} s  ({runs}; {best / revisions * 1000:.1f} ms/rev)"


def main() -> None:
    """Parse the command line, generate the project, run the three pipelines and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--revisions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    ensure_squawk()
    server = open_server()
    with tempfile.TemporaryDirectory(prefix="lockwise-history-") as tmp:
        project = write_project(Path(tmp) / "project", args.revisions)
        review = [run_review(project) for _ in range(args.runs)]
        upgrade = [time_upgrade(server, project) for _ in range(args.runs)]
        squawk = [time_squawk(project) for _ in range(args.runs)]
    print(f"PostgreSQL {server.version()}")
    print(report(args.revisions, review, upgrade, squawk))


if __name__ == "__main__":
    main()
