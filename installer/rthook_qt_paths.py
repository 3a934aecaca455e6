"""Run-time hook (chatlog-tray.spec): Qt's plugin path, without importing Qt.

It stands in for PyInstaller's own `pyi_rth_pyside6`, which imports PySide6.QtCore at
start-up to register a qt.conf. PySide6's wheels register one themselves when QtCore is
first imported, so that step does nothing for us; but the import made `--headless` load
QtCore, ICU and GLib on every launch. Here only the environment is set, and Qt loads when
the desktop app imports it.
"""

import os
import sys


def _set_qt_paths() -> None:
    base = getattr(sys, "_MEIPASS", os.path.dirname(sys.executable))
    # The wheels' layout: PySide6/plugins on Windows, PySide6/Qt/plugins elsewhere.
    qt = os.path.join(base, "PySide6", *([] if sys.platform == "win32" else ["Qt"]))
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt, "plugins")
    if sys.platform == "win32":
        # As PyInstaller's hook does: DLLs collected to the top folder are found by Qt's plugins.
        os.environ["PATH"] = base + os.pathsep + os.environ.get("PATH", "")


_set_qt_paths()
del _set_qt_paths
