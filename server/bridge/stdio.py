"""The MCP stdio transport: one JSON-RPC message per line on stdin and stdout.

Standard output carries protocol only. `claim_stdout` takes the real stdout for the protocol
and points file descriptor 1 (and `sys.stdout`) at stderr, so that nothing else (a stray
print, a library writing to fd 1) can ever corrupt the stream the client parses.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import threading
from typing import Any, BinaryIO


def claim_stdout() -> BinaryIO:
    """The protocol's output stream; from now on fd 1 and `sys.stdout` write to stderr."""
    protocol = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return protocol


def encode(message: Any) -> bytes:
    """One line: compact JSON, UTF-8, newline-terminated (JSON strings escape newlines)."""
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8") + b"\n"


class LineWriter:
    """Writes whole lines to the protocol stream from any task; lines never interleave."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._lock = asyncio.Lock()
        self.broken = asyncio.Event()  # the client closed its end

    async def write(self, message: Any) -> None:
        data = encode(message)
        async with self._lock:
            if self.broken.is_set():
                return
            try:
                # A thread, so a client slow to read stalls this line, not the event loop.
                await asyncio.to_thread(self._write, data)
            except (OSError, ValueError):
                self.broken.set()

    def _write(self, data: bytes) -> None:
        self._stream.write(data)
        self._stream.flush()


class LineReader:
    """Lines from a blocking binary stream, read on a thread and handed to the event loop.

    A thread, because no event-loop API reads a pipe on every platform (Windows' proactor
    cannot). `next()` returns None at end of input.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        thread = threading.Thread(target=self._read, name="stdio-reader", daemon=True)
        thread.start()

    async def next(self) -> bytes | None:
        return await self._queue.get()

    def stop(self) -> None:
        """End the input now, as end of file would (from the event loop's thread)."""
        self._queue.put_nowait(None)

    def _read(self) -> None:
        try:
            for line in iter(self._stream.readline, b""):
                self._loop.call_soon_threadsafe(self._queue.put_nowait, line)
        except (OSError, ValueError):
            pass
        finally:
            # RuntimeError: the loop is already closed, and nobody is waiting.
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._queue.put_nowait, None)
