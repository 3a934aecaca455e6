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
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from desktop.save_picker import ask_save_path, safe_file_name, start_folder
from server.api import ExportError, Media, save_media

logger = logging.getLogger(__name__)

STOP_TIMEOUT = 2.0  # seconds a quit waits for the saves it cancels to clean up

# Receives what to show the user at each step; "" when there is nothing to say.
type Report = Callable[[str], None]


class MediaSaver(QObject):
    """Saves media items where the user chooses, for the window and its picture viewer.

    `data_dir` gives the WeChat data folder being read, which no save may go into.
    """

    def __init__(self, data_dir: Callable[[], Path], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._last_folder: Path | None = None  # where the previous save went
        self._asking = False  # a save dialog is open: a second click does not open another
        self._writing: set[asyncio.Task[Any]] = set()  # the saves under way, for `stop`
        self._stopped = False  # the app is quitting: no save starts any more

    def _title(self, kind: str) -> str:
        if kind == "image":
            return self.tr("Save Picture")
        if kind == "voice":
            return self.tr("Save Voice Message")
        if kind == "video":
            return self.tr("Save Video")
        return self.tr("Save File")

    async def save(self, media: Media, parent: QWidget, report: Report) -> Path | None:
        """Ask where to save `media` (named as the HTTP API names it), then write it there.
        Returns the file written, or None (cancelled, refused or failed: `report` says which).
        """
        if self._asking:
            report(self.tr("A save dialog is already open."))
            return None
        self._asking = True
        try:
            folder = self._last_folder
            if folder is None:
                folder = await asyncio.to_thread(start_folder, media.kind)
            name = safe_file_name(media.name)
            out = await ask_save_path(parent, self._title(media.kind), folder / name)
        finally:
            self._asking = False
        if self._stopped:
            return None  # the app quit while the dialog was open: nothing starts now
        if out is None:
            report("")
            return None
        report(self.tr("Saving %1…").replace("%1", out.name))
        shown = -1

        def progress(done: int, total: int) -> None:
            nonlocal shown
            percent = done * 100 // total if total else 100
            if percent != shown:  # at most a hundred updates, however large the file
                shown = percent
                text = self.tr("Saving %1… %2%").replace("%1", out.name)
                report(text.replace("%2", str(percent)))

        task = asyncio.current_task()
        if task is not None:
            self._writing.add(task)
        try:
            # The dialog asked before choosing a file that exists: replacing it was agreed.
            target = await save_media(media, out, self._data_dir(), replace=True, progress=progress)
        except asyncio.CancelledError:
            report(self.tr("Cancelled: nothing was saved."))
            raise
        except ExportError as error:
            report(self.tr("Cannot save there: %1").replace("%1", str(error)))
            return None
        except OSError as error:
            logger.info("a save failed: %s", error)
            report(self.tr("The save failed: %1").replace("%1", str(error)))
            return None
        finally:
            self._writing.discard(task)
        self._last_folder = target.parent
        report(self.tr("Saved to %1").replace("%1", str(target)))
        return target

    async def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Cancel the saves still writing (the app is quitting): each removes what it wrote,
        rather than leave a file half-written behind when the process ends."""
        self._stopped = True
        writing = set(self._writing)
        for task in writing:
            task.cancel()
        if writing:
            await asyncio.wait(writing, timeout=timeout)
