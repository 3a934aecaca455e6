"""Building the index in the background and answering keyword queries from it.

The first build runs on its own thread after the data opens; until it is done every query
scans, as without an index. Afterwards each indexed query first catches up with the shards
whose files changed (their rows from the newest indexed time on, added if not yet stored),
so answers include messages that arrived a moment ago. Whenever the index cannot answer
exactly (building, busy for too long, a keyword without a literal, a hit the source no
longer holds) the caller scans: an answer is never wrong, only slower.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from server.wechat import budget
from server.wechat.budget import QueryBudget
from server.wechat.crypto.keys import Keys
from server.wechat.errors import QueryCancelledError
from server.wechat.files import file_signature
from server.wechat.keyword import KeywordPattern
from server.wechat.readers import Reader, Row, RowQuery
from server.wechat.readers.base import Shard, time_order
from server.wechat.search.documents import Document, document_of
from server.wechat.search.grams import cased_expression, is_exact, match_expression
from server.wechat.search.index import Filters, Hit, SearchIndex
from server.wechat.search.literals import index_literal, is_plain

logger = logging.getLogger(__name__)

ENV_DIRECTORY = "CHATLOG_TRAY_SEARCH_DIR"
_EARLIEST, _LATEST = -(2**62), 2**62
# How long a query waits for another one's catch-up before it scans instead.
_SYNC_WAIT = 2.0
_KEY_PURPOSE = b"chatlog-tray search index v1"


def default_directory() -> Path:
    """Where index files live: the env override (tests) or the app's own data folder."""
    override = os.environ.get(ENV_DIRECTORY)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("chatlog-tray")) / "search"


@dataclass(frozen=True, slots=True)
class SearchSettings:
    """Whether to keep an index, and where (None: `default_directory()`)."""

    enabled: bool = True
    directory: Path | None = None


