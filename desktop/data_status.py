"""What the tray says about the WeChat data: demo, readable, partly readable, or not at all.

The chat store learns whether its folder can be read on its worker threads (the first look
right after opening, then every query), and `ChatStore.status()` reports it without touching
the disk. `DataWatch` reads that report on a timer, on the GUI thread, and tells the tray and
the menu when it changes, so a folder with no WeChat data never leaves the tray green.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

POLL_MS = 1000  # status() is an in-memory read: cheap enough to ask every second


class DataHealth(Enum):
    OPENING = "opening"
    DEMO = "demo"
    OK = "ok"
    PARTLY = "partly"  # some files could not be read (docs/isolation.md)
    PROBLEM = "problem"  # the folder cannot be read at all


@dataclass(frozen=True)
class DataStatus:
    health: DataHealth
    path: str
    # The store's reason (PROBLEM) or the names of the unreadable files (PARTLY).
    detail: str = ""

    @property
    def is_problem(self) -> bool:
        return self.health is DataHealth.PROBLEM


def data_status(status: Mapping[str, Any]) -> DataStatus:
    """The tray's view of a `ChatStore.status()` report."""
    path = str(status.get("path") or "")
    if status.get("demo"):
        return DataStatus(DataHealth.DEMO, path)
    state = status.get("state")
    if state == "error":
        return DataStatus(DataHealth.PROBLEM, path, str(status.get("message") or ""))
    if state == "opening":
        return DataStatus(DataHealth.OPENING, path)
    unreadable = status.get("unreadable") or []
    if unreadable:
        files = ", ".join(str(entry.get("file", "?")) for entry in unreadable)
        return DataStatus(DataHealth.PARTLY, path, files)
    return DataStatus(DataHealth.OK, path)


class DataWatch(QObject):
    """Follows the chat store's status; `changed` fires when the tray's view of it changes."""

    changed = Signal()

    def __init__(
        self,
        read_status: Callable[[], Mapping[str, Any]],
        parent: QObject | None = None,
        interval_ms: int = POLL_MS,
    ) -> None:
        super().__init__(parent)
        self._read_status = read_status
        self._status = data_status(read_status())
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    @property
    def status(self) -> DataStatus:
        return self._status

    def check(self) -> None:
        """Read the store's status now (also after the settings switch folders)."""
        status = data_status(self._read_status())
        if status != self._status:
            self._status = status
            self.changed.emit()

    def stop(self) -> None:
        self._timer.stop()
