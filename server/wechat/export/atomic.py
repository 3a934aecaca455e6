"""Files that appear whole or not at all: written under a temporary name beside the target
(mode 600, which the file keeps), flushed to disk, then renamed over it. On an error or
a cancel the temporary file (and a staged media folder) is removed and the target is left as
it was. `AtomicFile` takes text (an export), `AtomicBytes` bytes (a saved media item).

Every method blocks: call them off the event loop (`asyncio.to_thread`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any

# Of the target's name in a temporary one: file systems allow 255 bytes per name, and 60
# characters of UTF-8 (Chinese takes 3 bytes each) leave room for the random part.
_NAME_KEPT = 60


def _prefix(target: Path) -> str:
    return f".{target.name[:_NAME_KEPT]}."


class _Atomic:
    """Replaces `target` only on `commit`; `discard` removes what was written."""

    def __init__(self, target: Path, mode: str, **options: Any) -> None:
        self.target = target
        descriptor, name = tempfile.mkstemp(
            prefix=_prefix(target), suffix=".partial", dir=target.parent
        )
        self.temporary = Path(name)
        self._handle: IO[Any] = os.fdopen(descriptor, mode, **options)

    def commit(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.replace(self.temporary, self.target)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._handle.close()
        with contextlib.suppress(FileNotFoundError):
            self.temporary.unlink()


class AtomicFile(_Atomic):
    """A text file (UTF-8, `\\n` line ends)."""

    def __init__(self, target: Path) -> None:
        super().__init__(target, "w", encoding="utf-8", newline="")

    def write(self, text: str) -> None:
        self._handle.write(text)


class AtomicBytes(_Atomic):
    """A file of bytes, such as a picture or a video copied as it is."""

    def __init__(self, target: Path) -> None:
        super().__init__(target, "wb")

    def write(self, data: bytes) -> None:
        self._handle.write(data)


def staging_folder(final: Path) -> Path:
    """A new empty folder beside `final` to fill before it is renamed to `final`."""
    return Path(tempfile.mkdtemp(prefix=_prefix(final), suffix=".partial", dir=final.parent))


def move_into_place(staging: Path, final: Path) -> None:
    """Rename the filled `staging` folder to `final`, which must not exist (a folder is never
    replaced: it may hold the user's own files)."""
    if final.exists():
        raise FileExistsError(f"{final} already exists")
    staging.rename(final)


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
