"""The app's asyncio loop: qasync's Qt event loop, with `call_soon` made cheap.

qasync runs every `call_soon` callback through a Qt timer of its own (a `startTimer(0)`, a
timer event, a `killTimer`), which costs several times what asyncio's own loop spends on a
ready callback; a served request schedules dozens of them (docs/benchmarks.md, "The tray app
against headless mode"). Here callbacks due now go into one queue, drained by a single
zero-delay timer in the order they came, as asyncio's own loop does; everything else (delays,
sockets, threads) stays qasync's.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import deque
from collections.abc import Callable
from typing import Any

import qasync
from PySide6.QtCore import QTimer


class QtEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ready: deque[asyncio.Handle] = deque()
        self._ready_timer = QTimer()
        self._ready_timer.setSingleShot(True)
        self._ready_timer.setInterval(0)
        self._ready_timer.timeout.connect(self._run_ready)

    def call_soon(
        self,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        self._check_closed()
        handle = asyncio.Handle(callback, args, self, context)
        self._ready.append(handle)
        if not self._ready_timer.isActive():
            self._ready_timer.start()
        return handle

    def _run_ready(self) -> None:
        # Only the callbacks queued so far: those they queue run on the next pass, so Qt's own
        # events (input, painting, sockets) are never starved.
        for _ in range(len(self._ready)):
            handle = self._ready.popleft()
            if not handle.cancelled():
                handle._run()
        if self._ready and not self.is_closed():
            self._ready_timer.start()

    def close(self) -> None:
        self._ready_timer.stop()
        self._ready.clear()
        super().close()
