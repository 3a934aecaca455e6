"""The desktop app's composition root: builds every part and wires them together.

Start-up, in order:

1. `desktop.main` parses the arguments and sets up logging (stderr when there is one, and
   always a file in the platform's log folder, since windowed builds have no stdout), all
   before Qt is imported.
2. `run_desktop` creates the one QApplication (closing the last window must not quit a tray
   app), installs the translations for the system language, and claims the single-instance
   lock; a second launch wakes the first instance up and exits.
3. `asyncio.run(..., loop_factory=qasync.QEventLoop)`: from here the Qt event loop *is* the
   asyncio loop, and the server (Hypercorn) runs on it; no second thread.
4. `_main` installs the loop's async-generator hooks (qasync does not, and without them an
   abandoned stream never closes its connection), then builds a `DesktopApp`: the saved
   settings (QSettings plus the keychain) with the command-line flags merged over them,
   the `ServerHost`, the chat source, the actions, the window and the tray icon, or the
   window as the main window when there is no tray.
5. Serving starts unless the user turned that off; the controller logs
   `listening on http://HOST:PORT` like headless mode.
6. The app waits for a quit: the Quit action, SIGINT/SIGTERM, closing the main window when
   there is no tray, or the session ending (`aboutToQuit`).
7. Shutdown stops the server (every MCP session is closed first, so streams end cleanly),
   closes the chat store, and hides the tray, well within 3 seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from functools import partial

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon, QWidget

from desktop import autostart as autostart_backends
from desktop import client_config
from desktop.about import about_box, help_box
from desktop.actions import AppActions
from desktop.autostart import Autostart
from desktop.chat_source import ChatSource, key_problem, source_of
from desktop.collector import MainThreadCollector
from desktop.connect_dialog import ConnectDialog
from desktop.data_status import DataWatch
from desktop.i18n import install_translators
from desktop.icons import app_icon
from desktop.loop import QtEventLoop
from desktop.server_host import ApplicationFactory, ServerHost
from desktop.sessions_window import SessionsWindow
from desktop.settings import DesktopSettings, KeyStore, SettingsStore, TokenStore
from desktop.settings_dialog import SettingsDialog
from desktop.single_instance import SingleInstance
from desktop.tasks import drain, spawn
from desktop.tray import TrayIcon
from server.api import (
    Application,
    ClientTokens,
    Connector,
    SearchSettings,
    ServerConfig,
    build_application,
    config_from_args,
    register_secret,
)

logger = logging.getLogger(__name__)

ORGANIZATION = "chatlog-tray"
APPLICATION = "chatlog-tray"
DISPLAY_NAME = "Chatlog Tray"
QUIT_TIMEOUT = 3.0
VOICE_STOP_TIMEOUT = 1.0  # a hung sound server does not hold the quit up


class DesktopApp:
    """Everything the user sees, wired to one ServerHost. Construct inside the running loop."""

    def __init__(
        self,
        store: SettingsStore,
        autostart: Autostart,
        args: argparse.Namespace | None = None,
        tray_available: bool | None = None,
        build: ApplicationFactory | None = None,
    ) -> None:
        self.store = store
        self.settings = store.load()
        config = self._effective_config(self.settings.config, args)
        _register_secrets(config)
        self.chats = ChatSource(source_of(config), SearchSettings(enabled=config.search_index))
        self.host = ServerHost(config, build or self._build_on_shared_store)
        self.data = DataWatch(self.chats.status)
        self.actions = AppActions(self.host, autostart, self.data)
        self.window = SessionsWindow(self.host, self.chats, self.actions)
        self.dialog: SettingsDialog | None = None
        self.connect_dialog: ConnectDialog | None = None
        self.about: QMessageBox | None = None
        self.help: QMessageBox | None = None
        self.quit_event = asyncio.Event()
        if tray_available is None:
            tray_available = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray: TrayIcon | None = None
        if tray_available:
            self.tray = TrayIcon(self.host, self.actions)
        else:
            # No tray (stock GNOME, a bare X server): the window is the app (Vorta does this).
            self.window.menuBar().addMenu(self.actions.menu(self.window))
            self.window.closed.connect(self.request_quit)
        self._shut_down = False
        self.actions.sessions_requested.connect(self.window.bring_to_front)
        self.actions.settings_requested.connect(self.open_settings)
        self.actions.connect_requested.connect(self.open_connect)
        self.actions.about_requested.connect(self.open_about)
        self.actions.help_requested.connect(self.open_help)
        self.actions.quit_requested.connect(self.request_quit)

    def _build_on_shared_store(self, config: ServerConfig) -> Application:
        """The server reads through the window's store, so each folder is opened once."""
        switched = self.chats.switch(source_of(config))
        try:
            return build_application(config, store=self.chats.store)
        except Exception:
            if switched:
                self.chats.undo_switch()  # the server goes on with the old data: so does the window
            raise

    @staticmethod
    def _effective_config(saved: ServerConfig, args: argparse.Namespace | None) -> ServerConfig:
        if args is None:
            return saved
        try:
            return config_from_args(args, base=saved)
        except ValueError as error:
            # The flags were valid alone (main checked them) but clash with the saved
            # settings, e.g. --host 0.0.0.0 with no token: the saved settings win.
            logger.error("%s; using the saved settings", error)
            return saved

    def keychain_problem(self) -> str | None:
        """Why secrets cannot be kept past this session, or None when the keychain works.

        Each secret store finds out on its first read or write (see desktop/settings.py); they
        share one keychain, so one failing is enough to say so.
        """
        stores = (self.store.tokens, self.store.keys, self.store.file_keys, self.store.image_keys)
        if all(store.problem is None for store in stores):
            return None
        return QCoreApplication.translate(
            "DesktopApp",
            "No system keychain is available. The access token and the database keys you set "
            "are kept only until Chatlog Tray quits, and AI apps cannot get tokens of their "
            "own. On Linux, install and unlock a Secret Service keyring (GNOME Keyring or "
            "KWallet).",
        )

    async def start(self) -> None:
        if self.tray is not None:
            self.tray.show()
        else:
            self.window.bring_to_front()
        self.actions.set_keychain_problem(self.keychain_problem())
        if self.settings.serve_at_launch:
            await self.host.start()

    def open_settings(self) -> SettingsDialog:
        """Show the settings dialog (one at a time, non-modal)."""
        current = DesktopSettings(self.host.config, self.settings.serve_at_launch)
        if self.dialog is None:
            # One dialog for the app's lifetime: dropping old ones would leave their
            # deletion to Python's garbage collector, at whatever moment it runs.
            self.dialog = SettingsDialog(
                current, self.apply_settings, self.store.tokens.problem, self.store.keys.problem
            )
            self.dialog.setWindowIcon(app_icon())
        elif not self.dialog.isVisible():
            self.dialog.reset(current)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def open_connect(self) -> ConnectDialog:
        """Show the "Connect an AI app" dialog (one for the app's lifetime, like Settings)."""
        if self.connect_dialog is None:
            self.connect_dialog = ConnectDialog(Connector(ClientTokens()), self._client_url)
            self.connect_dialog.setWindowIcon(app_icon())
        else:
            self.connect_dialog.refresh()
        self.connect_dialog.show()
        self.connect_dialog.raise_()
        self.connect_dialog.activateWindow()
        return self.connect_dialog

    def open_about(self) -> QMessageBox:
        if self.about is None:
            self.about = about_box()
        return _show(self.about)

    def open_help(self) -> QMessageBox:
        if self.help is None:
            self.help = help_box()
        return _show(self.help)

    def _client_url(self) -> str:
        address = self.host.address
        port = address.port if address is not None else None
        return client_config.streamable_http_url(self.host.config, port)

    async def apply_settings(self, settings: DesktopSettings) -> str | None:
        """The dialog's apply: check the data, reconfigure the server, then persist.

        Returns the error to show instead, with nothing changed: a key that does not open
        the new data (or none for encrypted data), a busy port, any other start failure.
        """
        config = settings.config
        _register_secrets(config)
        problem = await self.chats.check(source_of(config))
        if problem is not None and (config.key is not None or key_problem(problem)):
            # Without a key, a folder that is merely unreadable (not there yet, say) is
            # accepted as before; the sessions window says what is wrong with it.
            return key_problem(problem) or str(problem)
        shown = self.chats.store
        error = await self.host.apply(config)
        if error is not None:
            return error
        self.store.save(settings)
        self.settings = settings
        # A running server has already moved the shared store over; a stopped one has not.
        self.chats.switch(source_of(settings.config))
        if self.chats.store is not shown:
            spawn(self.window.reload_chats())
        self.data.check()
        self.actions.set_keychain_problem(self.keychain_problem())
        self.actions.refresh()
        return None

    def request_quit(self) -> None:
        if not self._shut_down:
            self.quit_event.set()

    async def run(self) -> int:
        """Start, then serve until asked to quit; always shuts down cleanly."""
        try:
            await self.start()
            await self.quit_event.wait()
        finally:
            await self.shutdown()
        return 0

    async def shutdown(self) -> None:
        """Stop the server (sessions first), close the data store, take the UI down."""
        if self._shut_down:
            return
        self._shut_down = True
        try:  # the sound stops with the app, not after it
            async with asyncio.timeout(VOICE_STOP_TIMEOUT):
                await self.window.voice_player.close()
        except TimeoutError:
            logger.error("the sound output did not close within %.0f s", VOICE_STOP_TIMEOUT)
        await self.window.media_saver.stop()  # a save cut short leaves no file behind
        try:
            async with asyncio.timeout(QUIT_TIMEOUT):
                await self.host.shutdown()
        except TimeoutError:
            logger.error("the server did not stop within %.0f s; quitting anyway", QUIT_TIMEOUT)
        await drain(timeout=0.5)
        self.data.stop()
        await self.chats.close()
        for box in (self.dialog, self.about, self.help):
            if box is not None:
                box.close()
        if self.tray is not None:
            self.tray.hide()
        self.window.close()

    def on_about_to_quit(self, qapp: QApplication) -> None:
        """Something else ended the Qt loop (OS logout): stop the server before it is gone.

        The loop can no longer run our coroutines normally, so pump Qt events until the stop
        has finished (the qasync `asyncClose` trick, docs/architecture.md).
        """
        self.quit_event.set()
        if not self.host.running:
            return
        stopping = asyncio.ensure_future(self.host.stop())
        deadline = asyncio.get_event_loop().time() + QUIT_TIMEOUT
        while not stopping.done() and asyncio.get_event_loop().time() < deadline:
            qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _show[W: QWidget](window: W) -> W:
    # show(), never exec(): no nested event loop under the server.
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def _register_secrets(config: ServerConfig) -> None:
    """Whatever logs a secret by mistake, the log handlers mask it."""
    for secret in (config.token, config.key):
        if secret is not None:
            register_secret(secret.get_secret_value())


