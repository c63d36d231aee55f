"""The `lockwise test` renderers, as snapshots: what a user reads in a terminal or in CI.

Set LOCKWISE_UPDATE_SNAPSHOTS=1 to rewrite the snapshot files after a deliberate change.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from support import matches_snapshot

from lockwise.migrate.steps import MigrationFailure
from lockwise.report import test_json, test_text
from lockwise.testing.cycle import StepResult
from lockwise.testing.drift import Drift
from lockwise.testing.report import TestReport

SNAPSHOTS = Path(__file__).parent / "snapshots"

CLEAN = StepResult(
    "a1", "create orders", "versions/a1.py", "ok", "ok", "ok", "ok", 0.012, data="ok"
)
TRACE = StepResult(
    "b2",
    "index orders.placed_at",
    "versions/b2.py",
    "ok",
    "ok",
    "trace",
    "failed",
    0.034,
    trace=("index ix_orders_placed_at: added",),
    failure=MigrationFailure(
        "b2",
        "upgrade",
        "versions/b2.py",
        16,
        "CREATE INDEX ix_orders_placed_at ON orders (placed_at)",
        'relation "ix_orders_placed_at" already exists',
    ),
)
ONE_RUN = StepResult(
    "b3",
    "load staged orders",
    "versions/b3.py",
    "failed",
    failure=MigrationFailure(
        "b3",
        "upgrade",
        "versions/b3.py",
        14,
        "INSERT INTO orders (note) SELECT note FROM handoff",
        'relation "handoff" does not exist',
    ),
    note="failed as a separate step; passes in one upgrade run, as a fresh install",
)
LOST = StepResult(
    "c1",
    "widen orders.total",
    "versions/c1.py",
    "ok",
    "ok",
    "ok",
    "ok",
    0.041,
    data="lost",
    data_problems=(
        "column orders.total: held 40 values before the upgrade;"
        " none are left after the downgrade (dropped and re-created empty?)",
    ),
)
FAILS_ON_DATA = StepResult(
    "c2",
    "make orders.note not null",
    "versions/c2.py",
    "ok",
    "ok",
    "ok",
    "ok",
    0.512,
    data="fails on data",
    data_problems=(
        "upgrade failed at versions/c2.py:15; it passes on empty tables\n"
        "SQL: ALTER TABLE orders ALTER COLUMN note SET NOT NULL\n"
        'PostgreSQL: column "note" of relation "orders" contains null values',
    ),
)
DROPS = StepResult(
    "c3",
    "drop orders.legacy",
    "versions/c3.py",
    "ok",
    "ok",
    "ok",
    "ok",
    0.022,
    data="ok",
    data_problems=("data loss: the upgrade drops column orders.legacy, which held 40 values",),
)
NOT_RUN = StepResult(
    "c3",
    "add orders.note",
    "versions/c3.py",
    "skipped",
    note="not run: it follows b2, which could not be reached",
    reached=False,
)


def report(*steps: StepResult, drift: Drift | None) -> TestReport:
    return TestReport("shop", "18.1", ("c3",), steps, drift, seconds=0.5)


def rendered(result: TestReport) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(test_text.render(result))
    return console.export_text()


def test_clean_run_reads_as_all_passed() -> None:
    text = rendered(report(CLEAN, drift=Drift(checked=True)))
    assert matches_snapshot("test_clean.txt", text)


def test_trace_failure_and_skipped_revision_are_explained() -> None:
    text = rendered(report(CLEAN, TRACE, ONE_RUN, NOT_RUN, drift=None))
    assert matches_snapshot("test_trace.txt", text)


def test_drift_is_shown_as_the_ops_autogenerate_would_write() -> None:
    ops = ("op.add_column('members', sa.Column('nickname', sa.String(length=40)))",)
    text = rendered(report(CLEAN, drift=Drift(checked=True, ops=ops)))
    assert matches_snapshot("test_drift.txt", text)


def test_data_lost_failing_on_data_and_dropped_read_as_titled_blocks() -> None:
    text = rendered(report(CLEAN, LOST, FAILS_ON_DATA, DROPS, drift=Drift(checked=True)))
    assert matches_snapshot("test_data.txt", text)


def test_json_report_is_stable() -> None:
    text = test_json.render(report(CLEAN, TRACE, ONE_RUN, LOST, NOT_RUN, drift=None)) + "\n"
    assert matches_snapshot("test_report.json", text)
