"""English and Simplified Chinese, chosen from the system language.

The strings live in Qt's own format: resources/translations/chatlog_tray_zh_CN.ts (edited
with Qt Linguist, extracted with pyside6-lupdate) compiled to .qm by pyside6-lrelease, which
ships in the PySide6 wheel. Qt's own translations (the OK/Cancel buttons, file dialogs) come
from the Qt installation.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from server.api import resource_path

logger = logging.getLogger(__name__)

CATALOG = "chatlog_tray"
SUPPORTED = ("en", "zh_CN")

# QCoreApplication keeps only a pointer: the translators must stay alive here.
_installed: list[QTranslator] = []


def language_for(locale: QLocale) -> str:
    """ "zh_CN" for any Chinese locale (Simplified is the one shipped), else "en"."""
    if locale.language() == QLocale.Language.Chinese:
        return "zh_CN"
    return "en"


def install_translators(app: QCoreApplication, locale: QLocale | None = None) -> str:
    """Install the translations for `locale` (default: the system's); returns the language."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = language_for(locale or QLocale.system())
    if language == "en":
        return language
    ours = QTranslator(app)
    if ours.load(str(resource_path("translations", f"{CATALOG}_{language}.qm"))):
        app.installTranslator(ours)
        _installed.append(ours)
    else:
        logger.warning("no %s translation found; using English", language)
        return "en"
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    return language
