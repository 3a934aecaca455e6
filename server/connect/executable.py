"""The command that starts our stdio bridge (`chatlog-tray stdio`), for clients that launch it.

A PyInstaller build is one executable (`sys.executable`); an installed package has the
`chatlog-tray` script beside its interpreter or on PATH; a source checkout has neither and
runs the package as a module.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

SCRIPT = "chatlog-tray"


def server_command(
    *,
    frozen: bool | None = None,
    executable: str | None = None,
    which: Callable[[str], str | None] = shutil.which,
    windows: bool | None = None,
) -> list[str]:
    """The program and leading arguments to which `stdio` is added."""
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    executable = sys.executable if executable is None else executable
    windows = sys.platform == "win32" if windows is None else windows
    if frozen:
        return [executable]
    # On Windows the script is chatlog-tray.exe in the Scripts folder beside python.exe.
    beside = Path(executable).parent / (SCRIPT + (".exe" if windows else ""))
    if beside.is_file():
        return [str(beside)]
    found = which(SCRIPT)
    if found:
        return [found]
    return [executable, "-m", "desktop"]
