"""Which pages a `-wal` file holds for its database, up to its last complete transaction.

WeChat keeps databases in WAL mode, so recent messages may sit only in the `-wal` file. SQLite
would replay it through a `-shm` index it writes next to the database; instead the committed
frames are found here and laid over the decrypted pages, giving one consistent plain database.

Format (sqlite.org/fileformat2.html#walformat): a 32-byte header (magic, version, page size,
checkpoint number, two salts, a checksum), then frames of a 24-byte header (page number, the
database size in pages on a commit frame else 0, the salts, a running checksum) and one page.
SQLCipher encrypts the page before SQLite checksums the frame, so the checksums check the bytes
as they are on disk. A frame whose salts or checksum do not match ends the log: it is left over
from before the last checkpoint, or half written.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

HEADER_SIZE = 32
FRAME_HEADER_SIZE = 24
_MAGIC_LITTLE = 0x377F0682
_MAGIC_BIG = 0x377F0683
_MASK = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class WalFrames:
    """The committed content of a WAL: page number -> offset of that page's newest committed
    copy in the WAL, and the database size in pages after the last commit."""

    pages: dict[int, int]
    database_pages: int


def _checksum(data: bytes | memoryview, words: str, s0: int, s1: int) -> tuple[int, int]:
    values = struct.unpack(f"{words[0]}{len(data) // 4}I", data)
    for index in range(0, len(values), 2):
        s0 = (s0 + values[index] + s1) & _MASK
        s1 = (s1 + values[index + 1] + s0) & _MASK
    return s0, s1


def committed_frames(wal: bytes | memoryview, page_size: int) -> WalFrames | None:
    """The committed frames of `wal`, or None when it holds no committed transaction."""
    view = memoryview(wal)
    if len(view) < HEADER_SIZE:
        return None
    magic, _version, wal_page_size, _checkpoint, salt1, salt2, c0, c1 = struct.unpack(
        ">8I", view[:HEADER_SIZE]
    )
    if magic not in (_MAGIC_LITTLE, _MAGIC_BIG) or wal_page_size != page_size:
        return None
    words = "<" if magic == _MAGIC_LITTLE else ">"
    if _checksum(view[:24], words, 0, 0) != (c0, c1):
        return None
    s0, s1 = c0, c1
    pending: dict[int, int] = {}
    committed: dict[int, int] = {}
    database_pages = 0
    frame_size = FRAME_HEADER_SIZE + page_size
    offset = HEADER_SIZE
    while offset + frame_size <= len(view):
        number, commit_size, f_salt1, f_salt2, f0, f1 = struct.unpack(
            ">6I", view[offset : offset + FRAME_HEADER_SIZE]
        )
        if (f_salt1, f_salt2) != (salt1, salt2) or number == 0:
            break
        s0, s1 = _checksum(view[offset : offset + 8], words, s0, s1)
        page_at = offset + FRAME_HEADER_SIZE
        s0, s1 = _checksum(view[page_at : page_at + page_size], words, s0, s1)
        if (s0, s1) != (f0, f1):
            break
        pending[number] = page_at
        if commit_size:
            committed.update(pending)
            pending.clear()
            database_pages = commit_size
        offset += frame_size
    if not database_pages:
        return None
    return WalFrames(committed, database_pages)
