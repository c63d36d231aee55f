"""Interrupt `lockwise check` at random moments, many times; count how each run ended.

Each run gets SIGINT or SIGTERM after a random delay; a run that finished first is
counted apart. A good run ends with 130 (SIGINT) or 143 (SIGTERM), prints no
traceback, and leaves no scratch database or run role behind (names carry the pid).

    python scripts/interrupt_soak.py [--runs 100] [--earliest 0.2] [--longest 3.5] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support import left_by  # tests/support.py: what a pid left on the server

from lockwise.database.server import open_server

EXPECTED: dict[int, int] = {signal.SIGINT: 130, signal.SIGTERM: 143}


def one_run(project: str, delay: float, signum: int) -> str:
    """Start `lockwise check`, signal it after `delay` s; return how it ended, in words."""
    command = [sys.executable, "-m", "lockwise", "check", project]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    if child.poll() is not None:
        child.communicate()
        return "finished before the signal"
    child.send_signal(signum)
    stdout, stderr = child.communicate(timeout=120)
    problems = []
    if child.returncode == 0 and _complete(stdout):
        return "exit 0, report complete: the signal landed while the process was exiting"
    if child.returncode != EXPECTED[signum]:
        problems.append(f"exit {child.returncode}")
    if "Traceback" in stderr or "ignored" in stderr:
        problems.append("traceback")
    if left_by(open_server(), child.pid):
        problems.append("left scratch databases")
    return ", ".join(problems) or f"clean exit {child.returncode}"


def _complete(stdout: str) -> bool:
    """The report ends with test's verdict (`16 revisions: 16 passed, ...`)."""
    lines = stdout.strip().splitlines()
    return bool(lines) and " revisions: " in lines[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--project", default="examples/backend")
    parser.add_argument("--earliest", type=float, default=0.2, help="earliest signal, seconds")
    parser.add_argument("--longest", type=float, default=3.5, help="latest signal, seconds")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    chance = random.Random(args.seed)
    outcomes: Counter[str] = Counter()
    for index in range(args.runs):
        signum = chance.choice([signal.SIGINT, signal.SIGTERM])
        delay = chance.uniform(args.earliest, args.longest)
        outcome = one_run(args.project, delay, signum)
        outcomes[outcome] += 1
        name = signal.Signals(signum).name
        print(f"[{index + 1}/{args.runs}] {name} after {delay:.2f} s: {outcome}", flush=True)
    print("\n".join(f"{count:4d}  {outcome}" for outcome, count in outcomes.most_common()))


if __name__ == "__main__":
    main()
