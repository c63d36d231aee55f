"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path


def time_runs(work: Callable[[], object], runs: int) -> list[float]:
    """Return the wall-clock seconds of `runs` calls of `work`."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return seconds


def median(seconds: list[float]) -> float:
    """The median of `seconds`: the figure the benchmarks compare."""
    return statistics.median(seconds)


def load() -> str:
    """The machine's load averages and cores, to print beside the figures."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def console_script(name: str) -> str:
    """A console script installed beside the running interpreter (`lockwise`, `alembic`)."""
    return str(Path(sys.executable).parent / name)
