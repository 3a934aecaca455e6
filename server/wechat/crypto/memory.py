"""Read encrypted databases in place: decrypted into memory, never onto disk.

Each file is decrypted once per version (size, mtime and inode of it and its `-wal`) into one
in-memory SQLite database that every worker thread shares: SQLite's `memdb` VFS shares a
database between the connections of a process when its name starts with "/". The decrypted
image is handed over with `deserialize` on a private connection and then copied page by page
with the backup API, because `deserialize` itself detaches a shared name. When the file
changes, the next connection gets a new generation; the old one is freed by SQLite when its
last connection closes.

Connections also get `temp_store = MEMORY`, so sorts and temporary indexes, which would
otherwise spill plaintext rows into the system's temp folder, stay in memory.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from server.wechat.crypto.database import MemorySink, read_database
from server.wechat.crypto.keys import Keys
from server.wechat.crypto.params import layout_hint
from server.wechat.files import file_signature

logger = logging.getLogger(__name__)

_BUSY_TIMEOUT_SECONDS = 2.0


@dataclass(slots=True)
class _Generation:
    signature: tuple[int, ...]
    uri: str
    owner: sqlite3.Connection  # keeps the shared memory database alive


class EncryptedDatabases:
    """Read-only connections to decrypted-in-memory copies of encrypted database files."""

    def __init__(self, key: Keys | None) -> None:
        self._key = key
        self._generations: dict[Path, _Generation] = {}
        self._locks: dict[Path, threading.Lock] = {}
        self._lock = threading.Lock()

    def connect(self, path: Path) -> sqlite3.Connection:
        """A new read-only connection showing the current content of encrypted `path`.

        Raises:
            DataSourceError: see `read_database`; EncryptedDatabaseError without a key.
        """
        uri = self._current(path)
        connection = sqlite3.connect(
            uri, uri=True, timeout=_BUSY_TIMEOUT_SECONDS, check_same_thread=False
        )
        connection.execute("PRAGMA query_only = 1")
        connection.execute("PRAGMA temp_store = MEMORY")
        return connection

    def _current(self, path: Path) -> str:
        with self._lock:
            path_lock = self._locks.setdefault(path, threading.Lock())
        # One decryption per file at a time: other threads wait for it and share the result.
        with path_lock:
            signature = file_signature(path)
            with self._lock:
                generation = self._generations.get(path)
            if generation is not None and generation.signature == signature:
                return generation.uri
            fresh = self._decrypt(path)
            with self._lock:
                self._generations[path] = fresh
            if generation is not None:
                generation.owner.close()
            return fresh.uri

    def _decrypt(self, path: Path) -> _Generation:
        sink = MemorySink()
        signature = file_signature(path)
        read_database(path, sink, self._key, layout_hint(path))
        # The signature read before decrypting: if the file changed meanwhile, the next
        # connect sees a different one and decrypts again.
        uri = f"file:/chatlog-tray-{uuid.uuid4().hex}?vfs=memdb"
        owner = sqlite3.connect(uri, uri=True, check_same_thread=False)
        staging = sqlite3.connect(":memory:")
        try:
            staging.deserialize(sink.data)
            del sink
            staging.backup(owner)
        finally:
            staging.close()
        logger.debug("decrypted %s into memory", path.name)
        return _Generation(signature, uri, owner)

    def close(self) -> None:
        with self._lock:
            generations, self._generations = self._generations, {}
        for generation in generations.values():
            generation.owner.close()
