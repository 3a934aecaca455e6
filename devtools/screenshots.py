"""Takes the documentation screenshots: real X11 windows under Xvfb, with a real tray host.

    python -m devtools.screenshots [--out docs/screenshots]

needs `Xvfb` and `trayer` (Debian: apt-get install xvfb trayer). It starts both on a free
display, then runs itself again inside that display, where it builds the real app (temporary
settings, demo data, the real server on a free port), connects two MCP clients with the
official SDK, and grabs the X root window:

- tray-menu.png: the tray icon with its menu and the address submenu open;
- connect.png / connect-zh.png: the "Connect an AI app" dialog;
- settings.png / settings-zh.png: the settings dialog as it opens, and each of its states
  (-network, -keychain, -keychain-data, -no-data, -webhooks), in both languages;
- sessions-mcp.png / sessions-chats.png: both tabs of the sessions window;
- sessions-chat-picture.png: a chat's picture as a thumbnail;
- sessions-chat-files.png: a chat's file with its Save… link;
- sessions-chat-video.png: a chat's video as the thumbnail WeChat kept, with its Save… link;
- picture-viewer.png / picture-viewer-zh.png: that picture opened in the picture viewer;
- tray-menu-zh.png / sessions-chats-zh.png: the same under a Chinese locale.

`--only NAME.png …` writes only the shots named (the app still goes through all of them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from keyring.backend import KeyringBackend

if TYPE_CHECKING:
    from desktop.sessions_window import SessionsWindow

logger = logging.getLogger(__name__)

# Tall enough for the settings dialog to open whole (it scrolls only on smaller screens).
SCREEN = (1100, 960)
SETTLE_SECONDS = 1.2  # lets the X server and the tray host draw before a grab
# In the demo data, chats with a voice message and a picture among their last messages.
VOICE_CHAT = "wxid_bob02"
PICTURE_CHAT = "wxid_chenjing"
FILES_CHAT = "wxid_liuyang"  # a file among its last messages, with its Save… link
VIDEO_CHAT = "wxid_zhangwei"  # its last message is a video
_VOICE_LINK = re.compile(r"href=[\"']voice:([^\"']+)[\"']")
_PICTURE_LINK = re.compile(r"href=[\"']picture:([^\"']+)[\"']")
# The shots to write (`--only`); empty: all of them.
_only: frozenset[str] = frozenset()


def _last_voice_ref(html: str) -> str:
    return str(_VOICE_LINK.findall(html)[-1])


PANEL_HEIGHT = 30
PREFERRED_PORT = 5030
DOCS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _free_display() -> int:
    for number in range(91, 140):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise RuntimeError("no free X display number")


def _wanted(path: Path) -> bool:
    return not _only or path.name in _only


def run_outside(out: Path, language: str, only: list[str]) -> int:
    """Start Xvfb and trayer, run the shots inside them, stop both."""
    for tool in ("Xvfb", "trayer"):
        if shutil.which(tool) is None:
            logger.error("%s is missing; install it (Debian: apt-get install xvfb trayer)", tool)
            return 2
    display = f":{_free_display()}"
    width, height = SCREEN
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"]
    )
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    trayer = None
    try:
        _wait_for_display(display)
        trayer = subprocess.Popen(
            [
                *("trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel"),
                *("--width", "64", "--height", str(PANEL_HEIGHT)),
                *("--SetDockType", "false", "--transparent", "false"),
            ],
            env=env,
        )
        codes = []
        for lang in ("en", "zh") if language == "both" else (language,):
            lang_env = {
                **env,
                "LANGUAGE": lang,
                "LANG": "zh_CN.UTF-8" if lang == "zh" else "C.UTF-8",
            }
            codes.append(
                subprocess.call(
                    [
                        sys.executable,
                        "-m",
                        "devtools.screenshots",
                        "--inside",
                        "--out",
                        str(out),
                        "--language",
                        lang,
                        *(["--only", *only] if only else []),
                    ],
                    env=lang_env,
                )
            )
        return max(codes)
    finally:
        for process in (trayer, xvfb):
            if process is not None:
                process.terminate()
                process.wait(5)


def _wait_for_display(display: str) -> None:
    socket_path = Path(f"/tmp/.X11-unix/X{display.lstrip(':')}")
    for _ in range(100):
        if socket_path.exists():
            return
        subprocess.run(["sleep", "0.05"], check=True)
    raise RuntimeError(f"Xvfb did not start on {display}")


def run_inside(out: Path, language: str) -> int:
    import qasync

    from desktop.app import create_qapplication, install_asyncgen_hooks
    from desktop.i18n import install_translators

    qapp = create_qapplication()
    from PySide6.QtCore import QLocale

    locale = (
        QLocale(QLocale.Language.Chinese, QLocale.Country.China)
        if language == "zh"
        else (QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    )
    install_translators(qapp, locale)

    async def main() -> int:
        install_asyncgen_hooks(asyncio.get_running_loop())
        await _shoot(out, language)
        return 0

    return asyncio.run(main(), loop_factory=qasync.QEventLoop)


async def _settle(seconds: float = SETTLE_SECONDS) -> None:
    # Sleeping on the qasync loop is what lets Qt paint; processEvents() here would re-enter
    # the loop from inside a task.
    await asyncio.sleep(seconds)


def _desktop_background() -> object:
    """A plain wallpaper and a top panel behind everything, so shots are not on black."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPaintEvent
    from PySide6.QtWidgets import QWidget

    class Background(QWidget):
        def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
            painter = QPainter(self)
            gradient = QLinearGradient(0, 0, 0, self.height())
            gradient.setColorAt(0, QColor("#5b7f95"))
            gradient.setColorAt(1, QColor("#a9c2c9"))
            painter.fillRect(self.rect(), gradient)
            # The colour trayer paints its own area with, so the panel reads as one bar.
            painter.fillRect(0, 0, self.width(), PANEL_HEIGHT, QColor("#dcdad5"))
            painter.fillRect(0, PANEL_HEIGHT - 1, self.width(), 1, QColor("#b8b5ae"))
            painter.end()

    background = Background()
    background.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    background.setGeometry(0, 0, *SCREEN)
    background.show()
    background.lower()  # below trayer's window, which was mapped first
    return background


