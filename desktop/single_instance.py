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
        self._clients: list[QLocalSocket] = []

    def claim(self) -> bool:
        """True if this is now the only instance; False after waking up the running one."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.key):
            if self._notify_running():
                return False
            # Nobody answered: a crashed instance left its socket file behind.
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
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        socket.write(ACTIVATE)
        socket.flush()
        socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(CONNECT_TIMEOUT_MS)
        logger.info("already running; asked the running instance to come to the front")
        return True

    def _accept(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            self._clients.append(socket)
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            if bytes(socket.readLine().data()) == ACTIVATE:
                self.activated.emit()

    def _forget(self, socket: QLocalSocket) -> None:
        # A last line may arrive together with the disconnect.
        self._read(socket)
        if socket in self._clients:
            self._clients.remove(socket)
        socket.deleteLater()


__all__ = ["SingleInstance", "default_key"]
