"""The cycle itself: isolation between revisions when one of them leaves a trace."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockwise.database.scratch import ScratchSession
from lockwise.database.server import Server
from lockwise.project import load_project
from lockwise.testing.cycle import run_cycle

PROJECTS = Path(__file__).parents[1] / "projects"


@pytest.mark.parametrize("checkpoint_every", [1, 2, 20])
def test_revision_after_a_trace_starts_from_a_clean_state(
    pg_server: Server, checkpoint_every: int
) -> None:
    project = load_project(PROJECTS / "trace_then_more")
    with ScratchSession(pg_server) as session:
        results = run_cycle(project, session, checkpoint_every=checkpoint_every).steps
    outcomes = [(r.no_trace, r.up_again, r.ok) for r in results]
    assert outcomes == [("ok", "ok", True), ("trace", "failed", False), ("ok", "ok", True)]
    assert results[1].trace == ("index ix_orders_total: added",)
