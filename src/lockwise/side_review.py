"""`lockwise check -j 2`: review walks the history in a second process while this one tests.

The default where this process may use two or more cores (`default_jobs`); `-j 1` runs
the walks in turn.

Review and test each walk the history on scratch databases of their own, and most of
either walk is spent waiting for PostgreSQL or running env.py, which cannot share one
process (Alembic keeps its migration context in module globals). So with two cores
`check` starts review in a process of its own (`multiprocessing`, spawned: nothing of
this process's connections or signal state is inherited) and tests here; the check
then costs about what the longer walk costs.

Stopping stays clean. The review process ignores Ctrl-C; a Ctrl-C or SIGTERM to this
process, or any failure here, terminates the review process with SIGTERM, which it
handles as lockwise does (it drops its scratch databases), and waits for it. A failure
of the review process comes back as the error it raised, with its exit code.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from lockwise import interrupts
from lockwise.errors import LockwiseError

if TYPE_CHECKING:  # the review process imports this module first: it must import little
    from lockwise.invocation import Invocation
    from lockwise.review.findings import ReviewReport

_POLL_S = 0.1  # how often the wait for the review looks at the signals
_STOP_S = 60.0  # how long a terminated review process may take to drop its databases


def default_jobs() -> int:
    """2 where this process may run on two or more cores, else 1 (the walks would take turns)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        cores = os.cpu_count() or 1
    return 2 if cores >= 2 else 1


class ReviewFailed(LockwiseError):
    """The review process ended with an error: its message and exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class SideReview:
    """`review(project_path, url, invocation=..., **options)` running in a second process.

    `review` is `commands.review`, passed in (this module must not import the commands).
    A context manager: `result()` waits for the report; leaving the block stops the
    process if it still runs.
    """

    def __init__(
        self,
        review: Callable[..., ReviewReport],
        project_path: Path,
        url: str | None,
        invocation: Invocation | None,
        options: Mapping[str, object] | None = None,
    ):
        context = multiprocessing.get_context("spawn")
        self._receiver, sender = context.Pipe(duplex=False)
        job, self._jobs = context.Pipe(duplex=False)
        # The process gets only its pipes: what to review comes through one of them once
        # its signal handlers are in place (unpickling an Invocation imports Alembic).
        self._process = context.Process(target=_review, args=(job, sender), name="lockwise review")
        self._sender, self._job = sender, job
        # `review` goes by its name; `options` are its other keyword arguments
        self._task = (review, project_path, url, invocation, dict(options or {}))
        self._report: ReviewReport | None = None

    def __enter__(self) -> SideReview:
        # The review process ignores SIGINT from birth (an ignored signal stays ignored
        # across exec, and Python's start-up leaves it so): a Ctrl-C at the terminal
        # reaches this process, which stops the review with SIGTERM. Meanwhile SIGINT is
        # blocked here, so one that comes during the start waits for the handler.
        if threading.current_thread() is not threading.main_thread():
            self._process.start()  # signal handlers belong to the main thread
        else:
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                self._process.start()
            finally:
                signal.signal(signal.SIGINT, handler)
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        self._sender.close()  # the child holds the only writing end: EOF when it ends
        self._job.close()
        with contextlib.suppress(OSError):  # it is gone already: `result()` says so
            self._jobs.send(self._task)
        self._jobs.close()
        return self

    def result(self) -> ReviewReport:
        """The review's report, once the process sends it.

        Raises:
            ReviewFailed: the review ended with an error (its exit code is kept).
            Interrupted: a signal arrived while waiting.
        """
        while self._report is None:
            while not self._receiver.poll(_POLL_S):
                interrupts.check()
            self.check()
        return self._report

    def check(self) -> None:
        """Raise the review's error now if it has failed (say, a bad ignore comment).

        The test calls this between revisions: a check whose review cannot run stops
        early, as it does without `-j`.

        Raises:
            ReviewFailed: the review ended with an error.
        """
        if self._report is not None or not self._receiver.poll(0):
            return
        try:
            outcome = self._receiver.recv()
        except EOFError:  # it died without a word: killed, or the interpreter failed
            self._process.join(_STOP_S)
            code = self._process.exitcode
            raise ReviewFailed(f"review stopped (exit code {code})", 1) from None
        if outcome[0] == "report":
            self._report = outcome[1]
            return
        _, message, exit_code = outcome
        raise ReviewFailed(message, exit_code)

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        if self._process.is_alive():
            self._process.terminate()  # SIGTERM: it drops its scratch databases and ends
        self._process.join(_STOP_S)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._receiver.close()


def _review(job: Connection, sender: Connection) -> None:
    """The review process: handle signals, take the task, send its report or its error."""
    interrupts.install()  # SIGTERM, from the checking process, stops the review cleanly
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the checking process's to handle
    try:
        review, project_path, url, invocation, options = job.recv()
        job.close()
        report = review(project_path, url, invocation=invocation, **options)
        sender.send(("report", report))
    except LockwiseError as error:
        sender.send(("error", str(error), error.exit_code))
    except Exception as error:  # a bug: the check must say so, not wait forever
        sender.send(("error", f"review failed: {type(error).__name__}: {error}", 1))
    finally:
        sender.close()
