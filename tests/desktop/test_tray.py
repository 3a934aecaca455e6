"""The tray icon and its menu, driven through the real actions of a real DesktopApp."""

import asyncio

import httpx
import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication

from desktop import app as desktop_app
from desktop.server_host import ServerState
from server.config import ServerConfig
from server.logging_setup import log_dir
from tests.support import wait_until

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]


def _menu_texts(menu) -> list[str]:
    return [
        action.text()
        for action in menu.actions()
        if action.isVisible() and not action.isSeparator()
    ]


class UrlRecorder(QObject):
    """Takes the place of the desktop's file manager through Qt's own URL handler hook."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


async def test_the_menu_lists_every_command_and_the_state_line_follows_the_server(make_app):
    app = make_app(serve=False)
    await app.start()
    assert app.tray is not None
    texts = _menu_texts(app.tray.menu)
    assert texts == [
        "Stopped",
        "Built-in demo data: choose your WeChat data in Settings…",
        "Start serving",
        "Sessions…",
        "Settings…",
        "Copy MCP address",
        "Connect an AI app…",
        "Open log folder",
        "Launch at login",
        "Help",
        "About Chatlog Tray",
        "Quit Chatlog Tray",
    ]
    assert not app.actions.state_line.isEnabled()

    app.actions.toggle_serving.trigger()
    await wait_until(lambda: app.host.state is ServerState.SERVING)
    assert app.host.address is not None
    url = app.host.address.url
    assert app.actions.state_line.text() == f"Serving demo data at {url} · 0 client(s)"
    assert app.actions.toggle_serving.text() == "Stop serving"
    assert app.tray.icon.toolTip() == (
        f"Chatlog Tray\nServing demo data at {url}\n"
        "Built-in demo data: choose your WeChat data in Settings…\n0 client(s) connected"
    )
    async with httpx.AsyncClient() as client:
        assert (await client.get(url + "/health")).status_code == 200

    app.actions.toggle_serving.trigger()
    await wait_until(lambda: app.host.state is ServerState.STOPPED)
    assert app.actions.toggle_serving.text() == "Start serving"
    assert app.tray.icon.toolTip() == (
        "Chatlog Tray\nStopped\nBuilt-in demo data: choose your WeChat data in Settings…"
    )


async def test_the_icon_shows_the_state(make_app, busy_port):
    app = make_app(ServerConfig(port=busy_port))
    assert app.tray is not None
    stopped = app.tray.icon.icon().pixmap(16, 16).toImage()
    await app.start()
    assert app.host.state is ServerState.ERROR
    failed = app.tray.icon.icon().pixmap(16, 16).toImage()
    assert failed != stopped
    assert app.actions.state_line.text().startswith("Error: Port ")
    assert "already in use" in app.tray.icon.toolTip()


async def test_copy_addresses(make_app):
    app = make_app()
    await app.start()
    assert app.host.address is not None
    base = app.host.address.url
    clipboard = QGuiApplication.clipboard()

    app.actions.copy_streamable.trigger()
    assert clipboard.text() == base + "/mcp"
    app.actions.copy_sse.trigger()
    assert clipboard.text() == base + "/sse"


async def test_connect_an_ai_app_opens_the_dialog(make_app):
    app = make_app()
    await app.start()
    app.actions.connect_app.trigger()
    dialog = app.connect_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.url_field.text() == app.host.address.url + "/mcp"
    app.actions.connect_app.trigger()
    assert app.connect_dialog is dialog


async def test_open_log_folder_asks_the_desktop_to_open_the_log_directory(make_app):
    app = make_app(serve=False)
    recorder = UrlRecorder()
    QDesktopServices.setUrlHandler("file", recorder, "open")
    try:
        app.actions.open_logs.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [url.toLocalFile() for url in recorder.urls] == [str(log_dir())]
    assert log_dir().is_dir()


async def test_launch_at_login_writes_and_removes_the_autostart_entry(make_app, autostart):
    app = make_app(serve=False)
    assert not app.actions.launch_at_login.isChecked()
    app.actions.launch_at_login.trigger()
    assert autostart.path.is_file()
    assert "Exec=" in autostart.path.read_text()
    assert app.actions.launch_at_login.isChecked()
    app.actions.launch_at_login.trigger()
    assert not autostart.path.exists()
    assert not app.actions.launch_at_login.isChecked()


async def test_sessions_and_settings_open_their_windows(make_app):
    app = make_app(serve=False)
    await app.start()
    assert not app.window.isVisible()
    app.actions.sessions.trigger()
    assert app.window.isVisible()
    app.actions.settings.trigger()
    assert app.dialog is not None and app.dialog.isVisible()
    app.actions.settings.trigger()  # a second time: the same dialog, not another one
    assert app.dialog is app.open_settings()


async def test_quit_stops_the_server_promptly(make_app, monkeypatch, caplog):
    # The quit gives up on a server that does not stop within QUIT_TIMEOUT (3 s), which a
    # stalled machine can reach too: a longer one here, so that only a stop that did not end
    # by itself takes it all.
    monkeypatch.setattr(desktop_app, "QUIT_TIMEOUT", 30.0)
    app = make_app()
    runner = asyncio.ensure_future(app.run())
    await wait_until(lambda: app.host.running)
    loop = asyncio.get_running_loop()
    started = loop.time()
    app.actions.quit.trigger()
    assert await runner == 0
    assert loop.time() - started < 10  # normally 0.1 s
    assert "did not stop within" not in caplog.text
    assert not app.host.running


async def test_without_a_tray_the_window_is_the_main_window_and_closing_it_quits(make_app):
    app = make_app(serve=False, tray=False)
    await app.start()
    assert app.tray is None
    assert app.window.isVisible()
    [menu] = [action.menu() for action in app.window.menuBar().actions()]
    assert "Start serving" in _menu_texts(menu)
    app.window.close()
    assert app.quit_event.is_set()


async def test_reopening_settings_shows_the_current_settings_not_the_abandoned_edits(make_app):
    app = make_app(serve=False)
    dialog = app.open_settings()
    dialog.workers.setValue(5)
    dialog.reject()
    assert app.open_settings() is dialog
    assert dialog.workers.value() == app.host.config.workers


async def test_launch_at_login_is_read_when_the_menu_opens(make_app, autostart):
    app = make_app(serve=False)
    assert not app.actions.launch_at_login.isChecked()
    autostart.enable()  # changed behind the app's back, e.g. by the user's desktop settings
    assert not app.actions.launch_at_login.isChecked()
    app.tray.menu.aboutToShow.emit()
    assert app.actions.launch_at_login.isChecked()
