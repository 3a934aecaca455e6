"""The committed icons in resources/icons/ as QIcons, per server state.

They are drawn by devtools/make_icons.py (a developer tool, not shipped) in these sizes.
"""

from __future__ import annotations

import sys
from functools import cache

from PySide6.QtGui import QIcon

from server.api import resource_path

TRAY_SIZES = (16, 20, 22, 24, 32, 40, 48, 64)
APP_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


@cache
def app_icon() -> QIcon:
    icon = QIcon()
    for size in APP_SIZES:
        icon.addFile(str(resource_path("icons", f"app-{size}.png")))
    return icon


@cache
def tray_icon(state: str) -> QIcon:
    """The tray icon for a `ServerState` value; starting/stopping look like the state before."""
    look = {"serving": "serving", "error": "error"}.get(state, "stopped")
    if sys.platform == "darwin" and look == "serving":
        # The menu bar recolours template images for light and dark mode; the state
        # colours stay for stopped and error, where the difference must stand out.
        icon = QIcon(str(resource_path("icons", "tray-template.png")))
        icon.addFile(str(resource_path("icons", "tray-template@2x.png")))
        icon.setIsMask(True)
        return icon
    icon = QIcon()
    for size in TRAY_SIZES:
        icon.addFile(str(resource_path("icons", f"tray-{look}-{size}.png")))
    return icon
