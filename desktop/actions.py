"""Every user command of the app as a QAction, shared by the tray menu and the window.

The actions follow ServerHost's signals for their text and enabled state; the commands that
need other parts of the app (show a window, quit) are signals that app.py connects.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu, QStyle, QWidget

from desktop import client_config
from desktop.autostart import Autostart, AutostartError
from desktop.data_status import DataHealth, DataStatus, DataWatch
from desktop.server_host import ServerHost, ServerState
from desktop.tasks import spawn
from server.api import ServerConfig, log_dir

logger = logging.getLogger(__name__)

STATE_LINE_MAX = 70


class AppActions(QObject):
    """The app's commands.

    Signals:
        sessions_requested(): show the sessions window.
        connect_requested(): show the "Connect an AI app" dialog.
        settings_requested(): show the settings dialog.
        about_requested(), help_requested(): show the About or Help box.
        quit_requested(): quit the app (stops the server first).
        notice(str, str): a (title, message) the user should see, e.g. after a copy.
        warning(str, str): a (title, message) about a risk, e.g. secrets that cannot be kept.
        status_changed(): what the data or keychain lines say has changed.
        problem(str, str): a (title, message) about something that went wrong.
    """

    sessions_requested = Signal()
    connect_requested = Signal()
    settings_requested = Signal()
    about_requested = Signal()
    help_requested = Signal()
    quit_requested = Signal()
    notice = Signal(str, str)
    warning = Signal(str, str)
    status_changed = Signal()
    problem = Signal(str, str)

    def __init__(
        self,
        host: ServerHost,
        autostart: Autostart,
        data: DataWatch | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._host = host
        self._autostart = autostart
        self._data = data
        self._keychain_problem: str | None = None
        self.state_line = QAction(self)
        self.state_line.setEnabled(False)
        # What is served: the demo, the user's folder, or why it cannot be read.
        self.data_line = QAction(self)
        self.data_line.setEnabled(False)
        self.keychain_line = QAction(self)
        self.keychain_line.setEnabled(False)
        self.keychain_line.setVisible(False)
        self.keychain_line.setIcon(
            QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        )
        self.toggle_serving = QAction(self)
        self.toggle_serving.triggered.connect(self._toggle_serving)
        self.sessions = QAction(self.tr("Sessions…"), self)
        self.sessions.triggered.connect(self.sessions_requested)
        self.settings = QAction(self.tr("Settings…"), self)
        self.settings.triggered.connect(self.settings_requested)
        self.copy_sse = QAction(self)
        self.copy_sse.triggered.connect(lambda: self._copy_address("sse"))
        self.copy_streamable = QAction(self)
        self.copy_streamable.triggered.connect(lambda: self._copy_address("streamable"))
        self.connect_app = QAction(self.tr("Connect an AI app…"), self)
        self.connect_app.triggered.connect(self.connect_requested)
        self.open_logs = QAction(self.tr("Open log folder"), self)
        self.open_logs.triggered.connect(self._open_logs)
        self.launch_at_login = QAction(self.tr("Launch at login"), self)
        self.launch_at_login.setCheckable(True)
        self.launch_at_login.toggled.connect(self._set_launch_at_login)
        self.help = QAction(self.tr("Help"), self)
        self.help.setMenuRole(QAction.MenuRole.NoRole)
        self.help.triggered.connect(self.help_requested)
        self.about = QAction(self.tr("About Chatlog Tray"), self)
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.about.triggered.connect(self.about_requested)
        self.quit = QAction(self.tr("Quit Chatlog Tray"), self)
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit.triggered.connect(self.quit_requested)

        host.state_changed.connect(self.refresh)
        host.clients_changed.connect(self.refresh)
        if data is not None:
            data.changed.connect(self.refresh)
            data.changed.connect(self.status_changed)
        self.refresh()
        self.read_launch_at_login()

    def menu(self, parent: QWidget | None = None) -> QMenu:
        """A new menu with every action (the tray's context menu, or the window's menu)."""
        menu = QMenu(parent)
        menu.setTitle(self.tr("&Server"))
        menu.aboutToShow.connect(self.read_launch_at_login)
        menu.addAction(self.state_line)
        menu.addAction(self.data_line)
        menu.addAction(self.keychain_line)
        menu.addAction(self.toggle_serving)
        menu.addSeparator()
        menu.addAction(self.sessions)
        menu.addAction(self.settings)
        menu.addSeparator()
        address = menu.addMenu(self.tr("Copy MCP address"))
        address.addAction(self.copy_streamable)
        address.addAction(self.copy_sse)
        menu.addAction(self.connect_app)
        menu.addSeparator()
        menu.addAction(self.open_logs)
        menu.addAction(self.launch_at_login)
        menu.addSeparator()
        menu.addAction(self.help)
        menu.addAction(self.about)
        menu.addAction(self.quit)
        return menu

    # State ---------------------------------------------------------------------------------

    @property
    def data_status(self) -> DataStatus | None:
        return self._data.status if self._data is not None else None

    @property
    def keychain_problem(self) -> str | None:
        return self._keychain_problem

    def data_problem(self) -> bool:
        """Serving, but the WeChat data cannot be read at all: the tray must not look fine."""
        status = self.data_status
        return self._host.state is ServerState.SERVING and status is not None and status.is_problem

    def state_text(self) -> str:
        """One line saying what the server is doing, for the menu and the window."""
        host = self._host
        state = host.state
        status = self.data_status
        if state is ServerState.SERVING and host.address is not None:
            if self.data_problem():
                return self.tr("No readable WeChat data (server at %1)").replace(
                    "%1", host.address.url
                )
            if status is not None and status.health is DataHealth.DEMO:
                return self.tr("Serving demo data at %1").replace("%1", host.address.url)
            return self.tr("Serving at %1").replace("%1", host.address.url)
        if state is ServerState.STARTING:
            return self.tr("Starting…")
        if state is ServerState.STOPPING:
            return self.tr("Stopping…")
        if state is ServerState.ERROR:
            return self.tr("Error: %1").replace("%1", host.error or "")
        return self.tr("Stopped")

    def data_text(self) -> str:
        """One line saying what data is served, or why none can be (empty: not known)."""
        status = self.data_status
        if status is None:
            return ""
        if status.health is DataHealth.DEMO:
            return self.tr("Built-in demo data: choose your WeChat data in Settings…")
        if status.health is DataHealth.OPENING:
            return self.tr("Opening the WeChat data…")
        if status.health is DataHealth.PROBLEM:
            return self.tr("Cannot read the WeChat data: %1").replace("%1", status.detail)
        text = self.tr("WeChat data: %1").replace("%1", status.path)
        if status.health is DataHealth.PARTLY:
            text += " · " + self.tr("could not be read: %1").replace("%1", status.detail)
        return text

    def set_keychain_problem(self, problem: str | None) -> None:
        """Say in the menu (and once as a tray message) that secrets cannot be kept."""
        if problem == self._keychain_problem:
            return
        self._keychain_problem = problem
        self.keychain_line.setVisible(problem is not None)
        if problem is not None:
            short = self.tr("No system keychain: secrets are kept only until you quit")
            self.keychain_line.setText(short)
            self.keychain_line.setToolTip(problem)
        self.status_changed.emit()
        if problem is not None:
            self.warning.emit(self.tr("Secrets cannot be kept"), problem)

    def refresh(self) -> None:
        host = self._host
        text = self.state_text()
        clients = host.client_count()
        if host.state is ServerState.SERVING:
            text += " · " + self.tr("%n client(s)", "", clients)
        _set_line(self.state_line, text)
        data = self.data_text()
        _set_line(self.data_line, data)
        self.data_line.setVisible(bool(data))
        serving = host.state in (ServerState.SERVING, ServerState.STARTING)
        self.toggle_serving.setText(
            self.tr("Stop serving") if serving else self.tr("Start serving")
        )
        self.toggle_serving.setEnabled(
            host.state not in (ServerState.STARTING, ServerState.STOPPING)
        )
        port = host.address.port if host.address is not None else None
        config = host.config
        self.copy_streamable.setText(
            self.tr("Streamable HTTP: %1").replace(
                "%1", client_config.streamable_http_url(config, port)
            )
        )
        self.copy_sse.setText(self.tr("SSE: %1").replace("%1", client_config.sse_url(config, port)))

    def read_launch_at_login(self) -> None:
        """Show whether the app starts at login: read when a menu opens, not on every event
        (it is a file or registry read)."""
        self.launch_at_login.blockSignals(True)
        self.launch_at_login.setChecked(self._autostart.enabled())
        self.launch_at_login.blockSignals(False)

    # Commands -----------------------------------------------------------------------------

    def _toggle_serving(self) -> None:
        if self._host.state in (ServerState.SERVING, ServerState.STARTING):
            spawn(self._host.stop())
        else:
            spawn(self._host.start())

    def _client_target(self) -> tuple[ServerConfig, int | None]:
        address = self._host.address
        return self._host.config, address.port if address is not None else None

    def _copy_address(self, transport: str) -> None:
        config, port = self._client_target()
        if transport == "sse":
            text = client_config.sse_url(config, port)
        else:
            text = client_config.streamable_http_url(config, port)
        QGuiApplication.clipboard().setText(text)
        self.notice.emit(self.tr("Address copied"), text)

    def _open_logs(self) -> None:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.problem.emit(self.tr("Cannot open the log folder"), str(folder))

    def _set_launch_at_login(self, enabled: bool) -> None:
        try:
            if enabled:
                self._autostart.enable()
            else:
                self._autostart.disable()
        except AutostartError as error:
            logger.error("%s", error)
            self.problem.emit(self.tr("Launch at login"), str(error))
        self.refresh()


def _set_line(action: QAction, text: str) -> None:
    """A menu line, cut to a width a menu can show; the whole text is its tooltip."""
    short = text if len(text) <= STATE_LINE_MAX else text[: STATE_LINE_MAX - 1] + "…"
    action.setText(short)
    action.setToolTip(text)
