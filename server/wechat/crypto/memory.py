"""Read encrypted databases in place, in bounded memory, never writing plaintext to disk.

Issue 12: decrypting each whole file into memory (this module's former approach) took 756 MB
of RAM for a 330 MB store, so a heavy user's history could not fit. Now every connection is an
`apsw` connection over `vfs.EncryptedVFS`: SQLite asks for pages, they are decrypted on demand
(HMAC checked), and one process-wide `PageCache` keeps the recently used ones up to a fixed
size. The readers get the `facade.Connection`, which behaves as the `sqlite3.Connection` they
expect (see facade.py for why Python's sqlite3 cannot use the VFS itself).

A connection is a snapshot of the file and its WAL's committed frames as of opening; the
connection pool opens a new one when the file's signature changes, so new messages are seen on
the next query. Connections also get `temp_store = MEMORY`, so sorts and temporary indexes
cannot spill plaintext rows into the system's temp folder (the VFS refuses temp files anyway).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import cast

import apsw

from server.wechat.crypto.facade import Connection
from server.wechat.crypto.keys import Keys
from server.wechat.crypto.pagecache import DEFAULT_LIMIT_BYTES, PageCache
from server.wechat.crypto.snapshot import KeyFor
from server.wechat.crypto.vfs import EncryptedVFS

# SQLite's own page cache, per connection (one per worker thread and file): kept small, since
# the shared PageCache already holds the decrypted pages. Negative: KiB (sqlite.org/pragma).
_SQLITE_CACHE_KIB = 2048


class EncryptedDatabases:
    """Read-only connections to encrypted database files, decrypted page by page."""

    def __init__(
        self,
        key: Keys | None,
        *,
        key_for: KeyFor | None = None,
        cache_bytes: int = DEFAULT_LIMIT_BYTES,
    ) -> None:
        self.cache = PageCache(cache_bytes)
        self._vfs = EncryptedVFS(key_for or (lambda _path: key), self.cache)

    def connect(self, path: Path) -> sqlite3.Connection:
        """A new read-only connection showing the current content of encrypted `path`.

        Raises:
            DataSourceError: see `snapshot.EncryptedSnapshot`; EncryptedDatabaseError
            without a key.
        """
        raw = apsw.Connection(
            f"{path.resolve().as_uri()}?mode=ro&immutable=1",
            flags=apsw.SQLITE_OPEN_READONLY | apsw.SQLITE_OPEN_URI,
            vfs=self._vfs.vfs_name,
        )
        connection = Connection(raw)
        try:
            connection.execute("PRAGMA query_only = 1").fetchall()
            connection.execute("PRAGMA temp_store = MEMORY").fetchall()
            connection.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}").fetchall()
        except BaseException:
            connection.close()
            raise
        # The readers are typed against sqlite3.Connection; the facade implements the part of
        # it they use (facade.py). A cast keeps them unchanged.
        return cast(sqlite3.Connection, connection)

    def close(self) -> None:
        self.cache.clear()
        self._vfs.unregister()
