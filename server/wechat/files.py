"""Noticing that a database changed: the one signature every cache in the data layer uses."""

from __future__ import annotations

from pathlib import Path

Signature = tuple[int, ...]


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def file_signature(path: Path) -> Signature:
    """Changes whenever `path` or its `-wal` is replaced, grows or is written."""
    values: list[int] = []
    for candidate in (path, wal_path(path)):
        try:
            stat = candidate.stat()
        except FileNotFoundError:
            values.extend((0, 0, 0))
        else:
            values.extend((stat.st_ino, stat.st_size, stat.st_mtime_ns))
    return tuple(values)
