"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable


def time_runs(work: Callable[[], object], runs: int) -> list[float]:
    """Return the wall-clock seconds of `runs` calls of `work`."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return seconds
