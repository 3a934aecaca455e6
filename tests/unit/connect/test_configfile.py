"""Writing a client's config file: backup, atomic replace, permissions, clear refusals."""

import os
import stat

import pytest

from server.connect import configfile
from server.connect.configfile import ConfigFileError

ENTRY = {"command": "/opt/chatlog-tray", "args": ["stdio"]}


def write(path, text, mode=0o644):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_missing_file_and_folder_are_created_private(tmp_path):
    path = tmp_path / "Claude" / "claude_desktop_config.json"
    configfile.set_member(path, "mcpServers", "chatlog", ENTRY, allow_comments=False)
    assert configfile.read(path, allow_comments=False) == {"mcpServers": {"chatlog": ENTRY}}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not configfile.backup_path(path).exists()  # nothing to back up


def test_an_existing_file_is_backed_up_and_keeps_its_mode_and_other_settings(tmp_path):
    path = tmp_path / "claude_desktop_config.json"
    original = (
        '{\n  "globalShortcut": "Ctrl+Space",\n'
        '  "mcpServers": {\n    "fs": {"command": "npx"}\n  }\n}\n'
    )
    write(path, original, 0o640)
    configfile.set_member(path, "mcpServers", "chatlog", ENTRY, allow_comments=False)
    content = configfile.read(path, allow_comments=False)
    assert list(content) == ["globalShortcut", "mcpServers"]
    assert list(content["mcpServers"]) == ["fs", "chatlog"]
    assert configfile.backup_path(path).read_text(encoding="utf-8") == original
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_an_unparseable_file_is_left_alone_and_named(tmp_path):
    path = tmp_path / "mcp.json"
    write(path, '{"mcpServers": {"fs": ')
    with pytest.raises(ConfigFileError, match=r"mcp\.json is not valid JSON .*line 1"):
        configfile.set_member(path, "mcpServers", "chatlog", ENTRY, allow_comments=False)
    assert path.read_text(encoding="utf-8") == '{"mcpServers": {"fs": '
    assert not configfile.backup_path(path).exists()
    assert leftovers(tmp_path) == []


def test_a_read_only_file_is_refused(tmp_path):
    path = tmp_path / "mcp.json"
    write(path, "{}", 0o444)
    with pytest.raises(ConfigFileError, match=r"mcp\.json is read-only"):
        configfile.set_member(path, "mcpServers", "chatlog", ENTRY, allow_comments=False)
    assert path.read_text(encoding="utf-8") == "{}"


def test_a_failed_write_leaves_no_temporary_file_and_the_original(tmp_path, monkeypatch):
    path = tmp_path / "mcp.json"
    write(path, "{}")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(configfile.os, "replace", refuse)
    with pytest.raises(ConfigFileError, match=r"cannot write .*Permission denied"):
        configfile.set_member(path, "mcpServers", "chatlog", ENTRY, allow_comments=False)
    assert path.read_text(encoding="utf-8") == "{}"
    assert leftovers(tmp_path) == []


def test_remove_deletes_only_our_entry_and_reports_absence(tmp_path):
    path = tmp_path / "mcp.json"
    write(path, '{"mcpServers": {"fs": {}, "chatlog": {"url": "x"}}}')
    assert configfile.remove_member(path, "mcpServers", "chatlog", allow_comments=False)
    assert configfile.read(path, allow_comments=False) == {"mcpServers": {"fs": {}}}
    before = path.stat().st_mtime_ns
    assert not configfile.remove_member(path, "mcpServers", "chatlog", allow_comments=False)
    assert path.stat().st_mtime_ns == before
    assert not configfile.remove_member(
        tmp_path / "none.json", "mcpServers", "chatlog", allow_comments=False
    )