class SearchService:
    """One data directory's index: its state for /health and the indexed keyword query."""

    def __init__(self, source: Path, layout: str, key: Keys | None, directory: Path) -> None:
        identity = f"{layout}\n{source.resolve()}"
        name = hashlib.sha256(identity.encode()).hexdigest()[:24]
        self._file = directory / f"{name}.db"
        self._identity = identity
        self._secret = key.derived_key(_KEY_PURPOSE) if key is not None else None
        self._index: SearchIndex | None = None
        self._state = "building"
        self._indexed = 0
        self._total = 0
        self._sync = threading.Lock()
        self._budget = QueryBudget(float("inf"))
        self._thread: threading.Thread | None = None
        # start() and close() come from different worker threads: one must not see the
        # other's thread half made (joining a thread not yet started raises).
        self._lifecycle = threading.Lock()
        self._closed = False

    def status(self) -> dict[str, Any]:
        return {"state": self._state, "indexed": self._indexed, "total": self._total}

    def start(self, reader: Reader, known: Callable[[], list[str]]) -> None:
        """Build (or catch up) the index on a background thread."""
        with self._lifecycle:
            if self._closed:
                return
            self._thread = threading.Thread(
                target=self._build, args=(reader, known), name="search-index", daemon=True
            )
            self._thread.start()

    def close(self) -> None:
        self._budget.cancel()  # the builder's SQLite statements stop at their next check
        with self._lifecycle:
            self._closed = True
            thread = self._thread
        if thread is not None:
            thread.join()
        with self._sync:
            if self._index is not None:
                self._index.close()
                self._index = None
        if self._state != "error":
            self._state = "off"

    def _build(self, reader: Reader, known: Callable[[], list[str]]) -> None:
        try:
            with self._budget.running(), self._sync:
                self._index = SearchIndex(self._file, self._identity, self._secret)
                names = known()
                shards = reader.shards()
                everything = RowQuery(_EARLIEST, _LATEST, None)
                self._total = sum(reader.count(shard, everything, names) for shard in shards)
                self._indexed = self._index.count()
                self._catch_up(reader, shards, names)
                self._index.checkpoint()
            self._state = "ready"
            logger.info("search index ready: %d messages in %s", self._indexed, self._file)
        except QueryCancelledError:
            pass  # closing
        except Exception:
            if not self._budget.cancelled:
                logger.exception("building the search index failed")
                self._state = "error"

    def _catch_up(self, reader: Reader, shards: Iterable[Shard], known: list[str]) -> None:
        """Index what changed in each shard since it was last read (caller holds `_sync`)."""
        index = self._index
        assert index is not None
        stored = index.shards()
        for shard in shards:
            key = shard_key(shard)
            signature = repr([file_signature(path) for path in shard.paths])
            previous = stored.get(key)
            if previous is not None and previous[0] == signature:
                continue
            watermark = previous[1] if previous is not None else _EARLIEST
            # In the scan's order (query.py sorts each shard's rows the same stable way), so
            # that document ids follow it.
            rows = sorted(
                reader.rows(shard, RowQuery(watermark, _LATEST, None), known), key=time_order
            )
            newest = max((row.unix_time for row in rows), default=watermark)
            self._indexed += index.add(key, _documents(rows), signature, newest)
        self._total = max(self._total, self._indexed)

    def find(
        self,
        reader: Reader,
        known: list[str],
        pattern: KeywordPattern,
        filters: Filters,
        descending: bool,
        limit: int,
        offset: int,
    ) -> tuple[list[Row], int] | None:
        """The page of rows matching `pattern` and the filters, and the total; None: scan."""
        if self._state != "ready":
            return None
        literal = index_literal(pattern.keyword)
        expression = match_expression(literal) if literal else None
        if literal is None or expression is None:
            return None
        if not self._sync.acquire(timeout=_SYNC_WAIT):
            return None
        try:
            index = self._index
            if index is None:
                return None
            shards = reader.shards()
            self._catch_up(reader, shards, known)
        finally:
            self._sync.release()
        try:
            cased = cased_expression(literal) if is_plain(pattern.keyword) else None
            if cased is not None:
                # One Latin word (or prefix, or infix): exact on the case-exact terms.
                hits, total = index.page(cased, filters, descending, limit, offset, None, "cased")
            elif is_plain(pattern.keyword):
                # A plain keyword is a substring: exact in FTS5 for uncased text, else SQL's
                # instr() on the stored text decides, as the regex would.
                exact = None if is_exact(literal) else literal
                hits, total = index.page(expression, filters, descending, limit, offset, exact)
            else:
                candidates = index.candidates(expression, filters)
                found = [hit for hit in candidates if pattern.search(hit.body)]
                if descending:
                    found.reverse()
                total = len(found)
                hits = found[offset : offset + limit] if limit > 0 else found[offset:]
        except sqlite3.OperationalError:
            # A term FTS5's tokenizer splits to nothing (a character it treats as a
            # separator) makes the expression invalid: the scan answers instead.
            return None
        rows = _source_rows(reader, shards, hits, known)
        return (rows, total) if rows is not None else None


def _documents(rows: list[Row]) -> Iterator[Document]:
    for number, row in enumerate(rows):
        if number % 1000 == 0:
            budget.check()  # closing the store stops a build between rows, not after a shard
        yield document_of(row)


def shard_key(shard: Shard) -> str:
    """The shard's files, absolute: the same whatever form the data directory was given in."""
    return "\n".join(str(path.resolve()) for path in shard.paths)


def _source_rows(
    reader: Reader, shards: Sequence[Shard], hits: list[Hit], known: list[str]
) -> list[Row] | None:
    """The stored rows of the hits, read again from the source (one talker, one second each);
    None when one is gone (the caller then scans)."""
    by_key = {shard_key(shard): shard for shard in shards}
    read: dict[tuple[str, str, int], list[Row]] = {}
    rows: list[Row] = []
    for hit in hits:
        shard = by_key.get(hit.shard)
        if shard is None:
            return None
        place = (hit.shard, hit.talker, hit.unix_time)
        if place not in read:
            query = RowQuery(hit.unix_time, hit.unix_time, (hit.talker,))
            read[place] = reader.rows(shard, query, known)
        row = next((row for row in read[place] if row.seq == hit.seq), None)
        if row is None:
            return None
        rows.append(row)
    return rows
