"""Just enough ASGI for the MCP hot paths, which skip Quart to halve their cost per request."""

from __future__ import annotations

import asyncio
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
    """The first value of header `name` (lower-case bytes), or None."""
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


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
    value = value.lower()
    wildcard = b"*/*" in value
    json_ok = wildcard or JSON in value or b"application/*" in value
    sse_ok = wildcard or EVENT_STREAM in value or b"text/*" in value
    return json_ok, sse_ok


async def read_body(receive: Receive, limit: int, timeout: float) -> bytes:
    """The whole request body; 413 beyond `limit` bytes, 408 if it takes over `timeout` s."""
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise ClientDisconnectedError
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    raise HttpError(413, f"request body is larger than {limit} bytes")
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
    except TimeoutError:
        raise HttpError(408, "request body took too long to arrive") from None
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


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
