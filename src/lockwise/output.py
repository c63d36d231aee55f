"""Where a report goes: the real stdout, kept for the report alone, or `--output FILE`."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from lockwise.errors import BadInput


@contextlib.contextmanager
def report_stream(output: Path | None) -> Iterator[TextIO]:
    """Where the report goes: `--output FILE`, else the real stdout.

    While the command runs, anything written to file descriptor 1 (the project's
    prints, logging handlers that captured sys.stdout at import, C extensions) goes to
    stderr instead, so a JSON or SARIF report on stdout stays parseable. A report for
    `--output` is written when the command has finished, never half.
    """
    if output is None:
        with _stdout_to_stderr() as real_stdout:
            yield real_stdout
        return
    _check_writable(output)
    report = io.StringIO()
    with _stdout_to_stderr():
        yield report
    output.write_text(report.getvalue(), encoding="utf-8")


def _check_writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BadInput(f"--output {path}: no such folder {folder}")
    if path.is_dir() or not os.access(folder, os.W_OK):
        raise BadInput(f"--output {path}: cannot be written")


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[TextIO]:
    """Point file descriptor 1 (and sys.stdout) at stderr; yield the real stdout."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no file descriptor 1 at all
        yield sys.stdout
        return
    os.dup2(2, 1)
    real = open(saved, "w", encoding="utf-8", closefd=True)  # noqa: SIM115 - closed below
    python_stdout, sys.stdout = sys.stdout, sys.stderr
    try:
        yield real
    finally:
        real.flush()
        sys.stdout = python_stdout
        sys.stdout.flush()
        os.dup2(real.fileno(), 1)
        real.close()
