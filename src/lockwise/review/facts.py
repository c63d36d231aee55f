"""From a capture to the facts rules read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lockwise.capture.facts import Capture
from lockwise.project import Revision
from lockwise.rules.base import RevisionFacts, StatementFacts


def revision_facts(
    capture: Capture,
    revision: Revision,
    target_version: int = 15,
    settings: Mapping[str, Any] | None = None,
    async_env: bool = False,
) -> RevisionFacts:
    """Wrap a capture's statements with their parse trees for the rules."""
    statements = tuple(StatementFacts(i, s) for i, s in enumerate(capture.statements))
    return RevisionFacts(
        revision=capture.revision,
        direction=capture.direction,
        statements=statements,
        target_version=target_version,
        settings=settings or {},
        failure=capture.failure,
        downgrade_empty=revision.downgrade_empty and not revision.upgrade_empty,
        irreversible=revision.irreversible,
        async_env=async_env,
    )
