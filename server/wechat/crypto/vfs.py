"""An `apsw` VFS that serves encrypted WeChat databases as plain ones, page by page.

SQLite asks for byte ranges; `EncryptedSnapshot` maps them to pages and decrypts each one
(HMAC checked) into the bounded page cache. Read-only by construction, so nothing is ever
created in WeChat's folder (no -shm, -wal or journal) and no plaintext reaches any disk:

- xOpen refuses every file but a main database opened read-only (journals, WALs, temporary
  and transient files included; connections use `temp_store = MEMORY`, so SQLite needs none);
- xWrite, xTruncate and xDelete refuse; locks are no-ops (connections open with
  `immutable=1`, and every snapshot is private to its connection);
- xAccess says no file exists beside the database, so SQLite never looks for a hot journal.

Everything else (full path names, randomness, time) is the default VFS's.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import apsw

from server.wechat.crypto.pagecache import PageCache
from server.wechat.crypto.snapshot import EncryptedSnapshot, KeyFor

_SECTOR = 4096


class ReadOnlyVFSError(apsw.ReadOnlyError):
    pass


class EncryptedFile:
    """One connection's view of one encrypted database: a snapshot taken at xOpen."""

    def __init__(self, snapshot: EncryptedSnapshot) -> None:
        self.snapshot = snapshot

    def xRead(self, amount: int, offset: int) -> bytes:  # noqa: N802 (apsw's names)
        return self.snapshot.read(amount, offset)

    def xFileSize(self) -> int:  # noqa: N802
        return self.snapshot.size

    def xClose(self) -> None:  # noqa: N802
        self.snapshot.close()

    def xWrite(self, data: bytes, offset: int) -> None:  # noqa: N802
        raise ReadOnlyVFSError("encrypted WeChat databases are read-only")

    def xTruncate(self, newsize: int) -> None:  # noqa: N802
        raise ReadOnlyVFSError("encrypted WeChat databases are read-only")

    def xSync(self, flags: int) -> None:  # noqa: N802
        pass

    def xLock(self, level: int) -> None:  # noqa: N802
        pass

    def xUnlock(self, level: int) -> None:  # noqa: N802
        pass

    def xCheckReservedLock(self) -> bool:  # noqa: N802
        return False

    def xSectorSize(self) -> int:  # noqa: N802
        return _SECTOR

    def xDeviceCharacteristics(self) -> int:  # noqa: N802
        return int(apsw.SQLITE_IOCAP_IMMUTABLE)

    def xFileControl(self, op: int, ptr: int) -> bool:  # noqa: N802
        return False


class EncryptedVFS(apsw.VFS):
    """Registered under a unique name for the life of one pool; `unregister()` on close."""

    def __init__(self, key_for: KeyFor, cache: PageCache) -> None:
        self.vfs_name = f"chatlog-tray-encrypted-{uuid.uuid4().hex}"
        self._key_for = key_for
        self.cache = cache
        super().__init__(self.vfs_name, "")

    # apsw accepts any object with the file methods; subclassing apsw.VFSFile instead would
    # open the real file through the default VFS as well.
    def xOpen(  # type: ignore[override]  # noqa: N802
        self, name: str | apsw.URIFilename | None, flags: list[int]
    ) -> EncryptedFile:
        wanted = flags[0]
        if (
            not isinstance(name, apsw.URIFilename)
            or not wanted & apsw.SQLITE_OPEN_MAIN_DB
            or not wanted & apsw.SQLITE_OPEN_READONLY
            or wanted & (apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE)
        ):
            raise apsw.CantOpenError("only the main database, read-only")
        snapshot = EncryptedSnapshot(Path(name.filename()), self._key_for, self.cache)
        flags[1] = apsw.SQLITE_OPEN_READONLY
        return EncryptedFile(snapshot)

    def xAccess(self, pathname: str, flags: int) -> bool:  # noqa: N802
        return False

    def xDelete(self, filename: str, syncdir: bool) -> None:  # noqa: N802
        raise ReadOnlyVFSError("encrypted WeChat databases are read-only")
