"""A bounded, thread-safe LRU of decrypted pages: the only plaintext the in-place mode keeps.

Issue 12: decrypting whole databases into memory made RAM grow with the history. Pages are now
decrypted when SQLite asks for them (`vfs.py`) and the recently used ones are kept here, up to
a fixed number of bytes for the whole process, whatever the number or size of the databases.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

DEFAULT_LIMIT_BYTES = 32 * 1024 * 1024


class PageCache:
    """Least recently used pages first out; never holds more than `limit_bytes` of pages."""

    def __init__(self, limit_bytes: int = DEFAULT_LIMIT_BYTES) -> None:
        self.limit_bytes = limit_bytes
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: Hashable, page: bytes) -> None:
        if len(page) > self.limit_bytes:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old)
            self._pages[key] = page
            self._bytes += len(page)
            while self._bytes > self.limit_bytes:
                _, evicted = self._pages.popitem(last=False)
                self._bytes -= len(evicted)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0
