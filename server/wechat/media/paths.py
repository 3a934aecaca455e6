"""Paths from WeChat's databases, kept inside WeChat's folder.

Media paths come from databases, never from a request, but a database is still input: a
stored `..\\..\\key.txt` or an absolute path must not reach a file outside the account
folder (chatlog's `/data/*` served any file under the data directory, the key file included:
docs/wechat-formats.md, "chatlog's HTTP API"). Every path is checked after symlinks are resolved.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

# What the app serves from the folder: media WeChat wrote, never its databases or keys.
_SERVED_SUFFIXES = frozenset({".dat", ".mp4", ".jpg", ".jpeg", ".png", ".gif", ".silk", ".amr"})


def inside(root: Path, relative: str) -> Path | None:
    """`root / relative` if it is a file within `root` (symlinks resolved), else None."""
    cleaned = relative.replace("\\", "/")
    parts = PurePosixPath(cleaned).parts
    if not parts or cleaned.startswith("/") or ":" in parts[0] or ".." in parts:
        return None
    base = root.resolve()
    try:
        target = (base / PurePosixPath(*parts)).resolve()
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(base) or target == base or not target.is_file():
        return None
    if target.suffix.lower() == ".db" or target.name.lower().endswith((".db-wal", ".db-shm")):
        return None  # a message database is never media, whatever a row says
    return target


def is_media_suffix(path: Path) -> bool:
    return path.suffix.lower() in _SERVED_SUFFIXES
