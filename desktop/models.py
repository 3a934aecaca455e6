"""Qt table models for the sessions window: live MCP sessions and WeChat chat sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from server.api import SERVER_TOKEN_NAME, ClientEvent, ClientEventKind, ClientInfo, Session

type _Index = QModelIndex | QPersistentModelIndex


def format_time(moment: datetime) -> str:
    """Local wall-clock time, to the second."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def format_size(size: int) -> str:
    """345 bytes, 10.0 kB, 1.2 MB: in the locale's words and digits (Qt's own table). Powers
    of 1000, as the "kB" says (Qt's "traditional" format divides by 1024 under the same
    name, so a 7,000-byte file read 6.8 kB)."""
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Models", text)


class _RowsModel[Row](QAbstractTableModel):
    """A table of `Row`s under translated column headers: what both models share."""

    HEADERS: tuple[object, ...] = ()  # QT_TRANSLATE_NOOP marks them; _tr translates

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Row] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _tr(str(self.HEADERS[section]))
        return None


# A client with a stream or request open, or heard from lately, is active; see
# server/mcp/clients.py.
NONE_LABEL = QT_TRANSLATE_NOOP("Models", "none")
NO_SUBSCRIPTIONS = QT_TRANSLATE_NOOP("Models", "Subscribes to no resource")
SUBSCRIPTIONS_HEAD = QT_TRANSLATE_NOOP("Models", "Told when these resources change:")
STATE_LABELS = {
    "active": QT_TRANSLATE_NOOP("Models", "active"),
    "idle": QT_TRANSLATE_NOOP("Models", "idle"),
}


class McpSessionsModel(_RowsModel[ClientInfo]):
    """Connected MCP clients, kept current from the registry's events.

    Each row's texts are made once per change, not on every paint, and a change repaints only
    the cells whose text changed: a busy client changes its counters and last activity, not
    its name.
    """

    def __init__(self) -> None:
        super().__init__()
        self._texts: list[tuple[str, ...]] = []
        self._idle_brush = QBrush(QColor(Qt.GlobalColor.gray))

    HEADERS = (
        QT_TRANSLATE_NOOP("Models", "Client"),
        QT_TRANSLATE_NOOP("Models", "Version"),
        QT_TRANSLATE_NOOP("Models", "Transport"),
        QT_TRANSLATE_NOOP("Models", "Protocol"),
        QT_TRANSLATE_NOOP("Models", "Remote address"),
        QT_TRANSLATE_NOOP("Models", "Key"),
        QT_TRANSLATE_NOOP("Models", "State"),
        QT_TRANSLATE_NOOP("Models", "First seen"),
        QT_TRANSLATE_NOOP("Models", "Last activity"),
        QT_TRANSLATE_NOOP("Models", "Requests"),
        QT_TRANSLATE_NOOP("Models", "In flight"),
        QT_TRANSLATE_NOOP("Models", "Subscriptions"),
    )
    SUBSCRIPTIONS_COLUMN = 11

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        info = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == self.SUBSCRIPTIONS_COLUMN:
                return self._subscriptions_tip(info)
            return info.handle
        if role == Qt.ItemDataRole.ForegroundRole and info.state != "active":
            return self._idle_brush
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 9:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(info: ClientInfo) -> tuple[str, ...]:
        unknown = "—"
        return (
            info.name or _tr("(not initialised)"),
            info.version or unknown,
            "SSE" if info.transport == "sse" else "Streamable HTTP",
            info.protocol_version or unknown,
            info.remote_address or unknown,
            info.token or _tr(str(NONE_LABEL)),
            _tr(str(STATE_LABELS[info.state])),
            format_time(info.first_seen),
            format_time(info.last_activity),
            str(info.requests_served),
            str(info.requests_in_flight),
            str(len(info.subscriptions)),
        )

    @staticmethod
    def _subscriptions_tip(info: ClientInfo) -> str:
        """Which resources the client hears about (new messages: server/push/)."""
        if not info.subscriptions:
            return _tr(str(NO_SUBSCRIPTIONS))
        return _tr(str(SUBSCRIPTIONS_HEAD)) + "\n" + "\n".join(info.subscriptions)

    def handle(self, row: int) -> str:
        return self._rows[row].handle

    def app_token(self, row: int) -> str | None:
        """The name of the connected app whose key this client used (not the server's)."""
        token = self._rows[row].token
        return token if token and token != SERVER_TOKEN_NAME else None

    def handles(self) -> list[str]:
        return [info.handle for info in self._rows]

    def reset(self, clients: list[ClientInfo]) -> None:
        self.beginResetModel()
        self._rows = sorted(clients, key=lambda info: info.first_seen)
        self._texts = [self._display(info) for info in self._rows]
        self.endResetModel()

    def apply(self, event: ClientEvent) -> None:
        """Follow one registry event: add, update in place, or remove a row."""
        handle = event.client.handle
        row = next((i for i, info in enumerate(self._rows) if info.handle == handle), None)
        if event.kind is ClientEventKind.CLOSED:
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                del self._texts[row]
                self.endRemoveRows()
        elif row is None:
            end = len(self._rows)
            self.beginInsertRows(QModelIndex(), end, end)
            self._rows.append(event.client)
            self._texts.append(self._display(event.client))
            self.endInsertRows()
        else:
            before, after = self._texts[row], self._display(event.client)
            state_changed = self._rows[row].state != event.client.state
            self._rows[row], self._texts[row] = event.client, after
            changed = [
                c for c, (old, new) in enumerate(zip(before, after, strict=True)) if old != new
            ]
            if state_changed:  # the whole row changes colour
                changed = [0, len(after) - 1]
            if changed:
                self.dataChanged.emit(self.index(row, changed[0]), self.index(row, changed[-1]))


class ChatSessionsModel(_RowsModel[Session]):
    """One page of WeChat recent chats."""

    HEADERS = (
        QT_TRANSLATE_NOOP("Models", "Name"),
        QT_TRANSLATE_NOOP("Models", "ID"),
        QT_TRANSLATE_NOOP("Models", "Last message"),
        QT_TRANSLATE_NOOP("Models", "Preview"),
    )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        chat = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            preview = " ".join(chat.content.split())
            values = (chat.nick_name or chat.user_name, chat.user_name, format_time(chat.time))
            if index.column() < 3:
                return values[index.column()]
            return preview if role == Qt.ItemDataRole.ToolTipRole else preview[:80]
        return None

    def chat(self, row: int) -> Session:
        return self._rows[row]

    def row_of(self, user_name: str) -> int | None:
        """The row of the chat `user_name` on this page, or None."""
        return next((r for r, chat in enumerate(self._rows) if chat.user_name == user_name), None)

    def set_rows(self, rows: list[Session]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
