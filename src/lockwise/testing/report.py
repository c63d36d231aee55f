"""What `lockwise test` found: the cycle's result per revision, and the drift at head."""

from __future__ import annotations

from dataclasses import dataclass

from lockwise.testing.cycle import StepResult
from lockwise.testing.drift import Drift


@dataclass(frozen=True)
class TestReport:
    """What `lockwise test` found."""

    __test__ = False  # not a pytest test class, despite its name

    project: str
    postgres: str
    heads: tuple[str, ...]
    steps: tuple[StepResult, ...]
    drift: Drift | None
    seconds: float
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every revision passed and the models match the schema at head."""
        drift_ok = self.drift is not None and self.drift.ok
        return drift_ok and all(step.ok for step in self.steps)
