"""Which shards a time range needs: each shard's own first and last message time.

A shard's `TimeStamp` (4.x) or `DBInfo` "Start Time" (3.x) start was never confirmed to bound
its messages, and migrated history predates it (docs/wechat-data.md, "Shard selection"), so
shards are chosen by the times of the messages they hold. Measuring may scan a shard, so the
result is kept per file signature and measured again only when the file changes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from server.wechat.errors import DataSourceError
from server.wechat.files import Signature, file_signature
from server.wechat.readers.base import Shard

Span = tuple[int, int]  # first and last create_time, Unix seconds, both inclusive


class ShardSpans:
    """Shards with the span of their own messages; a shard without messages is left out."""

    def __init__(self, measure: Callable[[Path], Span | None]) -> None:
        self._measure = measure
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[Signature, Span | None]] = {}

    def span(self, path: Path) -> Span | None:
        signature = file_signature(path)
        with self._lock:
            cached = self._cache.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
        measured = self._measure(path)
        with self._lock:
            self._cache[path] = (signature, measured)
        return measured

    def shards(self, paths: Iterable[Path], official: Iterable[Path] = ()) -> list[Shard]:
        """One shard per file, ordered by first message time; `official`: biz/PublicMsg.

        A file that cannot be read is kept, over all time, so that the query layer skips it
        and says so (docs/isolation.md); its failure is remembered until the file changes.
        """
        found = []
        for path, is_official in [*((p, False) for p in paths), *((p, True) for p in official)]:
            try:
                span = self.span(path)
            except DataSourceError:
                found.append(Shard((path,), 0, None, is_official))
                continue
            if span is not None:
                found.append(Shard((path,), span[0], span[1] + 1, is_official))
        return sorted(found, key=lambda shard: (shard.start, shard.paths))


def min_max(rows: Iterable[tuple[object, object]]) -> Span | None:
    """The overall span of (min, max) pairs, None pairs (empty tables) skipped."""
    spans = [(int(low), int(high)) for low, high in rows if low is not None and high is not None]  # type: ignore[call-overload]
    if not spans:
        return None
    return min(low for low, _ in spans), max(high for _, high in spans)


# One table's span and the last row it was measured up to: (first time, last time, that
# row's rowid, that row's create_time).
TableMark = tuple[int, int, int, Any]


class GrowingSpans:
    """Each message table's span, measured again only from the last row seen.

    WeChat appends messages (rowids only grow), so when a shard changes, its new rows are the
    rows after the last one measured: an index lookup per table instead of a scan of every
    table (which, through the decrypting VFS, means decrypting the whole shard again at each
    change: docs/benchmarks-data.md, "Pushing new messages"). A table whose last measured row
    is gone or changed (deleted, its rowid reused) is measured whole again. A span may stay
    wider than its rows after deletions, which only makes a query look into a shard for
    nothing; it never gets narrower than its rows.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._marks: dict[Path, dict[str, TableMark]] = {}

    def measure(
        self, path: Path, connection: sqlite3.Connection, tables: Iterable[str]
    ) -> Span | None:
        with self._lock:
            known = self._marks.get(path, {})
        marks: dict[str, TableMark] = {}
        for table in tables:
            mark = _table_mark(connection, table, known.get(table))
            if mark is not None:
                marks[table] = mark
        with self._lock:
            self._marks[path] = marks
        return min_max((first, last) for first, last, _rowid, _time in marks.values())


def _table_mark(
    connection: sqlite3.Connection, table: str, known: TableMark | None
) -> TableMark | None:
    """The table's mark: grown from `known` when its last measured row is still there."""
    if known is not None:
        first, last, rowid, time = known
        still = connection.execute(
            f"SELECT create_time FROM [{table}] WHERE rowid = ?", (rowid,)
        ).fetchone()
        if still is not None and still[0] == time:
            low, high, newest = connection.execute(
                f"SELECT min(create_time), max(create_time), max(rowid) FROM [{table}]"
                " WHERE rowid > ?",
                (rowid,),
            ).fetchone()
            if newest is None:
                return known
            if low is not None:
                first, last = min(first, int(low)), max(last, int(high))
            return first, last, int(newest), _time_of(connection, table, newest)
    low, high, newest = connection.execute(
        f"SELECT min(create_time), max(create_time), max(rowid) FROM [{table}]"
    ).fetchone()
    if low is None or newest is None:
        return None  # no dated message: measured whole again next time
    return int(low), int(high), int(newest), _time_of(connection, table, newest)


def _time_of(connection: sqlite3.Connection, table: str, rowid: int) -> Any:
    return connection.execute(
        f"SELECT create_time FROM [{table}] WHERE rowid = ?", (rowid,)
    ).fetchone()[0]
