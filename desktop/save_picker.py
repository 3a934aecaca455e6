"""Asking where to save: a save-file dialog, awaited without a nested event loop.

The dialog is opened with `open()`, not `exec()` or a static `QFileDialog.getSaveFileName()`,
and its `finished` signal is awaited (docs/architecture.md, "The desktop app's loop": a nested
loop under the server's would re-enter it). Where the platform has its own dialog (Windows,
macOS, a desktop portal) Qt shows that one; it asks itself before a file is replaced.
"""

from __future__ import annotations

import asyncio
import unicodedata
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

# Where a save dialog starts for each kind of media, before anything was saved.
_FOLDERS = {
    "image": QStandardPaths.StandardLocation.PicturesLocation,
    "video": QStandardPaths.StandardLocation.MoviesLocation,
}
# Bytes of UTF-8 in a suggested name: file systems allow 255 per name (Chinese takes 3 each).
_NAME_BYTES = 200


def start_folder(kind: str) -> Path:
    """The user's Pictures folder for a picture, Videos for a video, Downloads for the rest;
    the home folder when that one does not exist. Blocking (it looks at the disk)."""
    location = _FOLDERS.get(kind, QStandardPaths.StandardLocation.DownloadLocation)
    folder = QStandardPaths.writableLocation(location)
    if folder and Path(folder).is_dir():
        return Path(folder)
    return Path.home()


def safe_file_name(name: str, fallback: str = "media") -> str:
    """`name` (a file's title from a message: anyone's input) as a name of one file in the
    folder chosen, never a path elsewhere: no separators, control characters or leading
    dots, and not too long for a file system (`_NAME_BYTES` of UTF-8; the extension is
    kept)."""
    cleaned = "".join(
        "_" if ch in '/\\:*?"<>|' or unicodedata.category(ch).startswith("C") else ch for ch in name
    ).strip(" .")
    if len(cleaned.encode()) > _NAME_BYTES:
        stem, dot, suffix = cleaned.rpartition(".")
        if not (dot and 0 < len(suffix) <= 10):
            stem, suffix = cleaned, ""
        ending = "." + suffix if suffix else ""
        room = _NAME_BYTES - len(ending.encode())
        cleaned = stem.encode()[:room].decode(errors="ignore").rstrip(" .") + ending
    return cleaned or fallback


async def ask_save_path(parent: QWidget, title: str, suggested: Path) -> Path | None:
    """The file the user chose in a save dialog that opens on `suggested` (its folder and
    name), or None when they cancelled. A file that exists was confirmed by the dialog."""
    picker = QFileDialog(parent, title, str(suggested))
    picker.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    picker.setFileMode(QFileDialog.FileMode.AnyFile)
    if suggested.suffix:
        # "holiday" typed without an extension is saved as "holiday.jpg".
        picker.setDefaultSuffix(suggested.suffix.lstrip("."))
    chosen: list[str] = []
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def finished() -> None:
        if not closed.done():
            closed.set_result(None)

    picker.fileSelected.connect(chosen.append)
    picker.finished.connect(finished)
    picker.destroyed.connect(finished)  # its window closed under it: as if cancelled
    picker.finished.connect(picker.deleteLater)
    picker.open()
    try:
        await closed
    except asyncio.CancelledError:
        if not closed.done() and picker.isVisible():
            picker.reject()
        raise
    return Path(chosen[-1]) if chosen else None
