"""Save… and Save As…: ask where, then write the media item there off the GUI thread.

The writing is `save_media` (server/wechat/export/media_file.py): the exact bytes the HTTP
API serves, whole or not at all, never inside WeChat's folders. Nothing is written before the
user has chosen the file (the app writes chat data only where the user says). One saver per
sessions window, shared with its picture viewer, so that a save starts in the folder the
previous one went to.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from desktop.save_picker import ask_save_path, safe_file_name, start_folder
from server.api import ExportError, Media, save_media

logger = logging.getLogger(__name__)

# Receives what to show the user at each step; "" when there is nothing to say.
type Report = Callable[[str], None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("MediaSaver", text)


def _title(kind: str) -> str:
    if kind == "image":
        return _tr("Save Picture")
    if kind == "voice":
        return _tr("Save Voice Message")
    if kind == "video":
        return _tr("Save Video")
    return _tr("Save File")


class MediaSaver:
    """Saves media items where the user chooses, for the window and its picture viewer.

    `data_dir` gives the WeChat data folder being read, which no save may go into.
    """

    def __init__(self, data_dir: Callable[[], Path]) -> None:
        self._data_dir = data_dir
        self._last_folder: Path | None = None  # where the previous save went

    async def save(self, media: Media, parent: QWidget, report: Report) -> Path | None:
        """Ask where to save `media` (named as the HTTP API names it), then write it there.
        Returns the file written, or None (cancelled, refused or failed: `report` says which).
        """
        folder = self._last_folder
        if folder is None:
            folder = await asyncio.to_thread(start_folder, media.kind)
        name = safe_file_name(media.name)
        out = await ask_save_path(parent, _title(media.kind), folder / name)
        if out is None:
            report("")
            return None
        report(_tr("Saving %1…").replace("%1", out.name))
        shown = -1

        def progress(done: int, total: int) -> None:
            nonlocal shown
            percent = done * 100 // total if total else 100
            if percent != shown:  # at most a hundred updates, however large the file
                shown = percent
                report(_tr("Saving %1… %2%").replace("%1", out.name).replace("%2", str(percent)))

        try:
            # The dialog asked before choosing a file that exists: replacing it was agreed.
            target = await save_media(media, out, self._data_dir(), replace=True, progress=progress)
        except asyncio.CancelledError:
            report(_tr("Cancelled: nothing was saved."))
            raise
        except ExportError as error:
            report(_tr("Cannot save there: %1").replace("%1", str(error)))
            return None
        except OSError as error:
            logger.info("a save failed: %s", error)
            report(_tr("The save failed: %1").replace("%1", str(error)))
            return None
        self._last_folder = target.parent
        report(_tr("Saved to %1").replace("%1", str(target)))
        return target