def _grab_area(path: Path, x: int, y: int, width: int, height: int) -> None:
    from PySide6.QtGui import QGuiApplication

    if not _wanted(path):
        return

    pixmap = QGuiApplication.primaryScreen().grabWindow(0, x, y, width, height)
    if not pixmap.save(str(path)):
        raise OSError(f"could not write {path}")
    logger.info("wrote %s (%dx%d)", path, pixmap.width(), pixmap.height())


def _grab(path: Path, widget: object | None = None, margin: int = 0) -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QWidget

    if not _wanted(path):
        return
    screen = QGuiApplication.primaryScreen()
    if isinstance(widget, QWidget):
        frame = widget.frameGeometry()
        pixmap = screen.grabWindow(
            0,
            frame.x() - margin,
            frame.y() - margin,
            frame.width() + 2 * margin,
            frame.height() + 2 * margin,
        )
    else:
        pixmap = screen.grabWindow(0)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path)):
        raise OSError(f"could not write {path}")
    logger.info("wrote %s (%dx%d)", path, pixmap.width(), pixmap.height())


@contextlib.asynccontextmanager
async def _clients(base_url: str, token: str | None = None) -> AsyncIterator[None]:
    """Real MCP clients as the sessions window shows them: a handshake session per
    transport, and a 2026-07-28 client presenting its own key (`token`)."""
    import httpx2
    from mcp import Client, ClientSession, types
    from mcp.client.sse import sse_client
    from mcp.client.streamable_http import streamable_http_client

    async with contextlib.AsyncExitStack() as stack:
        if token is not None:
            http = await stack.enter_async_context(
                httpx2.AsyncClient(headers={"authorization": f"Bearer {token}"})
            )
            modern = await stack.enter_async_context(
                Client(
                    streamable_http_client(base_url + "/mcp", http_client=http),
                    mode="2026-07-28",
                    client_info=types.Implementation(name="Cursor", version="2.1.0"),
                )
            )
            await modern.call_tool("current_time", {})
        for transport, name, version in (
            (streamable_http_client(base_url + "/mcp"), "claude-ai", "0.1.0"),
            (sse_client(base_url + "/sse"), "cherry-studio", "1.5.7"),
        ):
            read, write = await stack.enter_async_context(transport)
            session = await stack.enter_async_context(
                ClientSession(
                    read, write, client_info=types.Implementation(name=name, version=version)
                )
            )
            await session.initialize()
            await session.list_tools()
            await session.call_tool("current_time", {})
        yield


