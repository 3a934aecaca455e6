"""The sessions window: who is connected over MCP, and the WeChat chats being served.

A side window while there is a tray; the main window when there is none (then closing it
quits, and the server menu sits in its menu bar).
"""

from __future__ import annotations

import html
import logging
import math
from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QFont, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop import client_config
from desktop.actions import AppActions
from desktop.chat_messages import PICTURE_SCHEME, SAVE_SCHEME, VOICE_SCHEME, messages_html
from desktop.chat_source import ChatSource, key_problem
from desktop.elided_label import ElidedLabel
from desktop.export_dialog import ExportDialog
from desktop.icons import app_icon, tray_icon
from desktop.media_saver import MediaSaver
from desktop.models import ChatSessionsModel, McpSessionsModel
from desktop.picture_viewer import PictureViewer
from desktop.search_status import is_building, search_index_text
from desktop.server_host import ServerHost, ServerState
from desktop.stored_media import Stored, find_stored
from desktop.tasks import spawn
from desktop.voice_player import PlaybackError, VoicePlayer, format_seconds
from desktop.webhooks_view import WebhooksView
from server.api import (
    VOICE_SAMPLE_RATE,
    ClientEvent,
    DataSourceError,
    HookStatus,
    ImageKey,
    MediaError,
    MediaService,
    Message,
    QueryError,
    Session,
    Webhooks,
    media_ref,
    thumbnails,
)

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
SEARCH_DELAY_MS = 250
INDEX_PROGRESS_MS = 1000
EMPTY_STYLE = "color: palette(placeholder-text); padding: 24px;"


