"""`chatlog-tray clients …` end to end, in-process, in a temporary HOME and keychain."""

import json
import sys
import zipfile

import pytest

from desktop.main import main
from server.client_tokens import ClientTokens

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux paths under HOME")


def who(token):
    """The client the keychain's table gives this token to (a fresh reader, like the server)."""
    tokens = ClientTokens()
    tokens.refresh()
    return tokens.who(token)


def test_list_add_list_remove(home, keychain, capsys):
    (home / ".cursor").mkdir()
    assert main(["clients", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [
        "claude-desktop",
        "claude-code",
        "cursor",
        "vscode",
        "cherry-studio",
    ]
    assert lines[2].split()[1:4] == ["found", "not", "connected"]
    assert lines[2].endswith(str(home / ".cursor/mcp.json"))

    assert main(["clients", "add", "cursor", "--url", "http://127.0.0.1:5031/mcp"]) == 0
    assert "Added chatlog to Cursor" in capsys.readouterr().out
    entry = json.loads((home / ".cursor/mcp.json").read_text())["mcpServers"]["chatlog"]
    assert entry["url"] == "http://127.0.0.1:5031/mcp"
    token = entry["headers"]["Authorization"].removeprefix("Bearer ")
    assert who(token) == "Cursor"

    main(["clients", "list"])
    assert capsys.readouterr().out.splitlines()[2].split()[1:3] == ["found", "connected"]

    assert main(["clients", "remove", "cursor"]) == 0
    out = capsys.readouterr().out
    assert "Removed chatlog from Cursor" in out and "revoked" in out
    assert json.loads((home / ".cursor/mcp.json").read_text()) == {"mcpServers": {}}
    assert who(token) is None


def test_add_into_a_given_vscode_file_keeps_its_comments(home, keychain, tmp_path, capsys):
    path = tmp_path / "mcp.json"
    path.write_text('{\n  // mine\n  "servers": {},\n}\n')
    assert main(["clients", "add", "vscode", "--config-file", str(path)]) == 0
    text = path.read_text()
    assert "// mine" in text and '"chatlog"' in text
    assert (tmp_path / "mcp.json.chatlog-backup").exists()


def test_an_unparseable_file_fails_with_its_name(home, keychain, capsys):
    path = home / ".claude.json"
    path.write_text("{not json")
    assert main(["clients", "add", "claude-code"]) == 1
    err = capsys.readouterr().err
    assert f"{path} is not valid JSON" in err
    assert path.read_text() == "{not json"


def test_cherry_studio_prints_the_json_and_where_to_paste_it(home, keychain, capsys):
    assert main(["clients", "add", "cherry-studio"]) == 0
    out = capsys.readouterr().out
    assert "Import JSON" in out
    snippet = json.loads(out[out.index("{") :])
    assert snippet["mcpServers"]["chatlog"]["type"] == "streamableHttp"


def test_without_a_keychain_the_message_says_what_to_do(home, capsys, monkeypatch):
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        assert main(["clients", "add", "cursor"]) == 1
    finally:
        keyring.set_keyring(previous)
    assert "keychain cannot be used" in capsys.readouterr().err
    assert not (home / ".cursor/mcp.json").exists()


def test_an_unknown_name_is_a_usage_error(home, keychain, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["clients", "add", "notepad"])
    assert exit_.value.code == 2


def test_bundle_holds_a_manifest_and_an_icon(home, keychain, tmp_path, capsys):
    out = tmp_path / "chatlog.mcpb"
    assert main(["clients", "bundle", "--output", str(out)]) == 0
    with zipfile.ZipFile(out) as bundle:
        assert sorted(bundle.namelist()) == ["icon.png", "manifest.json"]
        manifest = json.loads(bundle.read("manifest.json"))
        assert bundle.read("icon.png").startswith(b"\x89PNG")
    config = manifest["server"]["mcp_config"]
    assert config["args"][-1] == "stdio"
    assert config["env"] == {"CHATLOG_TRAY_TOKEN": "${user_config.token}"}
    token = manifest["user_config"]["token"]["default"]
    assert who(token) == "Claude Desktop"
