"""Time two builds of lockwise against each other: `test` and `review` on the same history.

The peer here is lockwise itself, before a change: point --before at the `lockwise` script
of another checkout's venv (for example a `git worktree` of main). Both run on the same
generated 200-revision history (see history.py), on the same server, alternately
(before, after, before, after, ...) so that a slow patch of the machine hits both alike.
Prints each build's best and median seconds and the after/before ratio of the best runs.

    python benchmarks/compare_builds.py --before ../baseline/.venv/bin/lockwise [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from history import write_project

COMMANDS = {
    "test": ["test", "--format", "json"],
    "review": ["review", "--format", "json", "--fail-on", "never"],
}


def run_once(lockwise: str, command: str, project: Path) -> float:
    """Seconds of one run; exits if the run failed."""
    argv = [lockwise, COMMANDS[command][0], str(project), *COMMANDS[command][1:]]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{lockwise} {command} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return seconds


def line(title: str, seconds: list[float]) -> str:
    runs = ", ".join(f"{s:.2f}" for s in seconds)
    best, median = min(seconds), statistics.median(seconds)
    return f"  {title:8}best {best:6.2f} s  median {median:6.2f} s  ({runs})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--before", required=True, help="the `lockwise` script of the old build")
    parser.add_argument("--after", default=str(Path(sys.executable).parent / "lockwise"))
    parser.add_argument("--revisions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    builds = {"before": args.before, "after": args.after}
    with tempfile.TemporaryDirectory(prefix="lockwise-history-") as tmp:
        project = write_project(Path(tmp) / "recipe", args.revisions)
        for command in COMMANDS:
            times: dict[str, list[float]] = {name: [] for name in builds}
            run_once(args.after, command, project)  # warm the server and the page cache
            for _ in range(args.runs):
                for name, lockwise in builds.items():
                    times[name].append(run_once(lockwise, command, project))
            ratio = min(times["after"]) / min(times["before"])
            print(f"lockwise {command}, {args.revisions} revisions, alternating runs:")
            print("\n".join(line(name, seconds) for name, seconds in times.items()))
            print(f"  after / before (best runs) = {ratio:.3f}")


if __name__ == "__main__":
    main()
