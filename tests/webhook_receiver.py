"""A real webhook receiver for tests and benchmarks: an HTTP/1.1 server on 127.0.0.1:0.

It records every POSTed JSON body with the monotonic time it arrived, and answers as told:
`status` (200 by default), `fail_next` answers 500 that many times first, and `hang` makes it
read the request and never answer (the sender must time out).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

TIMEOUT = 30.0  # seconds a wait may take: only a bound on a hang


@dataclass
class Received:
    body: dict[str, Any]
    arrived: float  # time.monotonic()
    headers: dict[str, str]


@dataclass
class Receiver:
    port: int = 0
    status: int = 200
    fail_next: int = 0
    hang: bool = False
    received: list[Received] = field(default_factory=list)
    attempts: int = 0
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [message for item in self.received for message in item.body["messages"]]

    def contents(self) -> list[str]:
        return [message["content"] for message in self.messages]

    async def wait_for_messages(self, count: int, timeout: float = TIMEOUT) -> None:
        async with asyncio.timeout(timeout):
            while len(self.messages) < count:
                self._changed.clear()
                await self._changed.wait()

    async def wait_for_attempts(self, count: int, timeout: float = TIMEOUT) -> None:
        async with asyncio.timeout(timeout):
            while self.attempts < count:
                self._changed.clear()
                await self._changed.wait()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.attempts += 1
                self._changed.set()
                if self.hang:
                    await self._released.wait()  # the sender gives up; the test ends
                    return
                status = self.status
                if self.fail_next > 0:
                    self.fail_next -= 1
                    status = 500
                if 200 <= status < 300:
                    self.received.append(Received(json.loads(body), time.monotonic(), headers))
                    self._changed.set()
                writer.write(f"HTTP/1.1 {status} X\r\ncontent-length: 0\r\n\r\n".encode("latin-1"))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def webhook_receiver(**behaviour: Any) -> AsyncIterator[Receiver]:
    receiver = Receiver(**behaviour)
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    receiver.port = server.sockets[0].getsockname()[1]
    try:
        yield receiver
    finally:
        receiver._released.set()
        server.close()
        with contextlib.suppress(asyncio.CancelledError):
            server.close_clients()
            await asyncio.wait_for(server.wait_closed(), TIMEOUT)
