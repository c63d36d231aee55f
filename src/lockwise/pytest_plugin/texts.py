"""What a failing item or migration says: the text lockwise's own reports print for it."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType

from lockwise.report import review_text
from lockwise.report.test_text import drift_block, step_block
from lockwise.review.findings import ReviewReport
from lockwise.testing.cycle import StepResult
from lockwise.testing.drift import Drift

WIDTH = 120  # for what is laid out to a width: as `lockwise test` in a CI log


def step_text(step: StepResult) -> str:
    """`lockwise test`'s block for one revision: its title, then each problem."""
    return plain_text(step_block(step))


def drift_text(drift: Drift | None) -> str:
    """`lockwise test`'s models-vs-schema line, with the ops autogenerate would write."""
    return plain_text(drift_block(drift))


def review_of(report: ReviewReport) -> str:
    """`lockwise review`'s text for `report`."""
    return plain_text(review_text.render(report))


def plain_text(renderable: RenderableType) -> str:
    """`renderable` as text without colours, as a CI log shows it."""
    console = Console(width=WIDTH, record=True, file=io.StringIO())
    console.print(renderable, soft_wrap=True)  # long lines stay whole: the terminal folds them
    return console.export_text().strip("\n")
