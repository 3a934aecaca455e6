"""The tray icon: its look follows the server state and whether the WeChat data can be read;
its tooltip says the address, the data served, a keychain problem and the clients."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSystemTrayIcon

from desktop.actions import AppActions
from desktop.icons import tray_icon
from desktop.server_host import ServerHost, ServerState

APP_NAME = "Chatlog Tray"
NOTICE_MS = 4000


class TrayIcon(QObject):
    """Owns the QSystemTrayIcon and its menu; the menu is AppActions' (Vorta's tray pattern)."""

    def __init__(self, host: ServerHost, actions: AppActions, parent: QObject | None = None):
        super().__init__(parent)
        self._host = host
        self._actions = actions
        self.icon = QSystemTrayIcon(tray_icon(self._look()), self)
        # Kept on self: a QMenu with no Python reference is deleted under the tray's feet.
        self.menu = actions.menu()
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        host.state_changed.connect(self.refresh)
        host.clients_changed.connect(self._refresh_tooltip)
        host.failed.connect(self._failed)
        actions.notice.connect(self._notice)
        actions.warning.connect(self._warning)
        actions.status_changed.connect(self.refresh)
        actions.problem.connect(self._problem)
        self.refresh()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def tooltip(self) -> str:
        host = self._host
        actions = self._actions
        lines = [APP_NAME, actions.state_text()]
        data = actions.data_text()
        if data:
            lines.append(data)
        if actions.keychain_problem is not None:
            lines.append(self.tr("No system keychain: secrets are kept only until you quit"))
        if host.state is ServerState.SERVING:
            lines.append(self.tr("%n client(s) connected", "", host.client_count()))
        return "\n".join(lines)

    def refresh(self) -> None:
        self.icon.setIcon(tray_icon(self._look()))
        self._refresh_tooltip()

    def _look(self) -> str:
        # Serving with no readable data is not "all is well": the error look says so.
        return "error" if self._actions.data_problem() else self._host.state.value

    def _refresh_tooltip(self) -> None:
        # Only a real change reaches the system tray (a D-Bus call on Linux).
        tooltip = self.tooltip()
        if tooltip != self.icon.toolTip():
            self.icon.setToolTip(tooltip)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        # Windows and Linux users expect a click to open the window; on macOS a click opens
        # the menu, which Qt already does.
        if sys.platform != "darwin" and reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self._actions.sessions_requested.emit()

    def _failed(self, message: str) -> None:
        self._problem(self.tr("Chatlog Tray could not start serving"), message)

    def _notice(self, title: str, message: str) -> None:
        if self.icon.isVisible() and self.icon.supportsMessages():
            self.icon.showMessage(
                title, message, QSystemTrayIcon.MessageIcon.Information, NOTICE_MS
            )

    def _warning(self, title: str, message: str) -> None:
        if self.icon.isVisible() and self.icon.supportsMessages():
            self.icon.showMessage(title, message, QSystemTrayIcon.MessageIcon.Warning, NOTICE_MS)

    def _problem(self, title: str, message: str) -> None:
        if self.icon.isVisible() and self.icon.supportsMessages():
            self.icon.showMessage(title, message, QSystemTrayIcon.MessageIcon.Critical, NOTICE_MS)
