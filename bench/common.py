"""Shared bits of the bench servers: bind, serve an ASGI app under Hypercorn, stop on signal."""

from __future__ import annotations

import asyncio
import signal
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from hypercorn.asyncio import serve
from hypercorn.config import Config

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.setblocking(False)
    return sock


def hypercorn_config(sock: socket.socket) -> Config:
    """The same Hypercorn settings our server uses (no access log, 5 s keep-alive)."""
    config = Config()
    config.bind = [f"fd://{sock.detach()}"]
    config.accesslog = None
    config.keep_alive_timeout = 5.0
    config.graceful_timeout = 3.0
    # Held SSE sessions: let thousands of connections in without backlog drops.
    config.backlog = 4096
    return config


async def serve_until_signalled(app: AsgiApp, host: str, port: int) -> None:
    """Serve `app` under Hypercorn; print the listening line; stop on SIGINT/SIGTERM."""
    sock = bind(host, port)
    real_port = sock.getsockname()[1]
    config = hypercorn_config(sock)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    task = asyncio.ensure_future(serve(app, config, shutdown_trigger=stop.wait))  # type: ignore[arg-type]
    await _wait_accepting(host, real_port, task)
    print(f"listening on http://{host}:{real_port}", flush=True)
    await task


async def _wait_accepting(host: str, port: int, task: asyncio.Future[None]) -> None:
    while True:
        if task.done():
            task.result()
            raise RuntimeError("server stopped before it accepted connections")
        try:
            _reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            await asyncio.sleep(0.01)
            continue
        writer.close()
        await writer.wait_closed()
        return
