"""One encrypted database file and its `-wal`, as they were when opened, served page by page.

Issue 12: instead of decrypting a whole file into memory (the former `memory.py`), a page is
read and decrypted only when SQLite asks for it (`vfs.py`), its HMAC checked as in `pages.py`,
and kept in the shared bounded `PageCache`.

The WAL is merged page by page, as `database.py` merges it into a whole image: the committed
frames are found once at opening (`wal.WalReader`), and a page that has one is read
from the `-wal` (its newest committed copy), every other from the database file. The page
count is the last commit's. Page 1 is marked as a rollback-journal database (header bytes
18-19 = 1, see docs/encryption.md), so SQLite never looks for a `-wal` or `-shm` of its own.

A snapshot stays consistent or fails: WeChat may checkpoint or restart its WAL while a query
runs. A database read after its size or mtime changed, or a WAL frame whose salts are no longer
the ones seen at opening, raises `DatabaseChangingError` ("try again") instead of serving a mix
of old and new pages. The connection pool opens a new snapshot on the next query anyway, since
the file's signature changed (`files.file_signature`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from server.wechat.crypto.errors import (
    DatabaseChangingError,
    EncryptedDatabaseError,
    MissingDatabaseError,
    TruncatedDatabaseError,
    WrongKeyError,
)
from server.wechat.crypto.keys import Keys
from server.wechat.crypto.pagecache import PageCache
from server.wechat.crypto.pages import PageCipher, open_cipher
from server.wechat.crypto.params import layout_hint, profiles_for
from server.wechat.crypto.wal import FRAME_HEADER_SIZE, HEADER_SIZE, WalReader
from server.wechat.files import wal_path

# Per-file keys (issue 12's sibling work: all_keys.json) plug in here: whoever opens a
# snapshot says which key opens which file.
type KeyFor = Callable[[Path], Keys | None]  # a ring picks the file's own key by its salt

_LARGEST_PAGE = 65536
_ROLLBACK_MODE = 1
# A snapshot opens per change of a file; what was checked of each WAL is kept between them.
_WALS = WalReader()


class EncryptedSnapshot:
    """Plain pages of one encrypted file (+ committed WAL frames) as of opening; read-only.

    Raises (at opening): MissingDatabaseError, EncryptedDatabaseError (no key), WrongKeyError,
    TruncatedDatabaseError. Raises (per page): PageAuthenticationError, DatabaseChangingError.
    """

    def __init__(self, path: Path, key_for: KeyFor, cache: PageCache) -> None:
        self.path = path
        self._cache = cache
        self._lock = threading.Lock()
        try:
            self._db = path.open("rb")
        except FileNotFoundError:
            raise MissingDatabaseError(path) from None
        try:
            self._open(key_for)
        except BaseException:
            self.close()
            raise

    def _open(self, key_for: KeyFor) -> None:
        stat = os.fstat(self._db.fileno())
        self._db_stat = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        first = self._db.read(_LARGEST_PAGE)
        key = key_for(self.path)
        if key is None:
            raise EncryptedDatabaseError(self.path)
        profiles = profiles_for(layout_hint(self.path))
        try:
            self.cipher: PageCipher = open_cipher(self.path, first, key, profiles)
        except WrongKeyError:
            if stat.st_size < profiles[0].page_size:
                raise TruncatedDatabaseError(
                    self.path, 1, stat.st_size, profiles[0].page_size
                ) from None
            raise
        self.page_size = page_size = self.cipher.profile.page_size
        if stat.st_size % page_size:
            raise TruncatedDatabaseError(
                self.path, stat.st_size // page_size + 1, stat.st_size, page_size
            )
        self.page_count = stat.st_size // page_size
        self._frames: dict[int, int] = {}
        self._wal_handle = None
        self._wal_salts = b""
        try:
            wal = wal_path(self.path).open("rb")
        except FileNotFoundError:
            return
        # The WAL is read whole once to find its committed frames (it is reset at every
        # checkpoint, so it stays small next to the database); its pages are read again lazily.
        # Only the frames added since the last snapshot of this file are checked (wal.py).
        frames = _WALS.committed_frames(self.path, wal.read(), page_size)
        if frames is None:
            wal.close()
            return
        wal.seek(0)
        self._wal_salts = wal.read(HEADER_SIZE)[16:24]
        self._wal_handle = wal
        self._frames = frames.pages
        self.page_count = frames.database_pages

    @property
    def size(self) -> int:
        return self.page_count * self.page_size

    def page(self, number: int) -> bytes:
        """The plaintext of page `number` (1-based), from the cache or decrypted now."""
        wal_at = self._frames.get(number)
        key = (
            (self.path, "wal", self._wal_salts, wal_at)
            if wal_at is not None
            else (self.path, self._db_stat, number)
        )
        plain = self._cache.get(key)
        if plain is None:
            plain = self._decrypt(number, wal_at)
            self._cache.put(key, plain)
        if number == 1:
            plain = self._first_page(plain)
        return plain

    def read(self, amount: int, offset: int) -> bytes:
        """`amount` plain bytes at `offset` (fewer past the end), page by page."""
        size = self.page_size
        end = min(offset + amount, self.size)
        if end <= offset:
            return b""
        first, last = offset // size, (end - 1) // size
        data = b"".join(self.page(index + 1) for index in range(first, last + 1))
        start = offset - first * size
        return data[start : start + end - offset]

    def _decrypt(self, number: int, wal_at: int | None) -> bytes:
        size = self.page_size
        if wal_at is not None and self._wal_handle is not None:
            with self._lock:
                self._wal_handle.seek(wal_at - FRAME_HEADER_SIZE)
                frame = self._wal_handle.read(FRAME_HEADER_SIZE + size)
            if frame[8:16] != self._wal_salts or len(frame) != FRAME_HEADER_SIZE + size:
                raise DatabaseChangingError(self.path)  # the WAL restarted since opening
            return bytes(self.cipher.decrypt(frame[FRAME_HEADER_SIZE:], number, wal=True))
        with self._lock:
            stat = os.fstat(self._db.fileno())
            if (stat.st_ino, stat.st_size, stat.st_mtime_ns) != self._db_stat:
                raise DatabaseChangingError(self.path)  # checkpointed into since opening
            self._db.seek((number - 1) * size)
            encrypted = self._db.read(size)
        if len(encrypted) < size:
            # Beyond the file's end: a page the WAL grew the database by, then freed.
            return bytes(size)
        return bytes(self.cipher.decrypt(encrypted, number))

    def _first_page(self, page: bytes) -> bytes:
        header = bytearray(page)
        header[18] = header[19] = _ROLLBACK_MODE
        if self._frames:
            # As database.py does for a whole image: the page count and its validity stamp
            # must agree with the WAL's last commit.
            header[28:32] = self.page_count.to_bytes(4, "big")
            header[92:96] = header[24:28]
        return bytes(header)

    def close(self) -> None:
        self._db.close()
        handle = getattr(self, "_wal_handle", None)
        if handle is not None:
            handle.close()
