"""The slice of `sqlite3.Connection` the readers use, over an `apsw` connection.

Why a facade: Python's `sqlite3` cannot open a VFS registered by `apsw` — each embeds its own
SQLite library, and `sqlite3.connect("file:x?vfs=<apsw's>", uri=True)` fails with "no such
vfs" (checked with apsw 3.54 and Python 3.13's SQLite 3.40). The readers only call
`execute(sql, parameters)`, iterate or `fetchone`/`fetchall` the cursor (rows are tuples in
both libraries), `set_progress_handler` and `close`, and catch `sqlite3.OperationalError` /
`sqlite3.Error`; so apsw's errors are raised again as their `sqlite3` counterparts and the
readers stay unchanged. Errors of the data layer raised inside the VFS (a page failing its
HMAC, a file changing) reach the caller as themselves: apsw re-raises a VFS callback's
exception.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Self

import apsw

type Row = tuple[Any, ...]

# sqlite3 reports these as OperationalError; every other apsw error as DatabaseError.
_OPERATIONAL = (
    apsw.SQLError,
    apsw.InterruptError,
    apsw.BusyError,
    apsw.LockedError,
    apsw.CantOpenError,
    apsw.ReadOnlyError,
    apsw.IOError,
)


@contextmanager
def _as_sqlite3_errors() -> Iterator[None]:
    try:
        yield
    except _OPERATIONAL as error:
        raise sqlite3.OperationalError(str(error)) from error
    except apsw.Error as error:
        raise sqlite3.DatabaseError(str(error)) from error


class Cursor:
    """A running statement: iterate it, or fetch its rows."""

    def __init__(self, cursor: apsw.Cursor) -> None:
        self._cursor = cursor

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> Row:
        with _as_sqlite3_errors():
            row: Row = next(self._cursor)
        return row

    def fetchone(self) -> Row | None:
        return next(self, None)

    def fetchall(self) -> list[Row]:
        return list(self)


class Connection:
    """A read-only apsw connection that the readers can use as a `sqlite3.Connection`."""

    def __init__(self, connection: apsw.Connection) -> None:
        self._connection = connection

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Cursor:
        with _as_sqlite3_errors():
            return Cursor(self._connection.execute(sql, tuple(parameters)))

    def set_progress_handler(self, handler: Callable[[], int] | None, n: int) -> None:
        # Non-zero interrupts the statement: apsw.InterruptError, raised as OperationalError.
        self._connection.set_progress_handler(
            None if handler is None else lambda: bool(handler()), n
        )

    def close(self) -> None:
        self._connection.close()
