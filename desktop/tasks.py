"""Running coroutines from Qt slots without losing them or their errors.

A task nobody references can be garbage-collected mid-flight, and an exception nobody
retrieves is only reported at interpreter exit; `spawn` keeps each task until it ends and
logs its failure at once. (qasync's `asyncSlot` does the same but is untyped.)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

logger = logging.getLogger(__name__)

_running: set[asyncio.Task[Any]] = set()


def spawn[T](coroutine: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
    task = asyncio.ensure_future(coroutine)
    _running.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("background task failed", exc_info=task.exception())


async def drain(timeout: float = 2.0) -> None:
    """Wait (bounded) for the spawned tasks still running on this loop, e.g. before quitting.
    (The app has one loop; tests have one each, and a task left on a closed one never ends.)"""
    loop = asyncio.get_running_loop()
    pending = {
        task for task in _running if task is not asyncio.current_task() and task.get_loop() is loop
    }
    if pending:
        await asyncio.wait(pending, timeout=timeout)
