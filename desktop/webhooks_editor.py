"""The Webhooks section of the Settings dialog: a list of hooks, each with its filters.

One row per hook: URL, chats, senders, keyword, and a box that confirms sending chats to a
URL on another computer (docs/webhooks.md). The dialog reads `hooks()` into
ServerConfig.webhooks and shows `problems()` as the user types.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from server.api import WebhookConfig, is_loopback_host, url_host

URL, TALKER, SENDER, KEYWORD, ALLOW_REMOTE = range(5)
TEXT_COLUMNS = {URL: "url", TALKER: "talker", SENDER: "sender", KEYWORD: "keyword"}
VISIBLE_ROWS = 3


class WebhooksEditor(QGroupBox):
    """Edits the list of webhooks.

    Signals:
        changed(): a hook was added, removed or edited.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Webhooks"), parent)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("URL"),
                self.tr("Only chats"),
                self.tr("Only senders"),
                self.tr("Only keyword"),
                self.tr("Off this computer"),
            ]
        )
        allow_header = self.table.horizontalHeaderItem(ALLOW_REMOTE)
        if allow_header is not None:
            allow_header.setToolTip(
                self.tr("Tick to confirm that a URL on another computer may receive your chats")
            )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(URL, QHeaderView.ResizeMode.Stretch)
        for column in (TALKER, SENDER, KEYWORD, ALLOW_REMOTE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        row_height = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(header.sizeHint().height() + row_height * VISIBLE_ROWS + 4)
        self.add_button = QPushButton(self.tr("Add"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setEnabled(False)
        self.help = QLabel(
            self.tr(
                "New messages are sent as JSON (chatlog's webhook format) to each URL within a "
                "second. Filters are optional: chats and senders are names or IDs separated by "
                "commas, the keyword is a regular expression."
            )
        )
        self.help.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.help, 1)
        buttons.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

        self.add_button.clicked.connect(self._add_empty)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(bool(self.table.selectedItems()))
        )

    # Values -------------------------------------------------------------------------------

    def set_hooks(self, hooks: Iterable[WebhookConfig]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for hook in hooks:
            self._append(hook.model_dump())
        self.table.blockSignals(False)
        self.changed.emit()

    def add_hook(self, url: str, **fields: Any) -> int:
        """Append a row (for the Add button and tests); returns its index."""
        self.table.blockSignals(True)
        row = self._append({"url": url, **fields})
        self.table.blockSignals(False)
        self.changed.emit()
        return row

    def set_cell(self, row: int, field: str, value: str | bool) -> None:
        """Change one field of a row as the user would."""
        if field == "allow_remote":
            state = Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
            self._item(row, ALLOW_REMOTE).setCheckState(state)
            return
        column = next(column for column, name in TEXT_COLUMNS.items() if name == field)
        self._item(row, column).setText(str(value))

    def hooks(self) -> list[dict[str, Any]]:
        """Every row as a ServerConfig.webhooks entry (rows without a URL left out)."""
        return [
            hook for hook in (self._row(row) for row in range(self.table.rowCount())) if hook["url"]
        ]

    def problems(self) -> list[str]:
        """What keeps the list from being saved, one line per problem, in the user's language."""
        found = []
        for row in range(self.table.rowCount()):
            hook = self._row(row)
            label = self.tr("Webhook %1").replace("%1", str(row + 1))
            if not hook["url"]:
                found.append(label + ": " + self.tr("enter its URL, or remove it."))
                continue
            host = url_host(hook["url"])
            if host and not is_loopback_host(host) and not hook["allow_remote"]:
                found.append(
                    label
                    + ": "
                    + self.tr(
                        "%1 is another computer: your chats would leave this one. Tick "
                        "“Off this computer” to confirm."
                    ).replace("%1", host)
                )
                continue
            try:
                WebhookConfig.model_validate(hook)
            except ValidationError as error:
                detail = error.errors()[0]
                found.append(label + ": " + str(detail["msg"]).removeprefix("Value error, "))
        return found

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()

    # Rows -----------------------------------------------------------------------------------

    def _add_empty(self) -> None:
        row = self.add_hook("")
        self.table.setCurrentCell(row, URL)
        self.table.editItem(self._item(row, URL))

    def _append(self, hook: dict[str, Any]) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, name in TEXT_COLUMNS.items():
            self.table.setItem(row, column, QTableWidgetItem(str(hook.get(name, ""))))
        allow = QTableWidgetItem()
        allow.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        allow.setCheckState(
            Qt.CheckState.Checked if hook.get("allow_remote") else Qt.CheckState.Unchecked
        )
        allow.setData(Qt.ItemDataRole.UserRole, url_host(str(hook.get("url", "")).strip()))
        self.table.setItem(row, ALLOW_REMOTE, allow)
        self._mark_remote(row)
        return row

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        if item is None:  # every row is built whole (_append); this is for the type checker
            item = QTableWidgetItem()
            self.table.setItem(row, column, item)
        return item

    def _row(self, row: int) -> dict[str, Any]:
        hook: dict[str, Any] = {
            name: self._item(row, column).text().strip() for column, name in TEXT_COLUMNS.items()
        }
        checked = self._item(row, ALLOW_REMOTE).checkState() == Qt.CheckState.Checked
        hook["allow_remote"] = checked
        return hook

    def _mark_remote(self, row: int) -> None:
        item = self.table.item(row, URL)
        if item is None:
            return
        host = url_host(item.text().strip())
        remote = bool(host) and not is_loopback_host(host)
        item.setToolTip(self.tr("Another computer: new messages leave this one") if remote else "")

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == URL:
            self.table.blockSignals(True)
            row = item.row()
            host = url_host(item.text().strip())
            allow = self._item(row, ALLOW_REMOTE)
            if host != allow.data(Qt.ItemDataRole.UserRole):
                # The confirmation was for the host it was given to: another host asks anew.
                allow.setCheckState(Qt.CheckState.Unchecked)
            self._mark_remote(row)
            self.table.blockSignals(False)
        elif item.column() == ALLOW_REMOTE:
            host = url_host(self._item(item.row(), URL).text().strip())
            self.table.blockSignals(True)
            item.setData(Qt.ItemDataRole.UserRole, host)
            self.table.blockSignals(False)
        self.changed.emit()
