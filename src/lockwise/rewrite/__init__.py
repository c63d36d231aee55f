"""The rewriter: the safe code for a finding, built from its own op and statement.

One builder per kind of change (`safe.py` for what one revision can make safe, `plans.py`
for what takes several releases) serves review's fixes, `review --fix` and `lockwise new`.

    Subject (the op.* call + its SQL) --fix_for--> Fix (code, applies, top, imports)
"""

from __future__ import annotations

from collections.abc import Callable

from lockwise.rewrite import code, plans, safe
from lockwise.rewrite.subject import Fix, Subject

Builder = Callable[[Subject], Fix | None]

BUILDERS: dict[str, Builder] = {
    "LW101": safe.volatile_default,
    "LW105": safe.not_null_column,
    "LW106": safe.not_null,
    "LW107": plans.type_change,
    "LW201": safe.check_constraint,
    "LW202": safe.foreign_key,
    "LW204": safe.unique_constraint,
    "LW207": safe.create_index,
    "LW208": safe.drop_index,
    "LW209": safe.reindex,
    "LW210": safe.create_index,
    "LW211": safe.create_index,
    "LW215": plans.lock_timeout_first,
    "LW301": plans.drop,
    "LW302": plans.drop,
    "LW304": plans.rename,
    "LW305": plans.rename,
    "LW309": safe.enum_value,
    "LW401": safe.timeout("lock_timeout"),
    "LW402": safe.timeout("statement_timeout"),
}

__all__ = ["BUILDERS", "Fix", "Subject", "fix_for"]


def fix_for(subject: Subject) -> Fix:
    """The fix for one finding: a rewrite or a plan with its names, else a pointer to the rule."""
    builder = BUILDERS.get(subject.rule)
    built = builder(subject) if builder is not None else None
    if built is not None:
        return built
    return Fix(code.comment(f"`lockwise explain {subject.rule}` shows the safe pattern."))
