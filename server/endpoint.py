"""Where the running app listens, published in a small file for `chatlog-tray stdio`.

The file (`endpoint.json` in the user's runtime folder, else the state folder) says
`{"url": ..., "pid": ...}` and nothing else: no token, nothing secret, so it may sit in a
folder other programs of the user can read. It is written atomically (a temporary file
renamed over it) when serving starts and removed when serving stops, and only by the
process it names, so a second server stopping does not withdraw the first one's address.
`CHATLOG_TRAY_RUNTIME_DIR` moves the folder (the tests use it to stay out of the user's).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from server.logging_setup import APP_NAME

logger = logging.getLogger(__name__)

RUNTIME_DIR_ENV = "CHATLOG_TRAY_RUNTIME_DIR"
FILE_NAME = "endpoint.json"


@dataclass(frozen=True)
class Endpoint:
    url: str
    pid: int


def runtime_dir() -> Path:
    override = os.environ.get(RUNTIME_DIR_ENV)
    if override:
        return Path(override)
    if sys.platform.startswith(("linux", "freebsd")) and not os.environ.get("XDG_RUNTIME_DIR"):
        # Without a session's runtime folder platformdirs would pick one in the shared /tmp.
        return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))
    return Path(platformdirs.user_runtime_dir(APP_NAME, appauthor=False))


def endpoint_path() -> Path:
    return runtime_dir() / FILE_NAME


def connectable_url(host: str, port: int) -> str:
    """The URL a local client dials for a server listening on (host, port)."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}"


def publish(url: str, pid: int | None = None) -> None:
    """Write the endpoint file atomically; a failure is logged, never raised."""
    path = endpoint_path()
    data = json.dumps({"url": url, "pid": os.getpid() if pid is None else pid})
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(prefix=".endpoint-", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as error:
        logger.warning("cannot publish the server address in %s: %s", path, error)
        return
    logger.debug("published %s in %s", url, path)


def withdraw(pid: int | None = None) -> None:
    """Remove the endpoint file if it names this process (or `pid`)."""
    path = endpoint_path()
    current = read()
    if current is None or current.pid != (os.getpid() if pid is None else pid):
        return
    with contextlib.suppress(FileNotFoundError):
        try:
            path.unlink()
        except OSError as error:
            logger.warning("cannot remove %s: %s", path, error)


def read() -> Endpoint | None:
    """The published endpoint, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads(endpoint_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    url, pid = data.get("url"), data.get("pid")
    if not isinstance(url, str) or not isinstance(pid, int):
        return None
    return Endpoint(url, pid)
