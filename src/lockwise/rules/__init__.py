"""The rule catalog: one module per rule, listed here once.

Adding a rule: write `rules/<name_in_snake_case>.py` building a `RULE`, and add one
line below.
"""

from __future__ import annotations

from lockwise.rules import index_not_concurrent
from lockwise.rules.base import Rule

RULES: tuple[Rule, ...] = tuple(
    sorted(
        (index_not_concurrent.RULE,),
        key=lambda rule: rule.id,
    )
)

BY_ID = {rule.id: rule for rule in RULES}
BY_NAME = {rule.name: rule for rule in RULES}

__all__ = ["BY_ID", "BY_NAME", "RULES", "Rule"]
