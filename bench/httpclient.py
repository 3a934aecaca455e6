"""A deliberately small HTTP/1.1 client on asyncio streams, for load generation.

httpx costs several hundred microseconds of client CPU per request, which is of the same order
as the servers under test; this client costs a fraction of that, so one client core can drive a
server core to saturation. It speaks exactly what the benchmark needs: keep-alive requests with
`content-length` or chunked answers, and one long-lived streaming GET read as Server-Sent Events.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass


class HttpError(Exception):
    """The server answered something this client does not understand."""


@dataclass(slots=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(slots=True)
class SseEvent:
    event: str
    data: str


class Connection:
    """One keep-alive HTTP/1.1 connection. Not safe for concurrent requests."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._host_header = f"{host}:{port}".encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    def _send_head(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes | None
    ) -> None:
        assert self._writer is not None
        lines = [f"{method} {target} HTTP/1.1".encode(), b"host: " + self._host_header]
        lines.extend(f"{name}: {value}".encode() for name, value in headers)
        if body is not None:
            lines.append(b"content-length: " + str(len(body)).encode())
        self._writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + (body or b""))

    async def _read_head(self) -> tuple[int, dict[str, str]]:
        assert self._reader is not None
        try:
            head = await self._reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as error:
            raise ConnectionResetError("the server closed the connection") from error
        status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers

    async def request(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]] | None = None,
        body: bytes | None = None,
    ) -> Response:
        if self._writer is None:
            await self.connect()
        assert self._reader is not None
        self._send_head(method, target, headers or [], body)
        status, response_headers = await self._read_head()
        if "content-length" in response_headers:
            data = await self._reader.readexactly(int(response_headers["content-length"]))
        elif response_headers.get("transfer-encoding", "").lower() == "chunked":
            data = b"".join([chunk async for chunk in self._chunks()])
        elif status in (204, 304) or 100 <= status < 200:
            data = b""
        else:
            data = await self._reader.read()
            await self.close()
        if response_headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, response_headers, data)

    async def _chunks(self) -> AsyncIterator[bytes]:
        assert self._reader is not None
        while True:
            size_line = await self._reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0], 16)
            if size == 0:
                await self._reader.readuntil(b"\r\n")  # no trailers expected
                return
            chunk = await self._reader.readexactly(size + 2)
            yield chunk[:-2]

    async def stream(
        self, target: str, headers: list[tuple[str, str]] | None = None
    ) -> tuple[int, AsyncIterator[SseEvent]]:
        """GET `target` and return its status and an iterator over its SSE events."""
        if self._writer is None:
            await self.connect()
        self._send_head("GET", target, [("accept", "text/event-stream"), *(headers or [])], None)
        status, response_headers = await self._read_head()
        chunked = response_headers.get("transfer-encoding", "").lower() == "chunked"
        return status, self._events(chunked)

    async def _events(self, chunked: bool) -> AsyncIterator[SseEvent]:
        assert self._reader is not None
        reader = self._reader
        buffer = b""

        async def raw() -> AsyncIterator[bytes]:
            if chunked:
                async for chunk in self._chunks():
                    yield chunk
            else:
                while chunk := await reader.read(65536):
                    yield chunk

        async for chunk in raw():
            buffer = (buffer + chunk).replace(b"\r\n", b"\n")
            while (end := buffer.find(b"\n\n")) >= 0:
                block, buffer = buffer[:end], buffer[end + 2 :]
                event = _parse_event(block)
                if event is not None:
                    yield event


def _parse_event(block: bytes) -> SseEvent | None:
    name = "message"
    data: list[str] = []
    for line in block.decode().split("\n"):
        if not line or line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
    if not data:
        return None
    return SseEvent(name, "\n".join(data))
