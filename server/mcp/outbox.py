"""A bounded buffer of encoded messages waiting to be written to one SSE stream.

A client that stops reading its stream makes the transport's writes block; messages then pile
up here. The buffer is bounded in bytes: when a message would overflow it, `put` refuses and
the owner closes the stream, so a stalled reader costs the server a fixed amount of memory.
"""

from __future__ import annotations

import asyncio
from collections import deque


class OutboxClosedError(Exception):
    """The stream this outbox feeds has ended."""


class Outbox:
    __slots__ = ("_buffered", "_closed", "_items", "_limit", "_waiter")

    def __init__(self, limit_bytes: int) -> None:
        self._limit = limit_bytes
        self._items: deque[bytes] = deque()
        self._buffered = 0
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def empty(self) -> bool:
        return not self._items

    def put(self, data: bytes) -> bool:
        """Queue `data`; False when the stream is closed or the reader is too far behind."""
        if self._closed:
            return False
        if self._items and self._buffered + len(data) > self._limit:
            return False
        self._items.append(data)
        self._buffered += len(data)
        self._wake()
        return True

    def take_only(self) -> bytes | None:
        """The message waiting here if it is the only one (taken out), else None."""
        if len(self._items) != 1:
            return None
        data = self._items.popleft()
        self._buffered -= len(data)
        return data

    def close(self) -> None:
        self._closed = True
        self._wake()

    async def get(self, timeout: float) -> bytes | None:
        """The next message, or None after `timeout` seconds of silence (time for a ping).

        Raises OutboxClosedError once the outbox is closed and drained.
        """
        if not self._items:
            if self._closed:
                raise OutboxClosedError
            loop = asyncio.get_running_loop()
            waiter = self._waiter = loop.create_future()
            timer = loop.call_later(timeout, _resolve, waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                self._waiter = None
            if not self._items:
                if self._closed:
                    raise OutboxClosedError
                return None
        data = self._items.popleft()
        self._buffered -= len(data)
        return data

    def _wake(self) -> None:
        if self._waiter is not None:
            _resolve(self._waiter)


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
