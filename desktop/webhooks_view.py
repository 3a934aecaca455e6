"""The Webhooks tab of the sessions window: each hook, what it subscribes to, how it fares.

The statuses come from the running server (server/push/hook_delivery.py, `HookStatus`); the
table is refreshed once a second while the tab is visible, so a hook that fails shows it
(last error, waiting messages) without the user doing anything.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.models import format_time
from server.api import NO_FILTERS, HookStatus

REFRESH_MS = 1000
REMOTE_COLOR = QColor("#a15c00")
ERROR_COLOR = QColor("#c62828")
(
    RECEIVER,
    SUBSCRIBES,
    WHERE,
    STATE,
    DELIVERED,
    FAILED,
    DROPPED,
    WAITING,
    LAST_ERROR,
) = range(9)

Statuses = Callable[[], list[HookStatus]]


class WebhooksView(QWidget):
    """A live table of the configured webhooks, or a hint when there are none."""

    def __init__(self, statuses: Statuses, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._statuses = statuses
        self.table = QTableWidget(0, 9)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Receiver"),
                self.tr("Subscribes to"),
                self.tr("Where"),
                self.tr("State"),
                self.tr("Delivered"),
                self.tr("Failed"),
                self.tr("Dropped"),
                self.tr("Waiting"),
                self.tr("Last error"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.empty = QLabel(
            self.tr(
                "<p><b>No webhook is set.</b></p><p>Add one in <i>Settings…</i> to have new "
                "messages sent to a URL as they arrive.</p>"
            )
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.table)
        QVBoxLayout(self).addWidget(self.stack)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._shape: list[tuple[int, str]] = []

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        self.refresh()
        self._timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt API
        self._timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        statuses = self._statuses()
        self.stack.setCurrentWidget(self.table if statuses else self.empty)
        shape = [(status.index, status.url) for status in statuses]
        self.table.setRowCount(len(statuses))
        for row, status in enumerate(statuses):
            self._show(row, status)
        if shape != self._shape:  # new hooks: fit the columns once, not every second
            self._shape = shape
            self.table.resizeColumnsToContents()

    def _show(self, row: int, status: HookStatus) -> None:
        where = self.tr("⚠ another computer") if status.remote else self.tr("this computer")
        filters = status.filters
        if filters == NO_FILTERS:
            filters = self.tr("all new messages")
        error = status.last_error or ""
        if error and status.last_error_at is not None:
            error = f"{format_time(status.last_error_at)}  {error}"
        cells = {
            RECEIVER: status.url,
            SUBSCRIBES: filters,
            WHERE: where,
            STATE: self._state_text(status.state),
            DELIVERED: str(status.delivered),
            FAILED: str(status.failed),
            DROPPED: str(status.dropped),
            WAITING: str(status.queued),
            LAST_ERROR: error,
        }
        for column, text in cells.items():
            item = self.table.item(row, column)
            if item is None:
                item = QTableWidgetItem()
                self.table.setItem(row, column, item)
            if item.text() != text:
                item.setText(text)
        where_item = self.table.item(row, WHERE)
        if where_item is not None:
            where_item.setForeground(QBrush(REMOTE_COLOR) if status.remote else QBrush())
            where_item.setToolTip(
                self.tr("New messages leave this computer for this receiver")
                if status.remote
                else ""
            )
        state_item = self.table.item(row, STATE)
        if state_item is not None:
            failing = status.state == "retrying"
            state_item.setForeground(QBrush(ERROR_COLOR) if failing else QBrush())

    def _state_text(self, state: str) -> str:
        texts = {
            "idle": self.tr("up to date"),
            "sending": self.tr("sending"),
            "retrying": self.tr("failing, retrying"),
            "stopped": self.tr("stopped"),
        }
        return texts.get(state, state)
