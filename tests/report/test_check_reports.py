"""`lockwise check` as a user reads it: the review, then the test, each under its heading.

Set LOCKWISE_UPDATE_SNAPSHOTS=1 to rewrite the snapshot files after a deliberate change.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from support import matches_snapshot

from lockwise.commands import CheckReport
from lockwise.database.server import Server
from lockwise.report import check_text
from lockwise.review.findings import ReviewReport
from lockwise.testing.cycle import StepResult
from lockwise.testing.drift import Drift
from lockwise.testing.report import TestReport

SNAPSHOTS = Path(__file__).parent / "snapshots"
PROJECTS = Path(__file__).parents[1] / "projects"
HEADING = re.compile(r"(review|test) ─+")

STEP = StepResult("a1", "create orders", "versions/a1.py", "ok", "ok", "ok", "ok", 0.012)
REPORT = CheckReport(
    review=ReviewReport("18.6", (), revisions=("a1",)),
    test=TestReport("shop", "18.6", ("a1",), (STEP,), Drift(checked=True), seconds=0.5),
)


def rendered(report: CheckReport) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(check_text.render(report))
    return console.export_text()


def headings(text: str) -> list[str]:
    """The phase headings, `review ────…`, in the order printed."""
    return [line.split()[0] for line in text.splitlines() if HEADING.fullmatch(line)]


def test_check_text_heads_the_review_and_the_test() -> None:
    assert matches_snapshot("check.txt", rendered(REPORT))


def test_check_text_shows_the_review_under_its_heading_then_the_test() -> None:
    text = rendered(REPORT)
    assert headings(text) == ["review", "test"]
    assert text.index("review ─") < text.index("lockwise review on") < text.index("test ─")
    assert text.index("test ─") < text.index("lockwise test shop on")


def test_check_names_each_phase_above_its_progress(server_env: Server) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lockwise", "check", "-j", "1", str(PROJECTS / "clean_history")],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert headings(done.stdout) == ["review", "test"]
    assert headings(done.stderr) == ["review", "test"]
    review, test = done.stderr.index("review ─"), done.stderr.index("test ─")
    assert review < done.stderr.index("[1/3]") < test < done.stderr.rindex("[1/3]")
