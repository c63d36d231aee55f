"""From a capture to the facts rules read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lockwise.capture.facts import Capture
from lockwise.rules.base import RevisionFacts, StatementFacts


def revision_facts(
    capture: Capture, target_version: int = 15, settings: Mapping[str, Any] | None = None
) -> RevisionFacts:
    """Wrap a capture's statements with their parse trees for the rules."""
    statements = tuple(StatementFacts(i, s) for i, s in enumerate(capture.statements))
    return RevisionFacts(
        revision=capture.revision,
        direction=capture.direction,
        statements=statements,
        target_version=target_version,
        settings=settings or {},
    )
