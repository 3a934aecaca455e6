"""How long one query may run, and whether it has been called off.

A query runs on a worker thread, where the event loop cannot stop it: a cancelled request or
a server that is stopping would otherwise wait for it (and keep the process alive). So the
running query looks at its budget between rows and shards, and SQLite looks too, through a
progress handler on every connection (`sqlite_progress`), which interrupts a statement that
runs over. The budget of the query running on a thread is found through a thread-local, so
the readers need not pass it along.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from server.wechat.errors import QueryCancelledError, QueryTimeoutError

# SQLite calls the progress handler every this many virtual machine steps (well under a
# millisecond of work), which keeps its cost negligible and the interruption prompt.
PROGRESS_STEPS = 10_000

_current = threading.local()


class QueryBudget:
    """A time limit, counted from when the query starts running, and a cancel flag."""

    __slots__ = ("_cancelled", "_deadline", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._deadline = float("inf")
        self._cancelled = False  # set from the event loop's thread, read by the worker

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def over(self) -> bool:
        return self._cancelled or time.monotonic() > self._deadline

    def check(self) -> None:
        """Raises:
        QueryCancelledError: the query was called off.
        QueryTimeoutError: it ran over its time.
        """
        if self._cancelled:
            raise QueryCancelledError()
        if time.monotonic() > self._deadline:
            raise QueryTimeoutError(self.seconds)

    @contextmanager
    def running(self) -> Iterator[QueryBudget]:
        """Start the clock and make this the current thread's budget until the block ends."""
        self._deadline = time.monotonic() + self.seconds
        previous = getattr(_current, "budget", None)
        _current.budget = self
        try:
            self.check()  # called off while it waited for a thread
            yield self
        finally:
            _current.budget = previous


def check() -> None:
    """`check()` the current thread's budget, if a query is running on it."""
    budget: QueryBudget | None = getattr(_current, "budget", None)
    if budget is not None:
        budget.check()


def sqlite_progress() -> int:
    """SQLite progress handler: non-zero interrupts the statement (`sqlite3.OperationalError`)."""
    budget: QueryBudget | None = getattr(_current, "budget", None)
    return 1 if budget is not None and budget.over() else 0
