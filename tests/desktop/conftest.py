"""Desktop tests: real widgets, offscreen, every async test on a qasync loop.

Only the tests in this folder get the qasync loop: pytest-asyncio asks the
`pytest_asyncio_loop_factories` hook through the item's own hook relay, which includes this
conftest only for items below this directory, so the server tests keep the stock loop.
"""

from __future__ import annotations

import gc
import os

# Before anything imports Qt: no display is needed, and none is available in CI.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

import socket
import sys
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
import miniaudio
import pytest
import pytest_asyncio
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from desktop import tasks, voice_player
from desktop.app import DesktopApp, create_qapplication
from desktop.autostart import XdgAutostart
from desktop.loop import QtEventLoop
from desktop.settings import DesktopSettings, SettingsStore, TokenStore
from devtools.demo import generate
from server.config import ServerConfig
from server.wechat.crypto.params import V4
from server.wechat.model import Layout
from tests.support import MemoryKeyring
from tests.unit.wechat.crypto.conftest import KEY, encrypt_tree

AppFactory = Callable[..., DesktopApp]


class _TestLoop(QtEventLoop):
    """A qasync loop that installs the async-generator hooks while it lives.

    Why: docs/architecture.md, "The desktop app's loop".
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._previous_hooks = sys.get_asyncgen_hooks()
        sys.set_asyncgen_hooks(
            firstiter=self._asyncgen_firstiter_hook, finalizer=self._asyncgen_finalizer_hook
        )

    def close(self) -> None:
        super().close()
        # Later tests on other loops must not call into this closed one.
        sys.set_asyncgen_hooks(*self._previous_hooks)


def _qasync_loop() -> _TestLoop:
    return _TestLoop(create_qapplication())


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], Any]]:
    return {"qasync": _qasync_loop}


@pytest.fixture(autouse=True)
def keychain() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Logs, autostart entries and the like go to the test's own folder, never $HOME."""
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))


@pytest.fixture
def ini_path(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def store(ini_path: Path) -> SettingsStore:
    return SettingsStore(QSettings(str(ini_path), QSettings.Format.IniFormat), TokenStore())


@pytest.fixture
def autostart(tmp_path: Path) -> XdgAutostart:
    return XdgAutostart(["chatlog-tray"], config_home=tmp_path / "autostart-config")


@pytest_asyncio.fixture
async def make_app(store: SettingsStore, autostart: XdgAutostart) -> AsyncIterator[AppFactory]:
    """Builds DesktopApps on saved settings (port 0 unless given); shuts each one down after."""
    apps: list[DesktopApp] = []

    def make(
        config: ServerConfig | None = None, *, serve: bool = True, tray: bool = True
    ) -> DesktopApp:
        store.save(DesktopSettings(config or ServerConfig(port=0), serve_at_launch=serve))
        app = DesktopApp(store, autostart, tray_available=tray)
        apps.append(app)
        return app

    yield make
    for app in apps:
        await app.shutdown()
    # The app waits 0.5 s for its background tasks at quit, so as not to hold the quit up;
    # here they must all end before the test's loop closes, or they end on a closed loop.
    await tasks.drain(timeout=30)
    # Widgets sit in reference cycles (slots referring to their owners). Collect them here,
    # between events, rather than letting a later collection delete a QObject in the middle
    # of Qt's dispatching to it.
    apps.clear()
    gc.collect()


@pytest.fixture(scope="session")
def encrypted_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WeChat 4.x data directory encrypted with `KEY` by SQLCipher 4 (never by our code)."""
    plain = tmp_path_factory.mktemp("plain-v4")
    generate(plain, Layout.V4, messages=300)
    return encrypt_tree(plain, tmp_path_factory.mktemp("encrypted-v4"), V4, KEY)


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port held by a listening socket for the whole test."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """After every desktop test, once its qasync loop is closed, collect its Qt objects here,
    on the GUI thread: left to the automatic collector, they could be freed on a worker
    thread of a later test, which Qt does not survive (see desktop/collector.py, which the
    app itself uses)."""
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def silent_sound_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """Voice messages play on miniaudio's NULL device: a real device on its own audio thread
    that takes samples in real time, heard by nobody (a developer's speakers stay quiet)."""
    monkeypatch.setattr(voice_player, "OUTPUT_BACKENDS", (miniaudio.Backend.NULL,))