async def _shoot(out: Path, language: str) -> None:
    import keyring
    import miniaudio
    from PySide6.QtCore import QPoint, QSettings
    from PySide6.QtWidgets import QMenu

    from desktop import voice_player
    from desktop.app import DesktopApp
    from desktop.autostart import XdgAutostart
    from desktop.settings import DesktopSettings, SettingsStore, TokenStore
    from server.config import ServerConfig
    from server.connect import clients

    suffix = "-zh" if language == "zh" else ""
    keyring.set_keyring(_MemoryKeyring())
    # The voice message plays on miniaudio's NULL device: the screen shows it, nothing sounds.
    voice_player.OUTPUT_BACKENDS = (miniaudio.Backend.NULL,)
    with tempfile.TemporaryDirectory() as temp:
        # A home of its own: the connect dialog finds three clients there and writes there.
        home = Path(temp) / "home"
        for folder in (".config/Claude", ".cursor", ".config/Code/User"):
            (home / folder).mkdir(parents=True)
        os.environ["HOME"] = str(home)
        os.environ.pop("XDG_CONFIG_HOME", None)
        store = SettingsStore(
            QSettings(str(Path(temp) / "settings.ini"), QSettings.Format.IniFormat), TokenStore()
        )
        store.save(DesktopSettings(ServerConfig(port=_port())))
        background = _desktop_background()
        app = DesktopApp(store, XdgAutostart(["chatlog-tray"], Path(temp)), tray_available=True)
        await app.start()
        assert app.tray is not None and app.host.address is not None
        width, height = SCREEN
        tokens = app.host.application.client_tokens if app.host.application else None
        token = tokens.issue("Cursor") if tokens is not None else None
        async with _clients(app.host.address.url, token):
            await _settle()
            menu = app.tray.menu
            menu.adjustSize()
            icon_area = app.tray.icon.geometry()
            x = (icon_area.right() if icon_area.isValid() else width) - menu.width()
            menu.popup(QPoint(max(0, x), 34))
            await _settle(0.4)
            copy_address = app.actions.copy_streamable
            clients_entry, submenu = next(
                (action, sub)
                for action in menu.actions()
                if isinstance(sub := action.menu(), QMenu) and copy_address in sub.actions()
            )
            menu.setActiveAction(clients_entry)
            submenu.adjustSize()
            entry = menu.actionGeometry(clients_entry)
            # Opened by hand where Qt would put it: to the left, as the menu is at the edge.
            submenu.popup(QPoint(menu.x() - submenu.width() + 2, menu.y() + entry.y()))
            await _settle()
            left = max(0, submenu.x() - 24)
            bottom = min(height, menu.y() + menu.height() + 24)
            _grab_area(out / f"tray-menu{suffix}.png", left, 0, width - left, bottom)
            submenu.hide()
            menu.hide()

            connect = app.open_connect()
            connect.add(clients.get("cursor"))  # one connected client, and its message
            connect.adjustSize()
            connect.move((width - connect.width()) // 2, 40)
            await _settle()
            _grab(out / f"connect{suffix}.png", connect)
            connect.hide()

            await _shoot_settings(out, suffix, Path(temp))

            window = app.window
            window.resize(1000, 600)
            window.move((width - 1000) // 2, 60)
            window.bring_to_front()
            for column in range(window.mcp_model.columnCount()):
                window.mcp_table.resizeColumnToContents(column)
            window.mcp_table.selectRow(0)
            await _settle()
            if not suffix:
                _grab(out / "sessions-mcp.png", window)
            window.tabs.setCurrentIndex(1)
            await window.reload_chats()
            # A chat whose last messages hold a voice message, shown playing.
            row = _row_of(window, VOICE_CHAT)
            window.chat_table.selectRow(row)
            await window.open_chat(row)
            await _settle()
            await window.toggle_voice(_last_voice_ref(window.messages.toHtml()))
            await _settle(1.2)
            _grab(out / f"sessions-chats{suffix}.png", window)
            await window.voice_player.stop()
            if not suffix:
                await _shoot_picture(window, out / "sessions-chat-picture.png")
                await _shoot_chat(window, FILES_CHAT, out / "sessions-chat-files.png")
                await _shoot_chat(window, VIDEO_CHAT, out / "sessions-chat-video.png")
            await _shoot_viewer(window, out / f"picture-viewer{suffix}.png")
        await app.shutdown()
        del background


def _row_of(window: SessionsWindow, user_name: str) -> int:
    row = window.chat_model.row_of(user_name)
    assert row is not None, f"the demo has no chat {user_name} on the first page"
    return row


async def _shoot_picture(window: SessionsWindow, path: Path) -> None:
    """A chat whose last messages hold a picture, its thumbnail in view."""
    row = _row_of(window, PICTURE_CHAT)
    from PySide6.QtWidgets import QSplitter

    window.resize(1000, 820)
    splitter = window.findChild(QSplitter)
    assert splitter is not None
    splitter.setSizes([260, 440])  # the messages pane tall enough for a picture
    window.chat_table.selectRow(row)
    await window.open_chat(row)
    await _settle()
    _grab(path, window)


async def _shoot_chat(window: SessionsWindow, user_name: str, path: Path) -> None:
    """The chat `user_name`, its last messages in view."""
    row = _row_of(window, user_name)
    window.chat_table.selectRow(row)
    await window.open_chat(row)
    await _settle()
    _grab(path, window)


async def _shoot_viewer(window: SessionsWindow, path: Path) -> None:
    """The last picture of the picture chat, opened in the picture viewer beside the window."""
    row = _row_of(window, PICTURE_CHAT)
    if window._shown_chat != window.chat_model.chat(row):
        window.chat_table.selectRow(row)
        await window.open_chat(row)
    ref = _PICTURE_LINK.findall(window.messages.toHtml())[-1]
    viewer = await window.open_picture(ref)
    assert viewer is not None and viewer.image is not None
    viewer.resize(620, 460)
    viewer.move(window.x() + 340, window.y() + 160)
    await _settle()
    _grab(path, viewer)
    viewer.close()


async def _shoot_settings(out: Path, suffix: str, temp: Path) -> None:
    """Every state of the settings dialog, each at the size it opens with, on the page that
    shows it (docs/desktop.md): settings (as it opens), -network (all interfaces: warning,
    restart note, the missing token), -keychain and -keychain-data (no keychain: the token's
    and the key's warnings), -no-data (a folder without WeChat data), -webhooks (a hook on
    this computer and one on another, not yet confirmed)."""
    from desktop.settings import KEY_KEYCHAIN_PROBLEM, KEYCHAIN_PROBLEM, DesktopSettings
    from desktop.settings_dialog import ALL_INTERFACES, SettingsDialog
    from server.config import ServerConfig
    from server.settings_schema import DATA, NETWORK, WEBHOOKS

    async def unused(_settings: DesktopSettings) -> str | None:
        return None

    empty = temp / "Documents" / "WeChat Files"
    empty.mkdir(parents=True)
    keychain = (KEYCHAIN_PROBLEM, KEY_KEYCHAIN_PROBLEM)
    states = {  # name: (keychain problems, page)
        "": ((None, None), NETWORK),
        "-network": ((None, None), NETWORK),
        "-keychain": (keychain, NETWORK),
        "-keychain-data": (keychain, DATA),
        "-no-data": ((None, None), DATA),
        "-webhooks": ((None, None), WEBHOOKS),
    }
    for state, (problems, page) in states.items():
        dialog = SettingsDialog(
            DesktopSettings(ServerConfig(port=PREFERRED_PORT)), unused, *problems
        )
        dialog.move(120, 20)
        dialog.show()
        dialog.show_page(page)
        if state == "-network":
            dialog.host.setCurrentIndex(dialog.host.findData(ALL_INTERFACES))
        if state == "-no-data":
            dialog.data_dir.setText(str(empty))
            if dialog.layout_checked is not None:
                await dialog.layout_checked
        if state == "-webhooks":
            dialog.webhooks.add_hook("http://127.0.0.1:8000/hook", talker="家人", keyword="紧急")
            dialog.webhooks.add_hook("https://hooks.example.com/in")
            dialog.validate()
        await _settle()
        _grab(out / f"settings{state}{suffix}.png", dialog)
        dialog.close()
        dialog.deleteLater()


class _MemoryKeyring(KeyringBackend):
    """Keeps any token in memory: taking screenshots must not touch the user's keychain."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


def _port() -> int:
    """The default port when it is free (it reads better in the docs), else any."""
    import socket

    with socket.socket() as probe:
        # As the server does: a port whose old connections sit in TIME_WAIT is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", PREFERRED_PORT))
        except OSError:
            return 0
    return PREFERRED_PORT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS)
    parser.add_argument("--language", choices=("en", "zh", "both"), default="both")
    parser.add_argument("--only", nargs="+", default=[], metavar="NAME.png")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    global _only
    _only = frozenset(args.only)
    if args.inside:
        return run_inside(args.out, args.language)
    return run_outside(args.out, args.language, args.only)


if __name__ == "__main__":
    sys.exit(main())
