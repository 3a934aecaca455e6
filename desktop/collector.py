"""Python's cycle collector, run on the GUI thread only.

Qt objects must be destroyed on the thread they live on; one destroyed elsewhere leaves its
timers registered ("Timers cannot be stopped from another thread") and crashes a later pass
of the event loop. Widgets and their slots form reference cycles, which only the cycle
collector frees, and Python runs it on whichever thread happens to allocate: here often a
worker thread reading the chat databases. So automatic collection is turned off and a timer
on the GUI thread collects instead, as often as the collector itself would (its thresholds),
checked every second.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 1000


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> int:
        """Collect the oldest generation that is due, as automatic collection would."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                return gc.collect(generation)
        return 0

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()
