"""Headless mode: the same server without Qt, until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from server.composition import build_application
from server.config import ServerConfig
from server.serving import ServerController, ServerError

logger = logging.getLogger(__name__)


async def serve_until_signalled(config: ServerConfig) -> int:
    """Serve until a stop signal; returns the process exit code."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows' proactor loop
            signal.signal(signum, lambda *_: loop.call_soon_threadsafe(stop.set))
    application = build_application(config)
    controller = ServerController(application, publish_endpoint=True)
    try:
        address = await controller.start()
    except ServerError as error:
        logger.error("%s", error)
        await application.close()
        return 2
    # The one line scripts and tests wait for; flushed because stdout may be a pipe.
    print(f"listening on {address.url}", flush=True)  # noqa: T201
    try:
        await stop.wait()
    finally:
        await controller.stop()
        await application.close()
    return 0


def run(config: ServerConfig) -> int:
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(serve_until_signalled(config))
    return 0