def _table(model: McpSessionsModel | ChatSessionsModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.horizontalHeader().setStretchLastSection(True)
    # Columns fit their contents when rows come or go, not on every change of a cell:
    # "resize to contents" measures every cell of the column each time one changes, which a
    # busy client would make several times a second.
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    model.rowsInserted.connect(table.resizeColumnsToContents)
    model.modelReset.connect(table.resizeColumnsToContents)
    return table


def _empty_label() -> QLabel:
    label = QLabel()
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(EMPTY_STYLE)
    return label


class SessionsWindow(QMainWindow):
    """Two live tables: MCP sessions (with Disconnect) and WeChat chats (search, pages).

    Signals:
        closed(): the window was closed by the user.
    """

    closed = Signal()

    def __init__(self, host: ServerHost, chats: ChatSource, actions: AppActions) -> None:
        super().__init__()
        self._host = host
        self._chats = chats
        self._actions = actions
        self._offset = 0
        self._total = 0
        self._generation = 0
        self._loaded = False
        self._shown_chat: Session | None = None  # the chat whose messages are shown
        self._shown_messages: list[Message] = []
        self._shown_thumbnails: dict[str, bytes] = {}
        self._shown_stored: dict[str, Stored] = {}  # the videos' and files' copies, by ref
        self._voice_request = 0  # the latest Play or Stop asked for
        self.voice_player = VoicePlayer(self)
        self.voice_player.changed.connect(self._on_voice_changed)
        self.voice_player.progressed.connect(self._show_voice_progress)
        self.export_dialog: ExportDialog | None = None
        self.media_saver = MediaSaver(lambda: self._chats.store.path, self)
        self.picture_viewer: PictureViewer | None = None  # made at the first picture opened
        self.setWindowTitle(self.tr("Chatlog Tray"))
        self.setWindowIcon(app_icon())
        self.resize(980, 620)

        self.mcp_model = McpSessionsModel()
        self.chat_model = ChatSessionsModel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_mcp_tab(), self.tr("AI clients (MCP)"))
        self.tabs.addTab(self._build_chat_tab(), self.tr("WeChat chats"))
        self.webhooks_view = WebhooksView(self._webhook_statuses)
        self.tabs.addTab(self.webhooks_view, self.tr("Webhooks"))
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(self._build_header())
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: spawn(self.reload_chats()))
        # While the search index builds, its progress in the source line moves on its own.
        self._index_timer = QTimer(self)
        self._index_timer.setInterval(INDEX_PROGRESS_MS)
        self._index_timer.timeout.connect(self._update_source_label)

        host.session_event.connect(self._on_session_event)
        host.state_changed.connect(self._on_state_changed)
        host.clients_changed.connect(self._refresh_header)
        self._on_state_changed()

    # Building -----------------------------------------------------------------------------

    def _build_header(self) -> QHBoxLayout:
        self.state_icon = QLabel()
        self.state_label = QLabel()
        bold = QFont(self.state_label.font())
        bold.setBold(True)
        self.state_label.setFont(bold)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.clients_label = QLabel()
        toggle = QToolButton()
        toggle.setDefaultAction(self._actions.toggle_serving)
        settings = QToolButton()
        settings.setDefaultAction(self._actions.settings)
        row = QHBoxLayout()
        row.addWidget(self.state_icon)
        row.addWidget(self.state_label)
        row.addWidget(self.clients_label)
        row.addStretch(1)
        row.addWidget(toggle)
        row.addWidget(settings)
        return row

    def _build_mcp_tab(self) -> QWidget:
        self.mcp_table = _table(self.mcp_model)
        self.mcp_table.selectionModel().selectionChanged.connect(self._update_disconnect)
        self.mcp_empty = _empty_label()
        self.mcp_stack = QStackedWidget()
        self.mcp_stack.addWidget(self.mcp_empty)
        self.mcp_stack.addWidget(self.mcp_table)
        self.disconnect_button = QPushButton(self.tr("Disconnect"))
        self.disconnect_button.setEnabled(False)
        self.disconnect_button.clicked.connect(self.disconnect_selected)
        self.revoke_button = QPushButton(self.tr("Revoke access"))
        self.revoke_button.setToolTip(
            self.tr("Take back the selected apps' keys: they are refused from their next request")
        )
        self.revoke_button.setEnabled(False)
        self.revoke_button.clicked.connect(self.revoke_selected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revoke_button)
        buttons.addWidget(self.disconnect_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.mcp_stack, 1)
        layout.addLayout(buttons)
        return page

    def _build_chat_tab(self) -> QWidget:
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search chats by name or ID"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.chat_table = _table(self.chat_model)
        self.chat_table.selectionModel().selectionChanged.connect(self._chat_selected)
        self.chat_empty = _empty_label()
        self.chat_stack = QStackedWidget()
        self.chat_stack.addWidget(self.chat_empty)
        self.chat_stack.addWidget(self.chat_table)
        # Shown under a data problem (wrong key, key needed, unreadable folder).
        self.open_settings_button = QPushButton(self.tr("Open Settings…"))
        self.open_settings_button.clicked.connect(self._actions.settings.trigger)
        self.open_settings_button.hide()
        problem_row = QHBoxLayout()
        problem_row.addStretch(1)
        problem_row.addWidget(self.open_settings_button)
        problem_row.addStretch(1)
        self.previous_page = QPushButton(self.tr("‹ Previous"))
        self.previous_page.clicked.connect(lambda: spawn(self.show_page(self._offset - PAGE_SIZE)))
        self.next_page = QPushButton(self.tr("Next ›"))
        self.next_page.clicked.connect(lambda: spawn(self.show_page(self._offset + PAGE_SIZE)))
        self.page_label = QLabel()
        paging = QHBoxLayout()
        paging.addWidget(self.source_label, 1)
        paging.addWidget(self.page_label)
        paging.addWidget(self.previous_page)
        paging.addWidget(self.next_page)
        self.messages_title = QLabel()
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save this chat as a web page, JSON or CSV"))
        self.export_button.clicked.connect(self.export_chat)
        # What the voice message playing has reached, or why one cannot be played.
        self.voice_status = ElidedLabel()
        self.voice_status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # How a Save… goes, or why it cannot; hidden while there is nothing to say.
        self.save_status = ElidedLabel()
        self.save_status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.save_status.hide()
        title_row = QHBoxLayout()
        title_row.addWidget(self.messages_title, 1)
        title_row.addWidget(self.voice_status, 1)
        title_row.addWidget(self.save_status, 1)
        title_row.addWidget(self.export_button)
        self.messages = QTextBrowser()
        self.messages.setOpenLinks(False)
        self.messages.anchorClicked.connect(self._on_link)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(title_row)
        lower_layout.addWidget(self.messages)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.search)
        upper_layout.addWidget(self.chat_stack, 1)
        upper_layout.addLayout(problem_row)
        upper_layout.addLayout(paging)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        lower.hide()
        self._messages_pane = lower
        page = QWidget()
        QVBoxLayout(page).addWidget(splitter)
        return page

    def _webhook_statuses(self) -> list[HookStatus]:
        application = self._host.application
        if application is None:  # never started: the configured hooks, stopped
            return Webhooks(self._host.config.webhooks).statuses()
        return application.webhooks.statuses()

    # Window --------------------------------------------------------------------------------

    def bring_to_front(self) -> None:
        """Show, un-minimise and raise; loads the chats on first show."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        if not self._loaded:
            self._loaded = True
            spawn(self.reload_chats())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self._search_timer.stop()
        self._voice_request += 1
        spawn(self.voice_player.stop())
        if self.picture_viewer is not None:
            self.picture_viewer.close()
        event.accept()
        self.closed.emit()

    # MCP sessions -------------------------------------------------------------------------

    def _on_session_event(self, event: ClientEvent) -> None:
        self.mcp_model.apply(event)
        self._refresh_mcp()

    def _on_state_changed(self) -> None:
        # A restart builds a new server: take its (empty) session list as the truth.
        self.mcp_model.reset(self._host.sessions())
        self._refresh_mcp()
        self._refresh_header()

    def _refresh_header(self) -> None:
        host = self._host
        self.state_icon.setPixmap(tray_icon(host.state.value).pixmap(24, 24))
        self.state_label.setText(self._actions.state_text())
        self.state_label.setToolTip(self._actions.state_text())
        if host.state is ServerState.SERVING:
            self.clients_label.setText(
                "· " + self.tr("%n client(s) connected", "", host.client_count())
            )
        else:
            self.clients_label.setText("")

    def _refresh_mcp(self) -> None:
        has_rows = self.mcp_model.rowCount() > 0
        self.mcp_stack.setCurrentIndex(1 if has_rows else 0)
        if not has_rows:
            self.mcp_empty.setText(self._mcp_empty_text())
        self._update_disconnect()

    def _mcp_empty_text(self) -> str:
        host = self._host
        if host.state is ServerState.ERROR:
            return self.tr(
                "<p><b>The server could not start.</b></p><p>%1</p>"
                "<p>Fix it in <i>Settings…</i>, then choose <i>Start serving</i>.</p>"
            ).replace("%1", html.escape(host.error or ""))
        if host.state is not ServerState.SERVING:
            return self.tr(
                "<p><b>The server is stopped.</b></p>"
                "<p>Choose <i>Start serving</i> so that AI clients can connect.</p>"
            )
        port = host.address.port if host.address else None
        mcp_url = client_config.streamable_http_url(host.config, port)
        sse = client_config.sse_url(host.config, port)
        return (
            self.tr(
                "<p><b>No AI client is connected yet.</b></p>"
                "<p>Connect an AI client to <b>%1</b> (Streamable HTTP) or <b>%2</b> (SSE).</p>"
                "<p>The tray menu's <i>Copy client configuration</i> has ready-made settings "
                "for Claude Desktop, Cursor and Cherry Studio.</p>"
            )
            .replace("%1", mcp_url)
            .replace("%2", sse)
        )

    def _selected_rows(self, table: QTableView) -> list[int]:
        return sorted({index.row() for index in table.selectionModel().selectedRows()})

    def _update_disconnect(self, *_: object) -> None:
        rows = self._selected_rows(self.mcp_table)
        self.disconnect_button.setEnabled(bool(rows))
        self.revoke_button.setEnabled(any(self.mcp_model.app_token(row) for row in rows))

    def disconnect_selected(self) -> int:
        """Disconnect the selected MCP clients; returns how many were still connected."""
        handles = [self.mcp_model.handle(row) for row in self._selected_rows(self.mcp_table)]
        return sum(self._host.close_session(handle) for handle in handles)

    def revoke_selected(self) -> int:
        """Revoke the tokens of the selected apps and disconnect them; returns tokens revoked."""
        rows = self._selected_rows(self.mcp_table)
        names = {name for row in rows if (name := self.mcp_model.app_token(row))}
        revoked = sum(self._host.revoke_app(name) for name in sorted(names))
        self._update_disconnect()
        return revoked

    # WeChat chats -------------------------------------------------------------------------

    async def reload_chats(self) -> None:
        """Back to the first page of the current search."""
        await self.show_page(0)

    async def show_page(self, offset: int) -> None:
        self._generation += 1
        generation = self._generation
        keyword = self.search.text().strip()
        self._update_source_label()
        try:
            page = await self._chats.sessions(keyword, PAGE_SIZE, max(0, offset))
        except (DataSourceError, QueryError) as error:
            if generation == self._generation:
                self._show_chat_problem(error)
            return
        if generation != self._generation:
            return  # a newer search or page request has already been made
        self.open_settings_button.hide()
        self._offset, self._total = page.offset, page.total
        self.chat_model.set_rows(page.items)
        self._messages_pane.hide()
        if page.items:
            self.chat_stack.setCurrentIndex(1)
        else:
            self.chat_stack.setCurrentIndex(0)
            self.chat_empty.setText(
                self.tr(
                    "<p><b>No chat matches “%1”.</b></p><p>Try part of a name or an ID.</p>"
                ).replace("%1", html.escape(keyword))
                if keyword
                else self.tr(
                    "<p><b>No chats found.</b></p>"
                    "<p>Choose the decrypted WeChat data folder in <i>Settings…</i>.</p>"
                )
            )
        self._update_paging()

    def _show_chat_problem(self, error: DataSourceError | QueryError) -> None:
        self.chat_model.set_rows([])
        self._total = self._offset = 0
        self.chat_stack.setCurrentIndex(0)
        about_key = key_problem(error) if isinstance(error, DataSourceError) else None
        if about_key is not None:
            # Wrong key, or encrypted data and no key: the fix is always in the settings.
            text = self.tr(
                "<p><b>%1</b></p><p>Enter the database key in <i>Settings…</i> "
                "(WeChat data, Database key).</p>"
            )
        else:
            text = self.tr(
                "<p><b>The WeChat data cannot be read.</b></p><p>%1</p>"
                "<p>Choose the decrypted WeChat data folder in <i>Settings…</i>.</p>"
            )
        self.chat_empty.setText(text.replace("%1", html.escape(about_key or str(error))))
        self.open_settings_button.show()
        self._update_paging()

    def _update_source_label(self) -> None:
        if self._chats.is_demo:
            self.source_label.setText(
                self.tr("Showing the built-in demo data. Choose your WeChat data in Settings…")
            )
        else:
            text = self.tr("Data: %1").replace("%1", str(self._chats.path))
            unreadable = self._chats.status().get("unreadable") or []
            if unreadable:
                # One damaged or undecryptable file costs only its own chats (docs/isolation.md).
                files = ", ".join(str(entry.get("file", "?")) for entry in unreadable)
                text += " · " + self.tr("Could not be read: %1").replace("%1", files)
            search = self._chats.status().get("search") or {}
            about_index = search_index_text(search)
            if about_index:
                text += " · " + about_index
            if is_building(search):
                self._index_timer.start()
            else:
                self._index_timer.stop()
            self.source_label.setText(text)

    def _update_paging(self) -> None:
        shown = self.chat_model.rowCount()
        if shown:
            self.page_label.setText(
                self.tr("%1–%2 of %3")
                .replace("%1", str(self._offset + 1))
                .replace("%2", str(self._offset + shown))
                .replace("%3", str(self._total))
            )
        else:
            self.page_label.setText("")
        self.previous_page.setEnabled(self._offset > 0)
        self.next_page.setEnabled(self._offset + shown < self._total)

    def _chat_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            spawn(self.open_chat(indexes[0].row()))

    def select_chat(self, row: int) -> None:
        self.chat_table.selectRow(row)

    async def open_chat(self, row: int) -> None:
        """Show the recent messages of the chat on `row`."""
        chat = self.chat_model.chat(row)
        name = chat.nick_name or chat.user_name
        self._shown_chat = chat
        self._shown_messages, self._shown_thumbnails, self._shown_stored = [], {}, {}
        self.voice_status.setText("")
        self.report_save("")
        self._voice_request += 1
        spawn(self.voice_player.stop())  # another chat's voice message: its Stop is gone
        self._messages_pane.show()
        self.messages_title.setText(self.tr("Recent messages in %1").replace("%1", name))
        try:
            messages = await self._chats.recent_messages(chat.user_name)
        except (DataSourceError, QueryError) as error:
            self.messages.setPlainText(str(error))
            return
        if self.chat_model.rowCount() <= row or self.chat_model.chat(row) != chat:
            return  # the page changed meanwhile
        if not messages:
            self.messages.setHtml(self.tr("<p><i>No messages in this chat.</i></p>"))
            return
        self._shown_messages = messages
        self._show_messages(follow_end=True)
        # Then whether the videos and files are on this computer, and their sizes (quick:
        # they are found and measured, not read)...
        stored = await find_stored(self._media_service(), messages)
        if stored and self._shown_chat is chat:
            self._shown_stored = stored
            self._show_messages(follow_end=True)
        # ...and the pictures' thumbnails, decoded and shrunk on the store's worker threads.
        try:
            small = await thumbnails(self._chats.store, self._media_service(), messages)
        except (DataSourceError, QueryError) as error:
            logger.info("no thumbnails for this chat: %s", error)
            return
        if small and self._shown_chat is chat:
            self._shown_thumbnails = small
            self._show_messages(follow_end=True)

    def _show_messages(self, follow_end: bool) -> None:
        bar = self.messages.verticalScrollBar()
        kept = bar.value()
        playing = self.voice_player.playing
        self.messages.setHtml(
            messages_html(self._shown_messages, self._shown_thumbnails, playing, self._shown_stored)
        )
        if follow_end:
            # The newest message last and in view, as in a chat app.
            self.messages.moveCursor(QTextCursor.MoveOperation.End)
            self.messages.ensureCursorVisible()
        else:
            bar.setValue(kept)

    def _shown_message(self, ref: str) -> Message | None:
        return next((m for m in self._shown_messages if media_ref(m) == ref), None)

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == VOICE_SCHEME:
            spawn(self.toggle_voice(url.path()))
        elif url.scheme() == PICTURE_SCHEME:
            spawn(self.open_picture(url.path()))
        elif url.scheme() == SAVE_SCHEME:
            spawn(self.save_media(url.path()))

    # Pictures, videos and files ------------------------------------------------------------

    async def open_picture(self, ref: str) -> PictureViewer | None:
        """Show the picture `ref` of the chat shown in the picture viewer (one per window,
        reused); returns once the picture, or why it cannot be shown, is there."""
        message = self._shown_message(ref)
        if message is None:
            return None  # a click on a chat no longer shown
        viewer = self.picture_viewer
        if viewer is None:
            viewer = self.picture_viewer = PictureViewer(self.media_saver, self)
        await viewer.show_picture(self._media_service(), ref, message)
        return viewer

    async def save_media(self, ref: str) -> Path | None:
        """Save… the voice message (as MP3), video or file `ref` of the chat shown: where to
        is asked only once it is known to be there; returns the file written, if any."""
        if self._shown_message(ref) is None:
            return None
        try:
            item = await self._media_service().fetch(ref, voice_format="mp3")
        except (MediaError, DataSourceError, QueryError, OSError) as error:
            self.report_save(self.tr("Cannot save: %1").replace("%1", str(error)))
            return None
        return await self.media_saver.save(item, self, self.report_save)

    def report_save(self, text: str) -> None:
        self.save_status.setText(text)
        self.save_status.setVisible(bool(text))

    # Voice messages ------------------------------------------------------------------------

    async def toggle_voice(self, ref: str) -> None:
        """Play the shown voice message `ref`, or stop it if it is the one playing."""
        self._voice_request += 1  # a newer click, another chat or closing drops this one
        request = self._voice_request
        if self.voice_player.playing == ref:
            await self.voice_player.stop()
            return
        message = self._shown_message(ref)
        if message is None:
            return
        self.voice_status.setText(self.tr("Opening the voice message…"))
        try:
            pcm = await self._media_service().voice_pcm(message)
            if request != self._voice_request:
                return  # decoded too late: the user has moved on
            await self.voice_player.play(ref, pcm, VOICE_SAMPLE_RATE)
        except (MediaError, DataSourceError, QueryError, PlaybackError) as error:
            if request == self._voice_request:
                self.voice_status.setText(self.tr("Cannot play: %1").replace("%1", str(error)))

    def _on_voice_changed(self) -> None:
        if self.voice_player.playing is None:
            self.voice_status.setText("")
        else:
            self._show_voice_progress()
        if self._shown_messages:
            self._show_messages(follow_end=False)

    def _show_voice_progress(self) -> None:
        player = self.voice_player
        if player.playing is None:
            return
        self.voice_status.setText(
            self.tr("Playing %1 / %2")
            .replace("%1", format_seconds(math.floor(player.position())))
            .replace("%2", format_seconds(player.duration()))
        )

    def _media_service(self) -> MediaService:
        image_key = self._host.config.image_key
        return MediaService(
            self._chats.store, ImageKey(image_key.get_secret_value()) if image_key else None
        )

    def export_chat(self) -> ExportDialog | None:
        """Open the Export dialog for the chat whose messages are shown."""
        chat = self._shown_chat
        if chat is None:
            return None
        media = self._media_service()
        name = chat.nick_name or chat.user_name
        previous = self.export_dialog
        if previous is not None and not previous.running:
            previous.deleteLater()  # one finished dialog is not kept per export
        dialog = ExportDialog(self._chats.store, media, chat.user_name, name, self)
        self.export_dialog = dialog
        dialog.show()
        return dialog
