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
import threading
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
    progress = _scan(memoryview(wal), page_size, None)
    return progress.frames() if progress is not None else None


@dataclass(slots=True)
class _Progress:
    """How far one WAL generation (its header) was checked: up to its last commit frame."""

    header: bytes
    words: str
    offset: int  # just past the last commit frame
    s0: int  # the running checksum there
    s1: int
    committed: dict[int, int]
    database_pages: int
    tail: bytes = b""  # the last commit frame's header, checked again before resuming

    def frames(self) -> WalFrames | None:
        return WalFrames(dict(self.committed), self.database_pages) if self.database_pages else None


def _scan(view: memoryview, page_size: int, resume: _Progress | None) -> _Progress | None:
    """Check `view`'s frames from the start, or from `resume` when it is the same generation;
    None when it is not a WAL of this page size."""
    if len(view) < HEADER_SIZE:
        return None
    header = bytes(view[:HEADER_SIZE])
    frame_size = FRAME_HEADER_SIZE + page_size
    if resume is not None and _continues(view, resume, frame_size, header):
        progress = _Progress(
            header,
            resume.words,
            resume.offset,
            resume.s0,
            resume.s1,
            dict(resume.committed),
            resume.database_pages,
            resume.tail,
        )
    else:
        magic, _version, wal_page_size, _checkpoint, _salt1, _salt2, c0, c1 = struct.unpack(
            ">8I", header
        )
        if magic not in (_MAGIC_LITTLE, _MAGIC_BIG) or wal_page_size != page_size:
            return None
        words = "<" if magic == _MAGIC_LITTLE else ">"
        if _checksum(view[:24], words, 0, 0) != (c0, c1):
            return None
        progress = _Progress(header, words, HEADER_SIZE, c0, c1, {}, 0)
    salts = header[16:24]
    words = progress.words
    s0, s1 = progress.s0, progress.s1
    pending: dict[int, int] = {}
    offset = progress.offset
    while offset + frame_size <= len(view):
        number, commit_size, f0, f1 = struct.unpack(
            ">2I8x2I", view[offset : offset + FRAME_HEADER_SIZE]
        )
        if view[offset + 8 : offset + 16] != salts or number == 0:
            break
        s0, s1 = _checksum(view[offset : offset + 8], words, s0, s1)
        page_at = offset + FRAME_HEADER_SIZE
        s0, s1 = _checksum(view[page_at : page_at + page_size], words, s0, s1)
        if (s0, s1) != (f0, f1):
            break
        pending[number] = page_at
        offset += frame_size
        if commit_size:
            progress.committed.update(pending)
            pending.clear()
            progress.database_pages = commit_size
            progress.offset, progress.s0, progress.s1 = offset, s0, s1
            progress.tail = bytes(
                view[offset - frame_size : offset - frame_size + FRAME_HEADER_SIZE]
            )
    return progress


def _continues(view: memoryview, resume: _Progress, frame_size: int, header: bytes) -> bool:
    """True when `view` is `resume`'s WAL grown: the same header, and its last commit frame
    still there as it was (any other change of the header means a new generation)."""
    if resume.header != header or resume.offset > len(view):
        return False
    if not resume.tail:
        return resume.offset == HEADER_SIZE
    at = resume.offset - frame_size
    return view[at : at + FRAME_HEADER_SIZE] == resume.tail


class WalReader:
    """`committed_frames` for WALs read again and again (a snapshot per change of the file).

    Between checkpoints WeChat only appends to a WAL: frames up to a commit never change while
    the header (salts, checksum) stays the same, and SQLite may rewrite only what follows the
    last commit. So the checksums are computed once per frame, not on every read: a WAL of
    7 MiB took 330 ms to check whole in Python, and new messages re-read it several times a
    second (docs/benchmarks-data.md, "Webhook delivery lag"). Thread-safe.
    """

    def __init__(self) -> None:
        self._known: dict[object, _Progress] = {}
        self._lock = threading.Lock()

    def committed_frames(
        self, key: object, wal: bytes | memoryview, page_size: int
    ) -> WalFrames | None:
        """As `committed_frames(wal, page_size)`, resuming what was checked of `key`'s WAL."""
        with self._lock:
            resume = self._known.get(key)
        progress = _scan(memoryview(wal), page_size, resume)
        with self._lock:
            if progress is None:
                self._known.pop(key, None)
            else:
                self._known[key] = progress
        return progress.frames() if progress is not None else None

    def forget(self, key: object) -> None:
        with self._lock:
            self._known.pop(key, None)
