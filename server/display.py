"""Whether the tray app can start here, asked without importing Qt.

`chatlog-tray` asks before it imports Qt (Qt would abort the process without a display), and
`chatlog-tray stdio` asks before it starts the app (the headless server where the tray cannot).
"""

from __future__ import annotations

import importlib.util
import os
import sys


def why_no_gui() -> str | None:
    """Why the tray app cannot start here (Qt would abort the process), or None."""
    if importlib.util.find_spec("PySide6") is None or importlib.util.find_spec("qasync") is None:
        return "the tray app needs Qt: install chatlog-tray[desktop]"
    on_linux = sys.platform.startswith(("linux", "freebsd"))
    display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if on_linux and not display and not os.environ.get("QT_QPA_PLATFORM"):
        return "there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    return None
