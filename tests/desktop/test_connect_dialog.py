"""The "Connect an AI app" dialog: Add writes the file, Remove removes our entry, errors show."""

import json

import pytest
from PySide6.QtGui import QGuiApplication

from desktop.connect_dialog import ConnectDialog
from server.client_tokens import ClientTokens, MemoryVault
from server.connect import clients
from server.connect.place import Computer
from server.connect.service import Connector

pytestmark = pytest.mark.desktop
URL = "http://127.0.0.1:5030/mcp"


@pytest.fixture
def home(tmp_path):
    folder = tmp_path / "home"
    (folder / ".cursor").mkdir(parents=True)
    return folder


@pytest.fixture
def tokens():
    return ClientTokens(MemoryVault())


@pytest.fixture
def dialog(qtbot, home, tokens):
    connector = Connector(
        tokens, Computer("linux", home, {}), command=["/opt/ct"], which=lambda _: None
    )
    widget = ConnectDialog(connector, lambda: URL)
    qtbot.addWidget(widget)
    return widget


def test_lists_every_client_found_or_not(dialog):
    assert list(dialog.rows) == list(clients.NAMES)
    assert dialog.rows["cursor"].status.text() == "found"
    assert dialog.rows["vscode"].status.text() == "not found"
    assert not any(row.remove.isEnabled() for row in dialog.rows.values())
    assert dialog.url_field.text() == URL


def test_add_writes_the_file_and_remove_deletes_only_our_entry(dialog, home, tokens):
    path = home / ".cursor" / "mcp.json"
    path.write_text('{"mcpServers": {"other": {"url": "http://x"}}}')
    dialog.rows["cursor"].add.click()
    servers = json.loads(path.read_text())["mcpServers"]
    assert list(servers) == ["other", "chatlog"]
    assert servers["chatlog"]["url"] == URL
    assert tokens.names() == ["Cursor"]
    assert "Added to Cursor" in dialog.message.text()
    assert dialog.rows["cursor"].status.text() == "found · connected"
    assert dialog.rows["cursor"].remove.isEnabled()

    dialog.rows["cursor"].remove.click()
    assert json.loads(path.read_text()) == {"mcpServers": {"other": {"url": "http://x"}}}
    assert tokens.names() == []
    assert "revoked" in dialog.message.text()
    assert not dialog.rows["cursor"].remove.isEnabled()


def test_an_unparseable_file_shows_the_message_and_stays_as_it_is(dialog, home, tokens):
    path = home / ".cursor" / "mcp.json"
    path.write_text("{broken")
    dialog.refresh()
    assert "cannot read" in dialog.rows["cursor"].status.text()
    dialog.rows["cursor"].add.click()
    assert f"{path} is not valid JSON" in dialog.message.text()
    assert path.read_text() == "{broken"
    assert tokens.names() == []


def test_cherry_studio_copies_the_json_and_says_where(dialog, tokens):
    dialog.rows["cherry-studio"].add.click()
    entry = json.loads(QGuiApplication.clipboard().text())["mcpServers"]["chatlog"]
    assert entry["baseUrl"] == URL
    assert "Import JSON" in dialog.message.text()
    assert dialog.rows["cherry-studio"].remove.isEnabled()
    dialog.rows["cherry-studio"].remove.click()
    assert tokens.names() == []


def test_other_app_gets_a_fresh_named_token_and_json(dialog, tokens):
    assert not dialog.copy_button.isEnabled()
    dialog.other_name.setText("My Agent")
    dialog.issue_button.click()
    entry = json.loads(dialog.snippet.toPlainText())["mcpServers"]["chatlog"]
    token = entry["headers"]["Authorization"].removeprefix("Bearer ")
    assert tokens.who(token) == "My Agent" and entry["url"] == URL
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.snippet.toPlainText()
    dialog.other_name.setText("bad/name")
    dialog.issue_button.click()
    assert "client name" in dialog.message.text()
