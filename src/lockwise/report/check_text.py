"""`lockwise check` for a terminal: the review, then the test, each under its own heading."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from lockwise.commands import CheckReport
from lockwise.report import review_text, test_text

PHASES = ("review", "test")  # in the order `check` runs them


def render(report: CheckReport) -> RenderableType:
    """Return the rich renderable: each phase's report under a rule that names it."""
    return Group(
        heading("review"),
        review_text.render(report.review),
        Text(""),
        heading("test"),
        test_text.render(report.test),
    )


def heading(phase: str) -> Rule:
    """`review ────…`: a heading a CI log shows even without colours."""
    return Rule(Text(phase, style="bold"), align="left")
