"""Finding the running app, and starting it when it is not running.

The app publishes its address in the endpoint file (`server/endpoint.py`); without one, the
default address is tried. When nothing answers `/health`, the bridge starts the app the user
installed, from the same executable: the tray app, which is single-instance
(`desktop/single_instance.py`), or the headless server where the tray cannot run
(`server/display.py`). It runs detached, with no handle on our pipes, so it outlives the bridge
and never writes into the client's protocol stream.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx

from server import endpoint
from server.config import DEFAULT_HOST, DEFAULT_PORT
from server.display import why_no_gui

logger = logging.getLogger(__name__)

DEFAULT_URL = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"
# Seconds an app may take to answer /health and still count as running. Not shorter: an app
# that is busy (or on a loaded computer) can take over a second, and a bridge that took it for
# absent would start a second app.
HEALTH_TIMEOUT = 3.0
POLL_INTERVAL = 0.1


class LaunchError(Exception):
    """The app is not running and could not be started; the message says why."""


@dataclass(frozen=True)
class LaunchOptions:
    headless: bool = False  # start the headless server even where the tray app could run
    port: int | None = None  # the port the started app listens on (None: its setting)
    timeout: float = 10.0


async def is_serving(http: httpx.AsyncClient, base_url: str) -> bool:
    """Whether `base_url` is a Chatlog Tray server that answers `/health`."""
    try:
        response = await http.get(base_url + "/health", timeout=HEALTH_TIMEOUT)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


async def running_app(http: httpx.AsyncClient) -> str | None:
    """The base URL of the running app, or None if none answers."""
    published = endpoint.read()
    candidates = [published.url] if published is not None else []
    if DEFAULT_URL not in candidates:
        candidates.append(DEFAULT_URL)  # an app that published nothing (or elsewhere)
    for url in candidates:
        if await is_serving(http, url):
            return url
    return None


async def find_or_start(http: httpx.AsyncClient, options: LaunchOptions) -> str:
    """The base URL of the running app, starting the app first if needed."""
    url = await running_app(http)
    if url is not None:
        return url
    command = launch_command(options)
    logger.info("the app is not running; starting %s", " ".join(command))
    try:
        process = start_detached(command)
    except OSError as error:
        raise LaunchError(f"cannot start the app ({command[0]}): {error}") from error
    deadline = time.monotonic() + options.timeout
    while time.monotonic() < deadline:
        published = endpoint.read()
        if published is not None and await is_serving(http, published.url):
            return published.url
        code = process.poll()
        if code not in (None, 0):
            raise LaunchError(f"the app exited with status {code} before it served anything")
        await asyncio.sleep(POLL_INTERVAL)
    if process.poll() == 0:  # handed over to an instance that is running but not serving
        raise LaunchError("the app is running but not serving; start the server from its tray menu")
    raise LaunchError(f"the app did not start serving within {options.timeout:g} s")


def launch_command(options: LaunchOptions) -> list[str]:
    """The command that starts this installation's app (frozen or from source)."""
    if getattr(sys, "frozen", False):
        command = [sys.executable]
    else:
        command = [sys.executable, "-m", "desktop"]
    if options.headless or why_no_gui() is not None:
        command.append("--headless")
    if options.port is not None:
        command += ["--port", str(options.port)]
    return command


def start_detached(command: list[str]) -> subprocess.Popen[bytes]:
    """Start `command` on its own: no pipes of ours, its own session or process group."""
    if sys.platform == "win32":
        flags = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            creationflags=flags,
            close_fds=True,
        )
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )
