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

from server.wechat.cells import lossy_text

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
    """A running statement: iterate it, or fetch its rows.

    apsw decodes TEXT as strict UTF-8 and fails the row on an invalid cell, where the plain
    path decodes each cell lossily (server/wechat/cells.py). On the first such failure the
    statement runs again with every TEXT cell fetched as bytes (and its type beside it),
    the rows already given are skipped, and text is decoded lossily from then on.
    """

    def __init__(self, connection: apsw.Connection, sql: str, parameters: tuple[Any, ...]) -> None:
        self._connection = connection
        self._sql = sql
        self._parameters = parameters
        self._cursor = connection.execute(sql, parameters)
        self._given = 0
        self._lossy = False

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> Row:
        with _as_sqlite3_errors():
            try:
                row: Row = next(self._cursor)
            except UnicodeDecodeError:
                if self._lossy:
                    raise
                self._rerun_lossily()
                row = next(self._cursor)
        self._given += 1
        return _decoded(row) if self._lossy else row

    def _rerun_lossily(self) -> None:
        count = len(self._cursor.description)
        names = ", ".join(f"c{index}" for index in range(count))
        cells = ", ".join(
            f"typeof(c{index}), "
            f"CASE typeof(c{index}) WHEN 'text' THEN CAST(c{index} AS BLOB) ELSE c{index} END"
            for index in range(count)
        )
        statement = self._sql.strip().rstrip(";")
        sql = f"WITH q({names}) AS ({statement}) SELECT {cells} FROM q"
        self._cursor = self._connection.execute(sql, self._parameters)
        self._lossy = True
        for _ in range(self._given):
            next(self._cursor)

    def fetchone(self) -> Row | None:
        return next(self, None)

    def fetchall(self) -> list[Row]:
        return list(self)


def _decoded(pairs: Row) -> Row:
    """(type, value) pairs back into one row, TEXT decoded lossily."""
    return tuple(
        lossy_text(value) if kind == "text" else value
        for kind, value in zip(pairs[::2], pairs[1::2], strict=True)
    )


class Connection:
    """A read-only apsw connection that the readers can use as a `sqlite3.Connection`."""

    def __init__(self, connection: apsw.Connection) -> None:
        self._connection = connection

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Cursor:
        with _as_sqlite3_errors():
            return Cursor(self._connection, sql, tuple(parameters))

    def set_progress_handler(self, handler: Callable[[], int] | None, n: int) -> None:
        # Non-zero interrupts the statement: apsw.InterruptError, raised as OperationalError.
        self._connection.set_progress_handler(
            None if handler is None else lambda: bool(handler()), n
        )

    def close(self) -> None:
        self._connection.close()
