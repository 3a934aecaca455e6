"""One database file (and its `-wal`) in, one consistent plain SQLite image out.

Shared by both modes: the export streams the image into a temporary file, the in-place mode
into memory. Plain files take the same path with no decryption, so a folder that is partly
decrypted already also works. A file that changes while it is read (WeChat writing) is read
again; if it keeps changing, the caller gets `DatabaseChangingError` rather than a mix of old
and new pages.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Protocol

from server.wechat.crypto.errors import (
    DatabaseChangingError,
    EncryptedDatabaseError,
    MissingDatabaseError,
    TruncatedDatabaseError,
    WrongKeyError,
)
from server.wechat.crypto.keys import Keys
from server.wechat.crypto.pages import Buffer, PageCipher, open_cipher
from server.wechat.crypto.params import SQLITE_HEADER, CipherProfile, profiles_for
from server.wechat.crypto.wal import committed_frames
from server.wechat.files import file_signature, wal_path
from server.wechat.model import Layout

CHUNK_BYTES = 4 * 1024 * 1024
ATTEMPTS = 3
_LARGEST_PAGE = 65536
_ROLLBACK_MODE = 1

type Progress = Callable[[int], None]


class Sink(Protocol):
    """Where the plain image goes: random-access writes, then a final size."""

    def write_at(self, offset: int, data: Buffer) -> None: ...

    def read_at(self, offset: int, size: int) -> bytes: ...

    def truncate(self, size: int) -> None: ...


class MemorySink:
    def __init__(self) -> None:
        self.data = bytearray()

    def write_at(self, offset: int, data: Buffer) -> None:
        if offset == len(self.data):  # the usual case: pages arrive in order
            self.data += data
            return
        end = offset + len(data)
        if end > len(self.data):
            self.data.extend(bytes(end - len(self.data)))
        self.data[offset:end] = data

    def read_at(self, offset: int, size: int) -> bytes:
        return bytes(self.data[offset : offset + size])

    def truncate(self, size: int) -> None:
        del self.data[size:]
        if len(self.data) < size:
            self.data.extend(bytes(size - len(self.data)))


class FileSink:
    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    def write_at(self, offset: int, data: Buffer) -> None:
        self._handle.seek(offset)
        self._handle.write(data)

    def read_at(self, offset: int, size: int) -> bytes:
        self._handle.seek(offset)
        return self._handle.read(size)

    def truncate(self, size: int) -> None:
        self._handle.truncate(size)


def is_encrypted(path: Path) -> bool:
    """True for a non-empty file that does not start with SQLite's header."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    return bool(head) and head != SQLITE_HEADER


def read_database(
    path: Path,
    sink: Sink,
    key: Keys | None,
    layout: Layout | None = None,
    progress: Progress | None = None,
) -> None:
    """Write the plain, WAL-merged image of `path` into `sink`.

    Raises:
        MissingDatabaseError, EncryptedDatabaseError (no key), WrongKeyError,
        TruncatedDatabaseError, PageAuthenticationError, DatabaseChangingError.
    """
    for _ in range(ATTEMPTS):
        before = file_signature(path)
        if before[:3] == (0, 0, 0):
            raise MissingDatabaseError(path)
        sink.truncate(0)
        try:
            _read_once(path, sink, key, profiles_for(layout), progress)
        except FileNotFoundError:
            raise MissingDatabaseError(path) from None
        if file_signature(path) == before:
            return
    raise DatabaseChangingError(path)


def _read_once(
    path: Path,
    sink: Sink,
    key: Keys | None,
    profiles: tuple[CipherProfile, ...],
    progress: Progress | None,
) -> None:
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        first = handle.read(_LARGEST_PAGE)
        if not first:
            return  # an empty file is an empty database
        cipher = _cipher_for(path, first, size, key, profiles)
        page_size = cipher.profile.page_size if cipher else _plain_page_size(first)
        if size % page_size:
            raise TruncatedDatabaseError(path, size // page_size + 1, size, page_size)
        handle.seek(0)
        chunk = max(CHUNK_BYTES // page_size, 1) * page_size
        offset = 0
        while data := handle.read(chunk):
            sink.write_at(offset, _plain(cipher, data, offset // page_size + 1))
            offset += len(data)
            if progress:
                progress(len(data))
    try:
        wal = wal_path(path).read_bytes()
    except FileNotFoundError:
        wal = b""
    _merge_wal(sink, cipher, wal, page_size)
    if progress and wal:
        progress(len(wal))


def _cipher_for(
    path: Path,
    first: bytes,
    size: int,
    key: Keys | None,
    profiles: tuple[CipherProfile, ...],
) -> PageCipher | None:
    if first.startswith(SQLITE_HEADER):
        return None
    if key is None:
        raise EncryptedDatabaseError(path)
    try:
        return open_cipher(path, first, key, profiles)
    except WrongKeyError:
        if size < profiles[0].page_size:
            raise TruncatedDatabaseError(path, 1, size, profiles[0].page_size) from None
        raise


def _plain_page_size(first: bytes) -> int:
    value = int.from_bytes(first[16:18], "big")
    return 65536 if value == 1 else value or 4096


def _plain(cipher: PageCipher | None, data: Buffer, first_page: int, wal: bool = False) -> Buffer:
    return cipher.decrypt(data, first_page, wal=wal) if cipher else data


def _merge_wal(sink: Sink, cipher: PageCipher | None, wal: bytes, page_size: int) -> None:
    frames = committed_frames(wal, page_size) if wal else None
    if frames is not None:
        view = memoryview(wal)
        for number, at in sorted(frames.pages.items()):
            page = _plain(cipher, view[at : at + page_size], number, wal=True)
            sink.write_at((number - 1) * page_size, page)
        sink.truncate(frames.database_pages * page_size)
    header = bytearray(sink.read_at(0, 100))
    if len(header) < 100:
        return
    # The image is complete on its own: mark it as a rollback-journal database (no -wal, no
    # -shm needed) and make the header's page count and its validity stamp agree with it.
    header[18] = header[19] = _ROLLBACK_MODE
    if frames is not None:
        header[28:32] = frames.database_pages.to_bytes(4, "big")
        header[92:96] = header[24:28]
    sink.write_at(0, header)
