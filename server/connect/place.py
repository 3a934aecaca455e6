"""Where a client keeps its config on this computer, as a rule of platform, home and environment.

The rules take the platform, the home folder and the environment as parameters, so the
Windows and macOS paths are checked by tests on any OS. For this computer they follow the
same rules as `platformdirs.user_config_dir` (tests compare the two).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath


@dataclass(frozen=True)
class Computer:
    """The facts a config path depends on."""

    platform: str  # "win32", "darwin" or anything else (Linux and other Unixes)
    home: PurePath
    env: Mapping[str, str]

    @classmethod
    def this(cls) -> Computer:
        return cls(sys.platform, Path.home(), dict(os.environ))

    def path(self, *parts: str) -> PurePath:
        """`parts` joined the way this computer's platform spells paths."""
        kind: type[PurePath] = PureWindowsPath if self.platform == "win32" else PurePosixPath
        return kind(*parts)

    def in_home(self, *parts: str) -> PurePath:
        return self.path(str(self.home), *parts)


def user_config_dir(computer: Computer) -> PurePath:
    """Where apps keep per-user settings: the folder Electron apps (Claude, VS Code) use too.

    Windows: %APPDATA% (the roaming profile); macOS: ~/Library/Application Support;
    elsewhere: $XDG_CONFIG_HOME, or ~/.config.
    """
    if computer.platform == "win32":
        appdata = computer.env.get("APPDATA")
        return computer.path(appdata) if appdata else computer.in_home("AppData", "Roaming")
    if computer.platform == "darwin":
        return computer.in_home("Library", "Application Support")
    xdg = computer.env.get("XDG_CONFIG_HOME", "").strip()
    if xdg and computer.path(xdg).is_absolute():
        return computer.path(xdg)
    return computer.in_home(".config")
