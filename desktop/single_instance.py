"""One running app per user: a second launch asks the first to come to the front, then exits.

A QLocalServer (a Unix socket or a Windows named pipe) named after the user is the lock.
"""

from __future__ import annotations

import getpass
import hashlib
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

logger = logging.getLogger(__name__)

ACTIVATE = b"activate\n"
CONNECT_TIMEOUT_MS = 500


def default_key() -> str:
    # Per user, so two people logged in to one machine each get their own app.
    try:
        user = getpass.getuser()
    except OSError:
        user = "unknown"
    return "chatlog-tray-" + hashlib.sha256(user.encode()).hexdigest()[:16]


class SingleInstance(QObject):
    """Claims the per-user lock, or hands over to the instance that holds it.

    Signals:
        activated(): another launch asked this instance to show itself.
    """

    activated = Signal()

    def __init__(self, key: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key or default_key()
        self._server: QLocalServer | None = None

    def claim(self) -> bool:
        """True if this is now the only instance; False after waking up the running one."""
        # Ask first: on Unix, listening with socket options replaces an existing socket file,
        # so a successful listen() does not prove that nobody else is running.
        if self._notify_running():
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.key):
            # Nobody answered, so the name is left over from a crashed instance.
            QLocalServer.removeServer(self.key)
            if not server.listen(self.key):
                logger.warning("single-instance lock unavailable: %s", server.errorString())
                return True
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def _notify_running(self) -> bool:
        # Parented and deleted later: destroying a local socket from Python mid-way through
        # its own signal handling crashes Qt.
        socket = QLocalSocket(self)
        socket.connectToServer(self.key)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            socket.deleteLater()
            return False
        socket.write(ACTIVATE)
        socket.flush()
        socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(CONNECT_TIMEOUT_MS)
        socket.deleteLater()
        logger.info("already running; asked the running instance to come to the front")
        return True

    def _accept(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            # The other launch writes its one line right after connecting, so waiting for it
            # here is brief; it avoids per-socket slots, whose lifetimes crashed Qt on close.
            arrived = socket.bytesAvailable() or socket.waitForReadyRead(CONNECT_TIMEOUT_MS)
            if arrived and bytes(socket.readLine().data()) == ACTIVATE:
                self.activated.emit()
            socket.disconnectFromServer()
            socket.deleteLater()
