"""The database files that could not be read, each remembered until it changes.

One damaged, truncated or undecryptable message shard must not take the others down
(docs/isolation.md): the query layer skips it and says which file and time span may be
missing. A failure is remembered per file *signature* (files.py), so the file is not read
again, nor the failure logged again, until WeChat (or the user) changes it; then it is retried.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from server.wechat.errors import DataSourceError
from server.wechat.files import Signature

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """One file that failed, how, and the version of it that failed."""

    path: Path
    error: DataSourceError
    signature: Signature

    @property
    def reason(self) -> str:
        return str(self.error)


@dataclass(frozen=True, slots=True)
class SkippedShard:
    """A message database left out of an answer, and the time span it covers (Unix seconds;
    0 and None: open-ended)."""

    file: str
    reason: str
    start: int
    end: int | None

    @property
    def text(self) -> str:
        since = _when(self.start) if self.start else "the beginning"
        until = _when(self.end) if self.end is not None else "now"
        return (
            f"{self.file} could not be read: {self.reason} Messages from {since} to {until} "
            "may be missing."
        )


def _when(unix: int) -> str:
    return datetime.fromtimestamp(unix).astimezone().strftime("%Y-%m-%d %H:%M")


class UnreadableFiles:
    """Thread-safe record of the files that failed; shared by the pool and the queries."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: dict[Path, Unreadable] = {}

    def known(self, path: Path, signature: Signature) -> Unreadable | None:
        """The failure of this very version of `path`, if it failed before."""
        with self._lock:
            entry = self._files.get(path)
        return entry if entry is not None and entry.signature == signature else None

    def failed(self, path: Path, signature: Signature, error: DataSourceError) -> Unreadable:
        """Remember a failure; logged once per file and version."""
        with self._lock:
            previous = self._files.get(path)
            if previous is not None and previous.signature == signature:
                return previous
            entry = self._files[path] = Unreadable(path, error, signature)
        logger.warning("skipping %s until it changes: %s", path.name, error)
        return entry

    def readable(self, path: Path) -> None:
        """`path` (a new version of it) was read: forget its failure."""
        with self._lock:
            entry = self._files.pop(path, None)
        if entry is not None:
            logger.info("%s can be read again", path.name)

    def snapshot(self) -> list[Unreadable]:
        with self._lock:
            return sorted(self._files.values(), key=lambda entry: str(entry.path))
