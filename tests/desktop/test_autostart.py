"""Launch at login: the per-platform entries, written to a temporary home."""

import plistlib
import sys

import pytest

from desktop.autostart import (
    LaunchAgentAutostart,
    WindowsRunKeyAutostart,
    XdgAutostart,
    for_platform,
    launch_command,
)

pytestmark = pytest.mark.desktop


def test_the_xdg_entry_runs_the_app(tmp_path):
    entry = XdgAutostart(["/opt/chatlog tray/bin", "--x"], config_home=tmp_path)
    assert not entry.enabled()
    entry.enable()
    text = entry.path.read_text()
    assert entry.path == tmp_path / "autostart" / "chatlog-tray.desktop"
    # Double quotes, as the Desktop Entry specification reads them (not shell single quotes).
    assert 'Exec="/opt/chatlog tray/bin" --x' in text
    assert entry.enabled()
    entry.disable()
    entry.disable()  # idempotent
    assert not entry.enabled()


def test_special_characters_in_the_xdg_command_are_escaped_as_the_spec_says(tmp_path):
    entry = XdgAutostart(['/home/o"neil/$apps/chat`log', "100%"], config_home=tmp_path)
    entry.enable()
    assert 'Exec="/home/o\\"neil/\\$apps/chat\\`log" 100%%' in entry.path.read_text()


def test_a_backslash_takes_four_in_a_quoted_exec_argument(tmp_path):
    entry = XdgAutostart(["C:\\Program Files\\chatlog"], config_home=tmp_path)
    entry.enable()
    assert 'Exec="C:\\\\\\\\Program Files\\\\\\\\chatlog"' in entry.path.read_text()


def test_the_launch_agent_runs_at_load(tmp_path):
    agent = LaunchAgentAutostart(["/Applications/Chatlog Tray.app/Contents/MacOS/x"], tmp_path)
    agent.enable()
    plist = plistlib.loads(agent.path.read_bytes())
    assert plist["RunAtLoad"] is True
    assert plist["ProgramArguments"] == ["/Applications/Chatlog Tray.app/Contents/MacOS/x"]
    agent.disable()
    assert not agent.enabled()


def test_each_platform_gets_its_backend():
    assert isinstance(for_platform(["x"], "linux"), XdgAutostart)
    assert isinstance(for_platform(["x"], "darwin"), LaunchAgentAutostart)
    assert isinstance(for_platform(["x"], "win32"), WindowsRunKeyAutostart)


def test_from_source_the_command_runs_the_desktop_module():
    assert launch_command() == [sys.executable, "-m", "desktop"]
