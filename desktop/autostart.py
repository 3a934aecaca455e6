"""Launch at login, the way each platform expects it. Qt-free.

- Windows: a value under HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run.
- macOS: a LaunchAgent property list in ~/Library/LaunchAgents.
- Linux and other XDG desktops: a .desktop file in $XDG_CONFIG_HOME/autostart.

Every backend answers `enabled()`, `enable()` and `disable()`; errors surface as
`AutostartError` with a message fit for a user.
"""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

APP_ID = "chatlog-tray"
LABEL = "io.github.chatlog-tray"
DISPLAY_NAME = "Chatlog Tray"


class AutostartError(Exception):
    """Launch at login could not be changed; the message says why."""


def launch_command() -> list[str]:
    """The command that starts this app as it is running now (frozen build or from source)."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "desktop"]


class Autostart(Protocol):
    def enabled(self) -> bool: ...
    def enable(self) -> None: ...
    def disable(self) -> None: ...


class XdgAutostart:
    """The freedesktop.org Desktop Application Autostart specification."""

    def __init__(self, command: Sequence[str], config_home: Path | None = None) -> None:
        self._command = list(command)
        base = config_home or Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        self.path = base / "autostart" / f"{APP_ID}.desktop"

    def enabled(self) -> bool:
        return self.path.is_file()

    def enable(self) -> None:
        text = (
            "[Desktop Entry]\n"
            "Type=Application\n"
            f"Name={DISPLAY_NAME}\n"
            f"Exec={' '.join(_exec_argument(argument) for argument in self._command)}\n"
            "X-GNOME-Autostart-enabled=true\n"
            "Terminal=false\n"
        )
        _write(self.path, text.encode())

    def disable(self) -> None:
        _remove(self.path)


# The Desktop Entry specification ("The Exec key") quotes an argument in double quotes, within
# which ", `, $ and \ are escaped with a backslash; shell-style single quotes are not read.
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
_EXEC_ESCAPES = {'"': '\\"', "`": "\\`", "$": "\\$", "\\": "\\" * 4}


def _exec_argument(argument: str) -> str:
    if argument and not _EXEC_RESERVED.intersection(argument):
        return argument.replace("%", "%%")
    # A backslash takes four: the general string escape is undone before the quoting rule.
    escaped = "".join(_EXEC_ESCAPES.get(char, char) for char in argument)
    return '"' + escaped.replace("%", "%%") + '"'


class LaunchAgentAutostart:
    """A per-user LaunchAgent that runs the app once at login."""

    def __init__(self, command: Sequence[str], home: Path | None = None) -> None:
        self._command = list(command)
        self.path = (home or Path.home()) / "Library" / "LaunchAgents" / f"{LABEL}.plist"

    def enabled(self) -> bool:
        return self.path.is_file()

    def enable(self) -> None:
        plist = {"Label": LABEL, "ProgramArguments": self._command, "RunAtLoad": True}
        _write(self.path, plistlib.dumps(plist))

    def disable(self) -> None:
        _remove(self.path)


class WindowsRunKeyAutostart:
    """The current user's Run key, read by Explorer at every login."""

    def __init__(self, command: Sequence[str]) -> None:
        self._command = subprocess.list2cmdline(list(command))

    def enabled(self) -> bool:
        return _run_key_get(DISPLAY_NAME) is not None

    def enable(self) -> None:
        _run_key_set(DISPLAY_NAME, self._command)

    def disable(self) -> None:
        _run_key_delete(DISPLAY_NAME)


RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"

# Behind a platform check, so type checkers on other systems skip winreg's API.
if sys.platform == "win32":
    import winreg

    def _run_key_get(name: str) -> str | None:
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                return str(winreg.QueryValueEx(key, name)[0])
        except OSError:
            return None

    def _run_key_set(name: str, value: str) -> None:
        try:
            with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)
        except OSError as error:
            raise AutostartError(f"Cannot write the Run registry key: {error}") from error

    def _run_key_delete(name: str) -> None:
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, name)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise AutostartError(f"Cannot change the Run registry key: {error}") from error

else:

    def _run_key_get(name: str) -> str | None:
        return None

    def _run_key_set(name: str, value: str) -> None:
        raise AutostartError("The Run registry key exists only on Windows.")

    def _run_key_delete(name: str) -> None:
        raise AutostartError("The Run registry key exists only on Windows.")


def for_platform(command: Sequence[str] | None = None, platform: str = sys.platform) -> Autostart:
    """The backend for `platform` (default: this one)."""
    command = list(command or launch_command())
    if platform == "win32":
        return WindowsRunKeyAutostart(command)
    if platform == "darwin":
        return LaunchAgentAutostart(command)
    return XdgAutostart(command)


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as error:
        raise AutostartError(f"Cannot write {path}: {error.strerror}") from error


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise AutostartError(f"Cannot remove {path}: {error.strerror}") from error
