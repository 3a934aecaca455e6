"""The "Connect an AI app" dialog: add or remove Chatlog Tray in each AI app, one click each.

The work is done by `server.connect.service.Connector` (Qt-free); this dialog shows each
client's state, runs Add / Remove, and shows what happened, errors included, in its own
message line: a failure never escapes as an exception.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from server.api import CLIENTS, FAILURES, Client, Connector

logger = logging.getLogger(__name__)

OTHER_APP = "Other app"


@dataclass
class _Row:
    status: QLabel
    add: QPushButton
    remove: QPushButton


class ConnectDialog(QDialog):
    """One row per known AI client, plus "Other app" (the URL, a fresh token, the JSON)."""

    def __init__(
        self, connector: Connector, url: Callable[[], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._connector = connector
        self._url = url
        self.setWindowTitle(self.tr("Connect an AI app"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Add Chatlog Tray to the MCP settings of an AI app. Each app gets its own "
                "token; Remove deletes only our entry and revokes that token. Restart the "
                "app afterwards."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        grid = QGridLayout()
        self.rows: dict[str, _Row] = {}
        for line, client in enumerate(CLIENTS):
            name = QLabel(f"<b>{client.display_name}</b>")
            status = QLabel()
            status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            add = QPushButton(self.tr("Add") if client.writable else self.tr("Copy JSON"))
            add.clicked.connect(lambda _=False, c=client: self.add(c))
            remove = QPushButton(self.tr("Remove"))
            remove.clicked.connect(lambda _=False, c=client: self.remove(c))
            grid.addWidget(name, line, 0)
            grid.addWidget(status, line, 1)
            grid.addWidget(add, line, 2)
            grid.addWidget(remove, line, 3)
            self.rows[client.name] = _Row(status, add, remove)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        other = QGroupBox(self.tr("Other app"))
        other_layout = QVBoxLayout(other)
        self.url_field = QLineEdit()
        self.url_field.setReadOnly(True)
        url_line = QHBoxLayout()
        url_line.addWidget(QLabel(self.tr("Address:")))
        url_line.addWidget(self.url_field)
        other_layout.addLayout(url_line)
        name_line = QHBoxLayout()
        name_line.addWidget(QLabel(self.tr("App name:")))
        self.other_name = QLineEdit(OTHER_APP)
        name_line.addWidget(self.other_name)
        self.issue_button = QPushButton(self.tr("New token"))
        self.issue_button.clicked.connect(self.issue_other)
        name_line.addWidget(self.issue_button)
        other_layout.addLayout(name_line)
        self.snippet = QPlainTextEdit()
        self.snippet.setReadOnly(True)
        self.snippet.setPlaceholderText(
            self.tr("The JSON with a new token appears here; the app's MCP settings take it.")
        )
        self.snippet.setMaximumHeight(150)
        other_layout.addWidget(self.snippet)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(self._copy_snippet)
        other_layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(other)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())
        self.refresh()

    # State ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read every client's state (the user may have edited a file meanwhile)."""
        self.url_field.setText(self._url())
        self.copy_button.setEnabled(bool(self.snippet.toPlainText()))
        try:
            issued = set(self._connector.token_names())
        except FAILURES as error:
            issued = set()
            self._say(str(error), error=True)
        for client in CLIENTS:
            row = self.rows[client.name]
            status = self._connector.status(client)
            found = self.tr("found") if status.found else self.tr("not found")
            if status.problem is not None:
                text = self.tr("%1 · cannot read its settings").replace("%1", found)
            elif status.present:
                text = self.tr("%1 · connected").replace("%1", found)
            else:
                text = found
            row.status.setText(text)
            row.status.setToolTip(status.problem or str(status.path))
            present = status.present if client.writable else client.display_name in issued
            row.remove.setEnabled(bool(present))

    # Commands -----------------------------------------------------------------------------

    def add(self, client: Client) -> None:
        try:
            added = self._connector.add(client, self._url())
        except FAILURES as error:
            self._say(str(error), error=True)
        else:
            if added.path is None:
                QGuiApplication.clipboard().setText(added.snippet)
                self._say(
                    self.tr("Copied. In %1: %2.")
                    .replace("%1", client.display_name)
                    .replace("%2", self.tr("Settings → MCP Servers → Add → Import JSON, paste"))
                )
            else:
                self._say(
                    self.tr("Added to %1 (%2). Restart %1 to use it.")
                    .replace("%1", client.display_name)
                    .replace("%2", str(added.path))
                )
        self.refresh()

    def remove(self, client: Client) -> None:
        try:
            removed = self._connector.remove(client)
        except FAILURES as error:
            self._say(str(error), error=True)
        else:
            if removed.path is None:
                text = self.tr("Token revoked. Delete chatlog in %1's MCP settings too.")
            else:
                text = self.tr("Removed from %1; its token is revoked.")
            self._say(text.replace("%1", client.display_name))
        self.refresh()

    def issue_other(self) -> None:
        name = self.other_name.text().strip() or OTHER_APP
        try:
            text = self._connector.issue_other(name, self._url())
        except (*FAILURES, ValueError) as error:
            self._say(str(error), error=True)
            return
        self.snippet.setPlainText(text)
        self.copy_button.setEnabled(True)
        self._say(
            self.tr("A new token for %1. Copy the JSON into its MCP settings.").replace("%1", name)
        )

    def _copy_snippet(self) -> None:
        QGuiApplication.clipboard().setText(self.snippet.toPlainText())
        self._say(self.tr("Copied."))

    def _say(self, text: str, *, error: bool = False) -> None:
        if error:
            logger.warning("connect: %s", text)
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)
