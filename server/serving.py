"""Run the application under Hypercorn on the caller's event loop (asyncio or qasync).

The socket is bound here, before Hypercorn starts, so that a busy port is a clean
`PortInUseError` with nothing half-started, and port 0 yields the real port at once.
Stopping ends every MCP session first (their streams end cleanly), then lets Hypercorn close
its connections, with a backstop for connections that would otherwise hold the stop forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import logging
import socket
import sys
import time
from dataclasses import dataclass

from hypercorn.asyncio import serve
from hypercorn.config import Config as HypercornConfig

from server import endpoint
from server.app import Application

logger = logging.getLogger(__name__)

GRACEFUL_TIMEOUT = 3.0
START_TIMEOUT = 10.0


class ServerError(Exception):
    """The server could not start; the message is fit to show a user."""


class PortInUseError(ServerError):
    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            f"Port {port} on {host} is already in use. Stop the other program or choose "
            "another port."
        )
        self.host = host
        self.port = port


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening-ready socket on (host, port); raises PortInUseError or ServerError."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise ServerError(f"Cannot listen on {host!r}: {error.strerror}") from error
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if sys.platform != "win32":
            # Lets a restart reuse a port whose old connections sit in TIME_WAIT. Never on
            # Windows, where the same flag lets two servers share a port (hypercorn#171).
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as error:
        sock.close()
        in_use = error.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1))
        if in_use or getattr(error, "winerror", None) == 10048:
            raise PortInUseError(host, port) from error
        raise ServerError(f"Cannot listen on {host}:{port}: {error.strerror}") from error
    sock.setblocking(False)
    return sock


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


class ServerController:
    """Starts and stops one Application under Hypercorn; reusable across start/stop cycles.

    With `publish_endpoint`, the address is published for `chatlog-tray stdio` while serving
    (`server/endpoint.py`); the app does, tests and embedded servers do not.
    """

    def __init__(self, app: Application, *, publish_endpoint: bool = False) -> None:
        self.app = app
        self.publish_endpoint = publish_endpoint
        self.address: Address | None = None
        self._task: asyncio.Task[None] | None = None
        self._shutdown: asyncio.Event | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> Address:
        """Bind, serve, and return once connections are accepted."""
        if self.running:
            raise ServerError("the server is already running")
        config = self.app.config
        sock = bind_socket(config.host, config.port)
        port = sock.getsockname()[1]
        hypercorn_config = HypercornConfig()
        hypercorn_config.bind = [f"fd://{sock.detach()}"]  # Hypercorn now owns the socket
        hypercorn_config.graceful_timeout = GRACEFUL_TIMEOUT
        hypercorn_config.accesslog = None
        hypercorn_config.errorlog = logging.getLogger("hypercorn.error")
        # Streams must outlive any per-response limit; idle keep-alive still closes.
        hypercorn_config.keep_alive_timeout = 5.0
        self._shutdown = asyncio.Event()
        self.app.start()
        self._task = asyncio.ensure_future(
            serve(self.app, hypercorn_config, shutdown_trigger=self._shutdown.wait)  # type: ignore[arg-type]
        )
        self.address = Address(config.host, port)
        try:
            await self._wait_until_accepting(port)
        except BaseException:
            await self.stop()
            raise
        # Everything built so far (modules, schemas, the app) lives as long as the process:
        # moving it out of the collector's sight makes every later collection cheaper.
        gc.freeze()
        if self.publish_endpoint:
            endpoint.publish(endpoint.connectable_url(config.host, port))
        logger.info("listening on %s", self.address.url)
        return self.address

    async def stop(self) -> float:
        """Close every session and stop serving; returns the seconds it took."""
        started = time.monotonic()
        task, self._task = self._task, None
        if task is None:
            return 0.0
        if self.publish_endpoint:
            endpoint.withdraw()
        await self.app.stop()
        assert self._shutdown is not None
        self._shutdown.set()
        done, _ = await asyncio.wait({task}, timeout=GRACEFUL_TIMEOUT + 0.5)
        if not done:
            # Connections that did not end by themselves (hypercorn#308): cancel their tasks.
            logger.warning(
                "cancelling %d request(s) that outlived the graceful stop",
                len(self.app.request_tasks),
            )
            for request_task in list(self.app.request_tasks):
                request_task.cancel()
            done, _ = await asyncio.wait({task}, timeout=2.0)
        if not done:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        elif task.exception() is not None:
            logger.error("server stopped with an error", exc_info=task.exception())
        self.address = None
        elapsed = time.monotonic() - started
        logger.info("server stopped in %.2fs", elapsed)
        return elapsed

    async def _wait_until_accepting(self, port: int) -> None:
        host = self.app.config.host
        probe_host = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert self._task is not None
            if self._task.done():
                error = self._task.exception()
                raise ServerError(f"the server failed to start: {error!r}") from error
            try:
                _reader, writer = await asyncio.open_connection(probe_host, port)
            except OSError:
                if time.monotonic() > deadline:
                    raise ServerError("the server did not start accepting connections") from None
                await asyncio.sleep(0.01)
                continue
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return
