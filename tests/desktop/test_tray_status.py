"""What the tray says beyond the server's state: which data it serves, why it cannot read a
folder, a keychain that cannot keep secrets, and the About and Help boxes."""

import keyring
import pytest
from keyring.backends import fail

from desktop.data_status import DataHealth, data_status
from desktop.icons import tray_icon
from desktop.server_host import ServerState
from devtools.demo import generate
from server.config import ServerConfig
from server.logging_setup import log_dir
from server.mcp.protocol import server_version
from server.wechat.model import Layout
from tests.support import wait_until

pytestmark = pytest.mark.desktop


def _image(icon):
    return icon.pixmap(16, 16).toImage()


@pytest.mark.asyncio
async def test_a_folder_without_wechat_data_turns_the_tray_red_and_says_why(make_app, tmp_path):
    empty = tmp_path / "not-wechat"
    empty.mkdir()
    (empty / "notes.txt").write_text("nothing WeChat wrote")
    app = make_app(ServerConfig(port=0, data_dir=empty))
    await app.start()
    assert app.tray is not None and app.host.state is ServerState.SERVING
    await wait_until(lambda: app.actions.data_problem())

    state = app.actions.state_line.text()
    assert not state.startswith("Serving") and "No readable WeChat data" in state
    assert app.actions.data_line.text().startswith("Cannot read the WeChat data: ")
    assert str(empty) in app.actions.data_line.toolTip()
    tooltip = app.tray.icon.toolTip()
    assert "Cannot read the WeChat data" in tooltip and "Serving" not in tooltip
    assert _image(app.tray.icon.icon()) == _image(tray_icon("error"))
    assert _image(app.tray.icon.icon()) != _image(tray_icon("serving"))


@pytest.mark.asyncio
async def test_real_wechat_data_is_named_with_its_folder_and_the_tray_is_green(make_app, tmp_path):
    folder = tmp_path / "wxid_someone"
    generate(folder, Layout.V4, messages=50)
    app = make_app(ServerConfig(port=0, data_dir=folder))
    await app.start()
    await wait_until(lambda: app.actions.data_status.health is DataHealth.OK)

    assert app.host.address is not None
    assert app.actions.state_line.text().startswith(f"Serving at {app.host.address.url}")
    assert app.actions.data_line.text().startswith("WeChat data: ")
    assert str(folder) in app.actions.data_line.toolTip()
    assert "demo data" not in app.tray.icon.toolTip()
    assert _image(app.tray.icon.icon()) == _image(tray_icon("serving"))


@pytest.mark.asyncio
async def test_the_demo_data_is_said_in_the_menu_and_the_tooltip(make_app):
    app = make_app()
    await app.start()
    assert app.actions.data_status.health is DataHealth.DEMO
    assert "demo data" in app.actions.state_line.text()
    assert app.actions.data_line.isVisible() and "demo data" in app.actions.data_line.text()
    assert "demo data" in app.tray.icon.toolTip()


def test_unreadable_files_are_named_and_opening_is_not_a_problem():
    partly = data_status(
        {"demo": False, "state": "ok", "path": "/wx", "unreadable": [{"file": "message_1.db"}]}
    )
    assert partly.health is DataHealth.PARTLY and partly.detail == "message_1.db"
    opening = data_status({"demo": False, "state": "opening", "path": "/wx", "unreadable": []})
    assert opening.health is DataHealth.OPENING and not opening.is_problem


@pytest.fixture
def no_keychain():
    # keyring's own backend for "no keychain here": every call raises, as on a Linux desktop
    # without a Secret Service.
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.mark.asyncio
@pytest.mark.usefixtures("no_keychain")
async def test_without_a_keychain_the_menu_and_tooltip_warn_that_secrets_are_not_kept(make_app):
    app = make_app(serve=False)
    warnings: list[tuple[str, str]] = []
    app.actions.warning.connect(lambda title, text: warnings.append((title, text)))
    await app.start()

    assert app.actions.keychain_line.isVisible()
    assert "No system keychain" in app.actions.keychain_line.text()
    assert "until Chatlog Tray quits" in app.actions.keychain_line.toolTip()
    assert app.tray is not None and "No system keychain" in app.tray.icon.toolTip()
    assert [title for title, _ in warnings] == ["Secrets cannot be kept"]
    assert "AI apps cannot get tokens of their own" in warnings[0][1]


@pytest.mark.asyncio
async def test_with_a_keychain_there_is_no_warning(make_app):
    app = make_app(serve=False)
    await app.start()
    assert app.keychain_problem() is None
    assert not app.actions.keychain_line.isVisible()
    assert app.tray is not None and "keychain" not in app.tray.icon.toolTip()


@pytest.mark.asyncio
async def test_about_names_the_version_the_licence_and_links(make_app):
    app = make_app(serve=False)
    app.actions.about.trigger()
    box = app.about
    assert box is not None and box.isVisible() and not box.isModal()
    text = box.text()
    assert f"Chatlog Tray {server_version()}" in text
    assert "Apache License 2.0" in text
    assert 'href="https://modelcontextprotocol.io"' in text
    app.actions.about.trigger()
    assert app.about is box  # one box, shown again


@pytest.mark.asyncio
async def test_help_explains_the_basics_and_where_the_logs_are(make_app):
    app = make_app(serve=False)
    app.actions.help.trigger()
    box = app.help
    assert box is not None and box.isVisible() and not box.isModal()
    text = box.text()
    assert "Connect an AI app" in text and "demo data" in text
    assert str(log_dir()) in text
