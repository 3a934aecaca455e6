"""Which shards a time range needs: each shard's own first and last message time.

A shard's `TimeStamp` (4.x) or `DBInfo` "Start Time" (3.x) start was never confirmed to bound
its messages, and migrated history predates it (docs/wechat-data.md, "Shard selection"), so
shards are chosen by the times of the messages they hold. Measuring may scan a shard, so the
result is kept per file signature and measured again only when the file changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

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
