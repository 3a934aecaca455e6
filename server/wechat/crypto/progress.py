"""Progress of an export: events for any listener (the desktop), and a terminal progress bar."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TextIO

type ExportState = Literal["reading", "skipped", "written", "failed"]


@dataclass(frozen=True, slots=True)
class ExportProgress:
    """Where an export stands. `done_bytes` counts source bytes read or skipped so far."""

    file: str  # path relative to the source folder, with forward slashes
    file_index: int  # 1-based
    file_count: int
    done_bytes: int
    total_bytes: int
    state: ExportState
    message: str = ""

    @property
    def fraction(self) -> float:
        return self.done_bytes / self.total_bytes if self.total_bytes else 1.0


type ProgressCallback = Callable[[ExportProgress], None]

_MIB = 1024 * 1024


class TerminalProgress:
    """A one-line progress bar on a terminal; one line per finished file when not a terminal
    (a log file or a pipe should not fill with carriage returns)."""

    def __init__(self, stream: TextIO, width: int = 28, interval: float = 0.1) -> None:
        self._stream = stream
        self._width = width
        self._interval = interval
        self._live = stream.isatty()
        self._shown_at = 0.0
        self._started = time.monotonic()

    def __call__(self, event: ExportProgress) -> None:
        if event.state != "reading":
            self._finished_file(event)
            return
        now = time.monotonic()
        if self._live and now - self._shown_at >= self._interval:
            self._shown_at = now
            self._stream.write("\r" + self._bar(event, now))
            self._stream.flush()

    def _finished_file(self, event: ExportProgress) -> None:
        label = {"skipped": "unchanged", "written": "decrypted", "failed": "FAILED"}[event.state]
        detail = f": {event.message}" if event.message else ""
        prefix = "\r\x1b[K" if self._live else ""
        counter = f"[{event.file_index}/{event.file_count}]"
        self._stream.write(f"{prefix}{counter} {label} {event.file}{detail}\n")
        if self._live:
            self._stream.write(self._bar(event, time.monotonic()))
        self._stream.flush()

    def _bar(self, event: ExportProgress, now: float) -> str:
        filled = int(event.fraction * self._width)
        elapsed = max(now - self._started, 1e-6)
        rate = event.done_bytes / _MIB / elapsed
        return (
            f"[{'#' * filled}{'.' * (self._width - filled)}] {event.fraction:4.0%} "
            f"{event.done_bytes / _MIB:,.1f}/{event.total_bytes / _MIB:,.1f} MiB "
            f"{rate:,.0f} MiB/s {event.file}\x1b[K"
        )

    def close(self) -> None:
        if self._live:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
