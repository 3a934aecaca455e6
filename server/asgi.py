"""Just enough ASGI for the MCP hot paths, which skip Quart to halve their cost per request."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]

JSON = b"application/json"
# Where the security gate leaves the name of the token a request came with.
TOKEN_SCOPE_KEY = "chatlog.token"
EVENT_STREAM = b"text/event-stream"


class HttpError(Exception):
    """Stop handling and answer with this status (and an optional JSON body)."""

    def __init__(self, status: int, message: str, body: bytes | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.body = body


class ClientDisconnectedError(Exception):
    """The client went away before its request body arrived."""


def header(scope: Scope, name: bytes) -> bytes | None:
    """The value of header `name` (lower-case bytes), or None.

    The headers are indexed once per request (kept in the scope), because every request
    looks up half a dozen of them on its way through the security gate and the transport.
    """
    index: dict[bytes, bytes] | None = scope.get("chatlog.headers")
    if index is None:
        # Reversed, so that of repeated headers the first one wins, as HTTP readers expect.
        index = scope["chatlog.headers"] = dict(reversed(scope["headers"]))
    return index.get(name)


def query_param(scope: Scope, *names: str) -> str | None:
    """The first of `names` present in the query string (values are URL-decoded)."""
    query = scope.get("query_string", b"").decode("latin-1")
    if not query:
        return None
    params: dict[str, str] = dict(parse_qsl(query, keep_blank_values=True))
    for name in names:
        if name in params:
            return params[name]
    return None


def accepts(scope: Scope) -> tuple[bool, bool]:
    """Whether the client accepts (JSON, SSE). A missing Accept header accepts everything."""
    value = header(scope, b"accept")
    if value is None:
        return True, True
    return _accepted_types(value)


@functools.lru_cache(maxsize=64)  # clients send the same few Accept values every time
def _accepted_types(value: bytes) -> tuple[bool, bool]:
    value = value.lower()
    wildcard = b"*/*" in value
    json_ok = wildcard or JSON in value or b"application/*" in value
    sse_ok = wildcard or EVENT_STREAM in value or b"text/*" in value
    return json_ok, sse_ok


class BodyReader:
    """Reads request bodies: 413 beyond `limit` bytes, 408 when one takes over `timeout` s.

    Slow bodies are timed out by one shared timer that sweeps the requests still reading,
    instead of a timeout per request: the sweep costs nothing when bodies arrive at once,
    which on the MCP hot path they nearly always do. A slow body is cut between `timeout`
    and `timeout` plus a quarter of it (at most one second more).
    """

    def __init__(self, limit: int, timeout: float) -> None:
        self.limit = limit
        self.timeout = timeout
        self._sweep_every = min(1.0, timeout / 4)
        self._reading: dict[asyncio.Task[Any], float] = {}
        self._expired: set[asyncio.Task[Any]] = set()
        self._sweeper: asyncio.TimerHandle | None = None

    async def read(self, receive: Receive) -> bytes:
        task = asyncio.current_task()
        assert task is not None
        self._reading[task] = time.monotonic() + self.timeout
        if self._sweeper is None:
            self._schedule_sweep()
        try:
            return await self._read(receive)
        except asyncio.CancelledError:
            if task not in self._expired:
                raise
            self._expired.discard(task)
            task.uncancel()
            raise HttpError(408, "request body took too long to arrive") from None
        finally:
            self._reading.pop(task, None)

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnectedError
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                raise HttpError(413, f"request body is larger than {self.limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _schedule_sweep(self) -> None:
        loop = asyncio.get_running_loop()
        self._sweeper = loop.call_later(self._sweep_every, self._sweep)

    def _sweep(self) -> None:
        self._sweeper = None
        now = time.monotonic()
        for task, deadline in list(self._reading.items()):
            if deadline <= now:
                del self._reading[task]
                self._expired.add(task)
                task.cancel()
        if self._reading:
            self._schedule_sweep()


def close_if_answered_early(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """Add `Connection: close` to an answer that starts before the request body was all read.

    An early answer (413, 408, a refusal by the security gate, ...) leaves the rest of the
    body unread, so Hypercorn closes the connection once the answer is out: it cannot tell
    where the next request would start. Without saying so, a keep-alive client sends its
    next request into the closing connection and loses it; `Connection: close` makes it open
    a new one instead. Requests without a body pass untouched.
    """
    if scope.get("http_version") not in ("1.0", "1.1") or not _has_body(scope):
        return receive, send  # HTTP/2 forbids the header and ends each stream on its own
    body_read = False

    async def watching_receive() -> Message:
        nonlocal body_read
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            body_read = True
        return message

    async def closing_send(message: Message) -> None:
        if message["type"] == "http.response.start" and not body_read:
            message["headers"] = [*message.get("headers", []), (b"connection", b"close")]
        await send(message)

    return watching_receive, closing_send


def _has_body(scope: Scope) -> bool:
    length = header(scope, b"content-length")
    return (length is not None and length.strip() != b"0") or (
        header(scope, b"transfer-encoding") is not None
    )


async def respond(
    send: Send,
    status: int,
    body: bytes = b"",
    content_type: bytes | None = None,
    headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    response_headers: Headers = list(headers)
    if content_type is not None:
        response_headers.append((b"content-type", content_type))
    response_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": response_headers})
    await send({"type": "http.response.body", "body": body})


async def respond_text(send: Send, status: int, text: str) -> None:
    await respond(send, status, text.encode(), b"text/plain; charset=utf-8")


SSE_HEADERS: Headers = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache, no-transform"),
    (b"x-accel-buffering", b"no"),
]

PING = b": ping\n\n"


def sse_event(data: bytes, event: bytes = b"message") -> bytes:
    # Our JSON never contains raw newlines, so one data line always suffices.
    return b"event: " + event + b"\ndata: " + data + b"\n\n"


async def wait_for_disconnect(receive: Receive) -> None:
    """Return when the client closes the connection (used beside a streaming response)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
