"""Ctrl-C and SIGTERM: stop at the next step boundary, never in the middle of library code.

Raising KeyboardInterrupt wherever the signal lands (inside SQLAlchemy, psycopg, a
migration, a `__del__`) leaves connections half-used and is sometimes swallowed
("Exception ignored in ..."), so a run could finish and exit 0 or report a migration
failure that never happened. Instead the handler only records the signal and asks the
live scratch databases to cancel what they run; the walks call `check()` between
steps, which raises `Interrupted`, and the usual `with` blocks drop every scratch
database on the way out. Exit code: 128 + the signal number (130 for Ctrl-C, 143 for
SIGTERM).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

from lockwise.errors import LockwiseError

_received: list[int] = []
_cancellers: dict[int, Callable[[], None]] = {}


class Interrupted(LockwiseError):
    """The user (Ctrl-C) or the system (SIGTERM) asked lockwise to stop."""

    def __init__(self, signum: int) -> None:
        super().__init__("interrupted")
        self.exit_code = 128 + signum


def install() -> None:
    """Handle SIGINT and SIGTERM by recording them (the main thread only)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _record)


def _record(signum: int, _frame: FrameType | None) -> None:
    first = not _received
    _received.append(signum)
    if first:
        for cancel in list(_cancellers.values()):
            threading.Thread(target=_quietly, args=(cancel,), daemon=True).start()


def _quietly(cancel: Callable[[], None]) -> None:
    try:
        cancel()
    except Exception:  # best effort: the walk stops at its next boundary anyway
        return


def check() -> None:
    """Raise `Interrupted` when a signal arrived; call it between steps."""
    if _received:
        raise Interrupted(_received[0])


def interrupted() -> bool:
    """True once a signal arrived."""
    return bool(_received)


def hold() -> None:
    """Block the signals from here on: the run's outcome is decided, whatever comes later.

    Called once the command has finished, so that a signal can no longer land between
    the last `check()` and the process exit (and be lost, or kill the interpreter while
    it shuts down); a signal still pending then is discarded with the process.
    """
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def stopped() -> bool:
    """True when a signal arrived, or arrived after `hold()` and waits there, blocked."""
    return bool(_received or _pending())


def exit_code() -> int:
    """128 + the first signal's number (130 for Ctrl-C), as shells report it."""
    first = _received[0] if _received else next(iter(sorted(_pending())), signal.SIGINT)
    return 128 + int(first)


def _pending() -> set[int]:
    if not hasattr(signal, "sigpending"):
        return set()
    return {int(s) for s in signal.sigpending()} & {signal.SIGINT, signal.SIGTERM}


def on_interrupt(key: int, cancel: Callable[[], None]) -> None:
    """Run `cancel` in a thread of its own when a signal arrives (to cut a long query)."""
    _cancellers[key] = cancel


def forget(key: int) -> None:
    """Stop calling the canceller registered under `key`."""
    _cancellers.pop(key, None)
