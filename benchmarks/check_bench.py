"""Time `lockwise check` against `lockwise test` alone, on the growing 200-revision history.

Generates the growing synthetic history (see history.py) and runs, one after the other
in each round, on the same server: `lockwise test`, `lockwise check -j 1` (review, then
test) and `lockwise check -j 2` (review in a second process while this one tests; what
`check` does by default on two or more cores).
Each runs as a user starts it (`lockwise ... --format json`, data checks on), creating
and dropping its own scratch databases inside the timing. Each figure is the median of
`--runs` rounds; the target is check at most 1.15 times test.

What each checks: test runs every revision up, down and up again with its data checks
and compares the models at head; check also reviews every revision (records, replays
and measures each statement, runs the rules).

    python benchmarks/check_bench.py [--revisions N] [--runs N] [--lockwise PATH]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from history import write_project
from timing import console_script, load, median

TARGET_RATIO = 1.15


def timed(command: list[str]) -> float:
    """Seconds one run of `command` takes; its output is dropped, its exit code checked."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-500:]}")
    return seconds


def main() -> None:
    """Parse the command line, run the three commands in rounds, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--revisions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--lockwise", default=console_script("lockwise"), help="the lockwise to time"
    )
    args = parser.parse_args()
    commands = {
        "lockwise test": ["test"],
        "lockwise check -j 1": ["check", "-j", "1"],
        "lockwise check -j 2": ["check", "-j", "2"],
    }
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory(prefix="lockwise-history-") as tmp:
        project = write_project(Path(tmp) / "history", args.revisions, shape="growing")
        subprocess.run([args.lockwise, "db", "start"], capture_output=True, check=True)
        for _ in range(args.runs):
            for name, words in commands.items():
                command = [args.lockwise, *words, str(project), "--format", "json"]
                seconds[name].append(timed(command))
                print(f"{name}: {seconds[name][-1]:.2f} s", file=sys.stderr, flush=True)
    test = median(seconds["lockwise test"])
    print(f"{args.revisions}-revision growing history; median of {args.runs} runs; {load()}")
    for name, runs in seconds.items():
        figures = ", ".join(f"{s:.2f}" for s in runs)
        print(f"{name:22}{median(runs):>8.2f} s  ({figures}; {median(runs) / test:.2f}x test)")
    for name in ("lockwise check -j 1", "lockwise check -j 2"):
        ratio = median(seconds[name]) / test
        verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
        print(f"{verdict}: {name} / lockwise test = {ratio:.2f}x (target <= {TARGET_RATIO}x)")


if __name__ == "__main__":
    main()