def install_asyncgen_hooks(loop: asyncio.AbstractEventLoop) -> None:
    """Let the loop finalise abandoned async generators (qasync never installs the hooks).

    WORKAROUND (docs/architecture.md): without them an httpx stream that is dropped keeps
    its TCP connection open until the whole client closes.
    """
    if sys.get_asyncgen_hooks().finalizer is None:
        sys.set_asyncgen_hooks(
            firstiter=loop._asyncgen_firstiter_hook,  # type: ignore[attr-defined]
            finalizer=loop._asyncgen_finalizer_hook,  # type: ignore[attr-defined]
        )


def _install_signal_handlers(loop: asyncio.AbstractEventLoop, quit_now: partial[None]) -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, quit_now)
        except (NotImplementedError, RuntimeError):
            # Windows' proactor loop has no add_signal_handler.
            signal.signal(signum, lambda *_: loop.call_soon_threadsafe(quit_now))


async def _main(qapp: QApplication, args: argparse.Namespace, instance: SingleInstance) -> int:
    loop = asyncio.get_running_loop()
    install_asyncgen_hooks(loop)
    app = DesktopApp(
        SettingsStore(QSettings(), TokenStore(), KeyStore()),
        autostart_backends.for_platform(),
        args,
    )
    instance.activated.connect(app.window.bring_to_front)
    _install_signal_handlers(loop, partial(app.request_quit))
    qapp.aboutToQuit.connect(partial(app.on_about_to_quit, qapp))
    return await app.run()


def create_qapplication() -> QApplication:
    """The one QApplication, set up for a tray app; created before any qasync loop."""
    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    qapp.setOrganizationName(ORGANIZATION)
    qapp.setApplicationName(APPLICATION)
    qapp.setApplicationDisplayName(DISPLAY_NAME)
    qapp.setWindowIcon(app_icon())
    qapp.setQuitOnLastWindowClosed(False)
    return qapp


def run_desktop(args: argparse.Namespace, config: ServerConfig) -> int:
    """The `chatlog-tray` GUI. `config` (flags alone) is re-derived over the saved settings."""
    del config  # the flags in `args` are merged over the saved settings instead
    qapp = create_qapplication()
    install_translators(qapp)
    instance = SingleInstance()
    if not instance.claim():
        return 0
    collector = MainThreadCollector(qapp)
    try:
        return asyncio.run(_main(qapp, args, instance), loop_factory=QtEventLoop)
    finally:
        collector.stop()
        instance.release()
