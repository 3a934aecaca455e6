"""Pieces both transports share: JSON-RPC error bodies, client address, stream writing."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from server import asgi
from server.mcp import jsonrpc
from server.mcp.outbox import Outbox, OutboxClosedError


def rpc_error_body(code: int, message: str, request_id: jsonrpc.RequestId | None = None) -> bytes:
    error = jsonrpc.JsonRpcError(code, message)
    return jsonrpc.encode(jsonrpc.error_message(request_id, error))


# How long a client refused by a full work queue should wait before it tries again.
RETRY_AFTER_SECONDS = b"1"


def status_headers(status: int) -> asgi.Headers:
    """Headers an error status carries: a 429 (the work queue is full) says when to come
    back (docs/architecture.md)."""
    return [(b"retry-after", RETRY_AFTER_SECONDS)] if status == 429 else []


async def respond_rpc_error(
    send: asgi.Send,
    status: int,
    code: int,
    message: str,
    request_id: jsonrpc.RequestId | None = None,
) -> None:
    body = rpc_error_body(code, message, request_id)
    await asgi.respond(send, status, body, asgi.JSON, status_headers(status))


def token_name(scope: asgi.Scope) -> str | None:
    """The name of the token the security gate found on this request (server/security.py)."""
    name: str | None = scope.get(asgi.TOKEN_SCOPE_KEY)
    return name


def remote_address(scope: asgi.Scope) -> str | None:
    client = scope.get("client")
    if not client:
        return None
    host, port = client[0], client[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def pump_stream(
    outbox: Outbox,
    send: asgi.Send,
    receive: asgi.Receive,
    ping_interval: Callable[[], float],
) -> bool:
    """Write `outbox` to an open SSE response until it closes or the client leaves.

    Sends a `: ping` comment after `ping_interval()` seconds of silence, so half-open
    connections are noticed and proxies keep the stream; asked at each wait, so an open
    stream follows a live change of the setting. Returns True if the client left.
    """
    watcher = asyncio.get_running_loop().create_task(asgi.wait_for_disconnect(receive))
    watcher.add_done_callback(lambda _: outbox.close())
    try:
        while True:
            try:
                data = await outbox.get(ping_interval())
            except OutboxClosedError:
                break
            chunk = asgi.PING if data is None else asgi.sse_event(data)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    finally:
        client_left = watcher.done()
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    if not client_left:
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    return client_left
