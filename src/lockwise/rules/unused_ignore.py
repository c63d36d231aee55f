"""LW001 unused-ignore: a `# lockwise: ignore[...]` comment that silences nothing.

Review finds it, not a check on statements: after every rule has run, each ignore
comment of a reviewed migration file that covered no finding is one (see
`lockwise.review.ignores`). It is a rule so that it can be explained, disabled and
given a severity like any other.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule

_SETUP = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)"


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Nothing on statements: review matches ignore comments with findings."""
    return iter(())


RULE = Rule(
    id="LW001",
    name="unused-ignore",
    severity="warning",
    summary="A `# lockwise: ignore[...]` comment that silences no finding",
    lock="",
    blocks="nothing: the comment is stale or on the wrong line",
    why=(
        "An ignore comment silences the named rules on the statement it sits on (or, on a "
        "line of its own, the statement after it). One that silences nothing was left behind "
        "when the migration changed, or sits on another line than the op.* call it means: it "
        "would silence a later hazard on that line without anyone deciding to."
    ),
    fix=(
        "# Put the comment on the op.* call the finding points at, or remove it:\n"
        'op.create_index("ix_orders_total", "orders", ["total"])'
        "  # lockwise: ignore[LW207] orders holds 40 rows"
    ),
    check=check,
    bad=(
        Example(
            setup=_SETUP,
            upgrade=(
                'op.add_column("orders", sa.Column("note", sa.Text()))'
                "  # lockwise: ignore[LW207] small table"
            ),
        ),
    ),
    good=(
        Example(
            setup=_SETUP,
            upgrade=(
                'op.create_index("ix_orders_total", "orders", ["total"])'
                "  # lockwise: ignore[LW207] small table"
            ),
        ),
    ),
    scope="file",
)
