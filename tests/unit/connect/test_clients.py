"""Each client's config path on all three platforms, its entry, and the add/remove service."""

import json
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import platformdirs
import pytest

from server.client_tokens import ClientTokens, MemoryVault
from server.connect import clients
from server.connect.executable import server_command
from server.connect.place import Computer, user_config_dir
from server.connect.service import Connector

WINDOWS = Computer(
    "win32", PureWindowsPath(r"C:\Users\li"), {"APPDATA": r"C:\Users\li\AppData\Roaming"}
)
MACOS = Computer("darwin", PurePosixPath("/Users/li"), {})
LINUX = Computer("linux", PurePosixPath("/home/li"), {})

EXPECTED = {
    "claude-desktop": (
        r"C:\Users\li\AppData\Roaming\Claude\claude_desktop_config.json",
        "/Users/li/Library/Application Support/Claude/claude_desktop_config.json",
        "/home/li/.config/Claude/claude_desktop_config.json",
    ),
    "claude-code": (r"C:\Users\li\.claude.json", "/Users/li/.claude.json", "/home/li/.claude.json"),
    "cursor": (
        r"C:\Users\li\.cursor\mcp.json",
        "/Users/li/.cursor/mcp.json",
        "/home/li/.cursor/mcp.json",
    ),
    "vscode": (
        r"C:\Users\li\AppData\Roaming\Code\User\mcp.json",
        "/Users/li/Library/Application Support/Code/User/mcp.json",
        "/home/li/.config/Code/User/mcp.json",
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_config_paths_on_windows_macos_and_linux(name):
    client = clients.get(name)
    got = tuple(str(client.config_path(c)) for c in (WINDOWS, MACOS, LINUX))
    assert got == EXPECTED[name]


def test_linux_follows_xdg_config_home_and_windows_falls_back_without_appdata():
    xdg = Computer("linux", PurePosixPath("/home/li"), {"XDG_CONFIG_HOME": "/cfg"})
    assert str(clients.get("vscode").config_path(xdg)) == "/cfg/Code/User/mcp.json"
    bare = Computer("win32", PureWindowsPath(r"C:\Users\li"), {})
    assert str(user_config_dir(bare)) == r"C:\Users\li\AppData\Roaming"


def test_the_rules_agree_with_platformdirs_here():
    assert str(user_config_dir(Computer.this())) == platformdirs.user_config_dir(roaming=True)


def test_an_unknown_client_is_named():
    with pytest.raises(ValueError, match="unknown client 'notepad'; one of: claude-desktop"):
        clients.get("notepad")


def test_our_command_frozen_beside_the_interpreter_on_path_or_as_a_module(tmp_path):
    assert server_command(frozen=True, executable="/app/chatlog-tray") == ["/app/chatlog-tray"]
    (tmp_path / "chatlog-tray").write_text("")
    python = str(tmp_path / "python")
    assert server_command(frozen=False, executable=python, windows=False) == [
        str(tmp_path / "chatlog-tray")
    ]
    elsewhere = str(tmp_path / "other" / "python")
    assert server_command(frozen=False, executable=elsewhere, which=lambda _: "/bin/ct") == [
        "/bin/ct"
    ]
    assert server_command(frozen=False, executable=elsewhere, which=lambda _: None) == [
        elsewhere,
        "-m",
        "desktop",
    ]


@pytest.fixture
def tokens():
    return ClientTokens(MemoryVault())


@pytest.fixture
def connector(tokens, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    computer = Computer("linux", home, {})
    return Connector(tokens, computer, command=["/opt/ct"], which=lambda _: None)


def test_claude_desktop_gets_the_stdio_bridge_with_its_own_token(connector, tokens, tmp_path):
    client = clients.get("claude-desktop")
    added = connector.add(client)
    entry = json.loads(added.path.read_text())["mcpServers"]["chatlog"]
    token = entry["env"]["CHATLOG_TRAY_TOKEN"]
    assert entry == {"command": "/opt/ct", "args": ["stdio"], "env": {"CHATLOG_TRAY_TOKEN": token}}
    assert tokens.who(token) == "Claude Desktop"
    assert added.path == tmp_path / "home/.config/Claude/claude_desktop_config.json"
    other = connector.add(client, "http://127.0.0.1:6000/mcp")
    entry = json.loads(other.path.read_text())["mcpServers"]["chatlog"]
    assert entry["args"] == ["stdio", "--url", "http://127.0.0.1:6000/mcp"]
    assert other.backup is not None and other.backup.exists()


@pytest.mark.parametrize(
    ("name", "container", "expected"),
    [
        ("claude-code", "mcpServers", {"type": "http"}),
        ("cursor", "mcpServers", {}),
        ("vscode", "servers", {"type": "http"}),
    ],
)
def test_http_clients_get_the_url_and_bearer_header(connector, tokens, name, container, expected):
    added = connector.add(clients.get(name))
    entry = json.loads(added.path.read_text())[container]["chatlog"]
    token = entry["headers"]["Authorization"].removeprefix("Bearer ")
    assert entry == {
        **expected,
        "url": "http://127.0.0.1:5030/mcp",
        "headers": {"Authorization": f"Bearer {token}"},
    }
    assert tokens.who(token) == clients.get(name).display_name


def test_status_found_present_then_removed_and_revoked(connector, tokens, tmp_path):
    cursor = clients.get("cursor")
    status = connector.status(cursor)
    assert (status.found, status.present) == (False, False)
    (tmp_path / "home/.cursor").mkdir()
    assert connector.status(cursor).found
    connector.add(cursor)
    assert connector.status(cursor).present
    removed = connector.remove(cursor)
    assert (removed.removed, removed.revoked) == (True, True)
    assert connector.status(cursor).present is False
    assert tokens.names() == []


def test_claude_code_is_found_by_its_program_on_path(tokens, tmp_path):
    computer = Computer("linux", tmp_path, {})
    connector = Connector(tokens, computer, command=["/ct"], which=lambda p: f"/usr/bin/{p}")
    assert connector.status(clients.get("claude-code")).found


def test_cherry_studio_is_copy_only(connector, tokens, tmp_path):
    cherry = clients.get("cherry-studio")
    added = connector.add(cherry)
    assert added.path is None
    entry = json.loads(added.snippet)["mcpServers"]["chatlog"]
    assert entry["type"] == "streamableHttp" and entry["isActive"] is True
    assert tokens.names() == ["Cherry Studio"]
    assert not any((tmp_path / "home").iterdir())  # nothing written
    assert connector.remove(cherry).revoked


def test_an_unparseable_file_costs_no_token(connector, tokens, tmp_path):
    path = tmp_path / "home/.cursor/mcp.json"
    path.parent.mkdir(parents=True)
    path.write_text("{oops")
    with pytest.raises(Exception, match="not valid JSON"):
        connector.add(clients.get("cursor"))
    assert tokens.names() == []
    assert connector.status(clients.get("cursor")).problem is not None


def test_a_failed_write_revokes_the_new_token(connector, tokens, tmp_path):
    path = tmp_path / "home/.cursor/mcp.json"
    path.parent.mkdir(parents=True)
    path.write_text("{}")
    path.chmod(0o444)
    with pytest.raises(Exception, match="read-only"):
        connector.add(clients.get("cursor"))
    assert tokens.names() == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")
def test_a_config_file_given_explicitly_wins(connector, tmp_path):
    path = tmp_path / "elsewhere.json"
    added = connector.add(clients.get("vscode"), config_file=path)
    assert added.path == path and "chatlog" in json.loads(path.read_text())["servers"]
    assert Path(connector.status(clients.get("vscode"), path).path) == path
