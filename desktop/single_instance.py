"""One running app per user: a second launch asks the first to come to the front, then exits.

The lock is a local channel named after the user: a Unix domain socket (in
$XDG_RUNTIME_DIR, else the temp folder) on Linux and macOS, a named pipe on Windows, both
through the standard library's `multiprocessing.connection` (so Qt's network module stays
out of the bundle). The first instance listens on it; a later launch connects, says
"activate" and exits. The listener waits on a thread of its own and hands each request to
the GUI thread through a queued Qt signal.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import logging
import os
import sys
import tempfile
import threading
from multiprocessing.connection import Client, Connection, Listener

from PySide6.QtCore import QObject, Qt, Signal

logger = logging.getLogger(__name__)

ACTIVATE = b"activate\n"
ACKNOWLEDGE = b"ok\n"
STOP = b"stop\n"  # release() wakes its own listener with this
# Seconds a launch waits for the running instance to confirm, and the running instance waits
# for a launch that connected to say what it wants. Both normally take milliseconds; a loaded
# computer can take over a second, and half a second dropped the request: the window did not
# come up. Longer only delays dropping a peer that connects and says nothing.
TIMEOUT_S = 5.0


def default_key() -> str:
    # Per user, so two people logged in to one machine each get their own app.
    try:
        user = getpass.getuser()
    except OSError:
        user = "unknown"
    return "chatlog-tray-" + hashlib.sha256(user.encode()).hexdigest()[:16]


def address_for(key: str) -> str:
    """The channel's address: a named pipe on Windows, a socket file elsewhere."""
    if sys.platform == "win32":
        return rf"\\.\pipe\{key}"
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    folder = runtime if runtime and os.path.isdir(runtime) else tempfile.gettempdir()
    return os.path.join(folder, key)


class SingleInstance(QObject):
    """Claims the per-user lock, or hands over to the instance that holds it.

    Signals:
        activated(): another launch asked this instance to show itself (emitted on the
            thread this object lives on, the GUI thread).
    """

    activated = Signal()
    _requested = Signal()  # emitted by the listener thread, delivered queued

    def __init__(self, key: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key or default_key()
        self.address = address_for(self.key)
        self._listener: Listener | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._requested.connect(self.activated, Qt.ConnectionType.QueuedConnection)

    def claim(self) -> bool:
        """True if this is now the only instance; False after waking up the running one."""
        if self._notify_running():
            return False
        try:
            listener = self._listen()
        except OSError as error:
            # Taken in the meantime (two launches at once), or a leftover of a crashed run.
            if self._notify_running():
                return False
            self._remove_stale()
            try:
                listener = self._listen()
            except OSError:
                logger.warning("single-instance lock unavailable: %s", error)
                return True
        self._listener = listener
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._serve, args=(listener,), name="single-instance", daemon=True
        )
        self._thread.start()
        return True

    def release(self) -> None:
        listener, thread = self._listener, self._thread
        self._listener = self._thread = None
        if listener is None:
            return
        self._stopping.set()
        if thread is not None and thread.is_alive():
            # accept() cannot be interrupted from outside; a connection of our own ends it.
            with contextlib.suppress(OSError), Client(self.address) as connection:
                connection.send_bytes(STOP)
            thread.join(timeout=2)
        listener.close()  # on Unix this also deletes the socket file

    def _listen(self) -> Listener:
        listener = Listener(self.address, backlog=8)
        if sys.platform != "win32":
            # Only this user may connect (the folder may be the shared /tmp).
            os.chmod(self.address, 0o600)
        return listener

    def _remove_stale(self) -> None:
        # Nobody answered on the name, so it is left over from an instance that crashed.
        # Named pipes vanish with their process; only a socket file can be left behind.
        if sys.platform != "win32":
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.address)

    def _notify_running(self) -> bool:
        try:
            connection = Client(self.address)
        except OSError:
            return False
        with connection:
            try:
                connection.send_bytes(ACTIVATE)
                # Wait until the running instance has read it (it answers at once).
                if connection.poll(TIMEOUT_S):
                    connection.recv_bytes(64)
            except (OSError, EOFError):
                pass
        logger.info("already running; asked the running instance to come to the front")
        return True

    def _serve(self, listener: Listener) -> None:
        while not self._stopping.is_set():
            try:
                connection = listener.accept()
            except OSError:
                if self._stopping.is_set():
                    return
                logger.exception("single-instance listener failed")
                return
            with connection:
                if self._stopping.is_set():
                    return
                if self._read_request(connection) == ACTIVATE:
                    self._requested.emit()

    @staticmethod
    def _read_request(connection: Connection) -> bytes | None:
        # The other launch writes its one message right after connecting; a peer that does
        # not is dropped after a short wait rather than blocking the next one.
        try:
            if not connection.poll(TIMEOUT_S):
                return None
            request = connection.recv_bytes(64)
        except (OSError, EOFError):
            return None
        # A launch that gave up waiting for this has still asked.
        with contextlib.suppress(OSError):
            connection.send_bytes(ACKNOWLEDGE)
        return request
