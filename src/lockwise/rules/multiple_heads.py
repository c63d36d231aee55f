"""LW410 multiple-heads: the history has several heads the project did not declare.

Review finds it from the revision graph, not from statements (`lockwise.review.run`):
one finding per head, at its `revision =` line. It is a rule so that it can be
explained, disabled and given a severity like any other.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockwise.rules.base import Hit, RevisionFacts, Rule


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Nothing on statements: review reads the heads from the revision graph."""
    return iter(())


RULE = Rule(
    id="LW410",
    name="multiple-heads",
    severity="error",
    summary="Two or more heads: branches of the history that were never merged",
    lock="",
    blocks="nothing: the deploy itself goes wrong",
    why=(
        "Two migrations written on separate branches that share a parent leave the history "
        "with two heads. `alembic upgrade head` then refuses to run, and `upgrade heads` runs "
        "both branches in an order nobody reviewed; a deploy script that picks one head skips "
        "the other's changes. Merge them into one head before release (Alembic's branch "
        "labels, with `version_locations`, are for histories that are meant to stay apart)."
    ),  # https://alembic.sqlalchemy.org/en/latest/branches.html
    fix='alembic merge -m "merge heads" 1a2b3c4d5e6f 6f5e4d3c2b1a',
    check=check,
    bad=(),
    good=(),
    scope="history",
)
