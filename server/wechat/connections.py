"""Read-only SQLite connections that never write into the WeChat data directory.

Why not just `?mode=ro`: a read-only connection to a database in WAL mode still needs the
`-shm` index and would create it next to the database (and a hot `-journal` would need a
rollback). So a database that is in WAL mode, or has a `-wal` or `-journal` beside it, is read
through a private copy in a temporary directory owned by the pool; every other database is
opened in place with `mode=ro` and `query_only`, which never creates a file.

Each worker thread keeps its own connections (sqlite3 objects are not shared between threads);
a connection is reused until the file's signature (inode, size, mtime of the database and its
`-wal`) changes, so replaced or grown files are re-read without a restart.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import sqlite3
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from server.wechat.budget import PROGRESS_STEPS, sqlite_progress
from server.wechat.cells import lossy_text
from server.wechat.crypto.database import is_encrypted
from server.wechat.crypto.keys import Keys
from server.wechat.crypto.memory import EncryptedDatabases
from server.wechat.errors import DatabaseLockedError, DatabaseUnreadableError, DataSourceError
from server.wechat.files import Signature, file_signature, wal_path
from server.wechat.unreadable import UnreadableFiles

logger = logging.getLogger(__name__)

_HEADER = b"SQLite format 3\x00"
_WAL_VERSION = 2  # header bytes 18/19 (write/read version) are 2 for WAL mode
_BUSY_TIMEOUT_SECONDS = 2.0


def _needs_private_copy(path: Path) -> bool:
    for suffix in ("-wal", "-journal"):
        if path.with_name(path.name + suffix).exists():
            return True
    with path.open("rb") as handle:
        header = handle.read(20)
    if not header.startswith(_HEADER):
        raise DatabaseUnreadableError(path, "not a SQLite database (still encrypted?)")
    return header[18] == _WAL_VERSION or header[19] == _WAL_VERSION


def translate_error(path: Path, error: sqlite3.Error) -> DataSourceError:
    """Map SQLite's failure to the user-facing error family (environment, not a bug)."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return DatabaseLockedError(path)
    return DatabaseUnreadableError(path, str(error))


@dataclass(slots=True)
class _Entry:
    connection: sqlite3.Connection
    signature: Signature


class ConnectionPool:
    """Read-only connections per (thread, database path); private copies for WAL databases."""

    def __init__(self, key: Keys | None = None, unreadable: UnreadableFiles | None = None) -> None:
        self._local = threading.local()
        # Files that failed, per version: not opened again until they change (unreadable.py).
        self.unreadable = unreadable if unreadable is not None else UnreadableFiles()
        # Encrypted files are decrypted into memory only (never into _copy_root).
        self._encrypted = EncryptedDatabases(key)
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self._copy_root = Path(tempfile.mkdtemp(prefix="chatlog-tray-wal-"))
        self._closed = False

    def connect(self, path: Path) -> sqlite3.Connection:
        """A connection showing the current content of `path`.

        Raises:
            DataSourceError: the file is missing, not a (decrypted) database, or locked.
        """
        entries: dict[Path, _Entry] = self._local.__dict__.setdefault("entries", {})
        signature = file_signature(path)
        known = self.unreadable.known(path, signature)
        if known is not None:
            raise known.error.with_traceback(None)
        try:
            connection = self._connect(entries, path, signature)
        except DatabaseLockedError:
            raise  # passing: tried again on the next call
        except DataSourceError as error:
            self.unreadable.failed(path, signature, error)
            raise
        self.unreadable.readable(path)
        return connection

    def _connect(
        self, entries: dict[Path, _Entry], path: Path, signature: Signature
    ) -> sqlite3.Connection:
        try:
            entry = entries.get(path)
            if entry is not None and entry.signature == signature:
                return entry.connection
            if entry is not None:
                self._forget(entry.connection)
            connection = self._open(path)
        except OSError as error:
            raise DatabaseUnreadableError(path, error.strerror or str(error)) from error
        except sqlite3.Error as error:
            raise translate_error(path, error) from error
        entries[path] = _Entry(connection, signature)
        return connection

    def _open(self, path: Path) -> sqlite3.Connection:
        if self._closed:
            raise DatabaseUnreadableError(path, "the store is closed")
        if is_encrypted(path):
            connection = self._encrypted.connect(path)
        elif _needs_private_copy(path):
            connection = self._open_copy(path)
        else:
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=_BUSY_TIMEOUT_SECONDS,
                check_same_thread=False,
            )
            connection.execute("PRAGMA query_only = 1")
        connection.text_factory = lossy_text  # one bad cell must not fail the query
        # A statement of a query that runs over its budget, or is cancelled, is interrupted.
        connection.set_progress_handler(sqlite_progress, PROGRESS_STEPS)
        # Fail now (not mid-query) on an encrypted or truncated file.
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            connection.close()
            raise
        with self._lock:
            self._all.append(connection)
        return connection

    def _open_copy(self, path: Path) -> sqlite3.Connection:
        digest = hashlib.sha1(str(path.resolve()).encode(), usedforsecurity=False).hexdigest()
        target_dir = self._copy_root / f"{digest}-{threading.get_ident()}"
        shutil.rmtree(target_dir, ignore_errors=True)
        target_dir.mkdir(parents=True)
        target = target_dir / path.name
        shutil.copyfile(path, target)
        wal = wal_path(path)
        if wal.exists():
            shutil.copyfile(wal, wal_path(target))
        logger.debug("reading %s through a private copy (WAL mode)", path)
        # Read-write on our own copy, so SQLite can replay the copied WAL into it.
        return sqlite3.connect(target, timeout=_BUSY_TIMEOUT_SECONDS, check_same_thread=False)

    def _forget(self, connection: sqlite3.Connection) -> None:
        with self._lock:
            if connection in self._all:
                self._all.remove(connection)
        connection.close()

    def close(self) -> None:
        """Close every connection of every thread and delete the private copies."""
        with self._lock:
            self._closed = True
            connections, self._all = self._all, []
        for connection in connections:
            connection.close()
        self._encrypted.close()
        shutil.rmtree(self._copy_root, ignore_errors=True)
