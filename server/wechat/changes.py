"""Which messages are new since the last look: the blocking half of the change feed.

`NewMessages` runs on the store's worker threads (through `ChatStore.read`). Each look first
takes every message shard's file signature (files.py: inode, size, mtime of the database and
its `-wal`), which costs a few `stat` calls; only a shard whose signature changed is read, and
only its recent rows: those dated from `lookback` seconds before now on. A row is new when its
key (chat, sequence number, time) was not seen before, so a shard rewritten, re-read or
overlapping another never yields a message twice. Keys older than the window are forgotten,
so memory stays bounded by the messages of the last `lookback` seconds.

Rows dated further back than the window when they appear (history that WeChat syncs after
being offline) are not reported: they are history, not new messages (docs/push.md).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from server.wechat.errors import DataSourceError
from server.wechat.files import Signature, file_signature
from server.wechat.model import Message
from server.wechat.query import ChatQueries
from server.wechat.readers import Row, RowQuery, Shard
from server.wechat.readers.base import time_order

logger = logging.getLogger(__name__)

# Ten minutes: far longer than WeChat takes to write a message it received, short enough
# that re-reading the window of a changed shard stays cheap.
DEFAULT_LOOKBACK = 600.0
_LATEST = 2**62

MessageKey = tuple[str, int, int]  # (talker, seq, unix time)


def message_key(row: Row) -> MessageKey:
    return row.talker, row.seq, row.unix_time


@dataclass
class NewMessages:
    """What one feed has seen: every shard's signature and the recent messages' keys.

    Not thread-safe: the feed calls it from one job at a time.
    """

    lookback: float = DEFAULT_LOOKBACK
    clock: Callable[[], float] = time.time
    _signatures: dict[tuple[str, ...], Signature] = field(default_factory=dict)
    _seen: dict[MessageKey, None] = field(default_factory=dict)
    _oldest: int = _LATEST  # the oldest time among the seen keys
    started: bool = False

    def baseline(self, queries: ChatQueries) -> None:
        """Take note of what is there now, reporting nothing."""
        self._look(queries)
        self.started = True

    def collect(self, queries: ChatQueries) -> list[Message]:
        """The messages that appeared since the last look, oldest first, with names.

        Raises:
            DataSourceError: the data directory itself could not be read (a shard that
                cannot be read is skipped and read again once it changes).
        """
        if not self.started:
            self.baseline(queries)
            return []
        rows = self._look(queries)
        if not rows:
            return []
        rows.sort(key=time_order)
        return queries.named_messages(rows)

    def _look(self, queries: ChatQueries) -> list[Row]:
        reader = queries.reader
        since = int(self.clock() - self.lookback)
        shards = reader.shards()
        changed: list[tuple[Shard, tuple[str, ...], Signature]] = []
        for shard in shards:
            key = tuple(str(path) for path in shard.paths)
            signature = tuple(value for path in shard.paths for value in file_signature(path))
            if self._signatures.get(key) != signature:
                changed.append((shard, key, signature))
        self._forget_before(since)
        if not changed:
            return []
        directory = queries.directory()
        known = [*directory.contacts, *directory.rooms]
        fresh: list[Row] = []
        for shard, key, signature in changed:
            try:
                rows = reader.rows(shard, RowQuery(since, _LATEST, None), known)
            except (DataSourceError, sqlite3.DatabaseError) as error:
                # Read again at the next look (the pool remembers a broken file until it
                # changes, so that costs nothing until then).
                logger.debug("new messages: %s skipped: %s", shard.paths[0].name, error)
                continue
            self._signatures[key] = signature
            for row in rows:
                row_key = message_key(row)
                if row_key not in self._seen:
                    self._seen[row_key] = None
                    self._oldest = min(self._oldest, row.unix_time)
                    fresh.append(row)
        present = {tuple(str(path) for path in shard.paths) for shard in shards}
        for gone in self._signatures.keys() - present:
            del self._signatures[gone]
        return fresh

    def _forget_before(self, since: int) -> None:
        if self._oldest < since:
            self._seen = {key: None for key in self._seen if key[2] >= since}
            self._oldest = min((key[2] for key in self._seen), default=_LATEST)

    @property
    def remembered(self) -> int:
        """How many message keys are kept (bounded by the window)."""
        return len(self._seen)
