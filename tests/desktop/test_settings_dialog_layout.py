"""The settings dialog never clips: in every state, in English and in Chinese, each label and
button is at least as large as it asks to be, and the form fits the dialog's width."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

from desktop.i18n import install_translators
from desktop.settings import KEY_KEYCHAIN_PROBLEM, KEYCHAIN_PROBLEM, DesktopSettings
from desktop.settings_dialog import ALL_INTERFACES, SCREEN_SHARE, SettingsDialog
from server.config import ServerConfig
from server.settings_schema import DATA

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]

LANGUAGES = {
    "en": QLocale(QLocale.Language.English),
    "zh_CN": QLocale(QLocale.Language.Chinese, QLocale.Country.China),
}


@pytest.fixture(params=list(LANGUAGES))
def language(request) -> Iterator[str]:
    app = QApplication.instance()
    assert install_translators(app, LANGUAGES[request.param]) == request.param
    yield request.param
    install_translators(app, LANGUAGES["en"])


async def _never(settings: DesktopSettings) -> str | None:
    raise AssertionError("nothing is applied here")


def _settle() -> None:
    # A growing form can bring the scroll bar, which narrows the form: a few layout rounds.
    for _ in range(3):
        QApplication.processEvents()


def _shown(dialog: SettingsDialog) -> SettingsDialog:
    dialog.show()
    _settle()
    return dialog


def clipped(dialog: SettingsDialog) -> list[str]:
    """On every page: each visible label or button smaller than its text needs, by name."""
    shown = dialog.pages.currentIndex()
    found = []
    for page in range(dialog.pages.count()):
        dialog.pages.setCurrentIndex(page)
        _settle()
        found += [f"{dialog.pages.tabText(page)}: {problem}" for problem in _clipped_page(dialog)]
    dialog.pages.setCurrentIndex(shown)
    return found


def _clipped_page(dialog: SettingsDialog) -> list[str]:
    found = []
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisibleTo(dialog):
            continue
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                needed = widget.heightForWidth(widget.width())
                if widget.height() < needed:
                    found.append(f"{widget.text()[:50]!r}: {widget.height()} < {needed} high")
                continue
        elif not isinstance(widget, QAbstractButton) or isinstance(widget.parent(), QLineEdit):
            continue  # a line edit sizes its own icon buttons (Show) to its height
        hint = widget.sizeHint()
        if widget.width() < hint.width() or widget.height() < hint.height():
            found.append(f"{widget.text()[:50]!r}: {widget.size().toTuple()} < {hint.toTuple()}")
    content = dialog.form_area.widget()
    if content.width() > dialog.form_area.viewport().width():
        found.append("the form is wider than the dialog")
    room = int(dialog.screen().availableGeometry().height() * SCREEN_SHARE)
    if dialog.form_area.verticalScrollBar().isVisible() and dialog.height() < room:
        found.append(f"the form scrolls in a dialog {dialog.height()} high, with room for {room}")
    return found


async def test_the_default_dialog_shows_everything_whole(language):
    dialog = _shown(SettingsDialog(DesktopSettings(ServerConfig()), _never))
    assert clipped(dialog) == []


async def test_the_keychain_warnings_show_whole(language):
    dialog = SettingsDialog(
        DesktopSettings(ServerConfig()), _never, KEYCHAIN_PROBLEM, KEY_KEYCHAIN_PROBLEM
    )
    _shown(dialog)
    assert clipped(dialog) == []


async def test_the_all_interfaces_warning_and_the_restart_note_show_whole(language):
    dialog = _shown(SettingsDialog(DesktopSettings(ServerConfig()), _never))
    height = dialog.height()
    dialog.host.setCurrentIndex(dialog.host.findData(ALL_INTERFACES))
    _settle()
    assert not dialog.network_warning.isHidden() and not dialog.restart_note.isHidden()
    assert not dialog.problems.isHidden()  # "needs an access token"
    assert dialog.height() >= height  # grown for the notes if they needed the room
    assert clipped(dialog) == []


async def test_the_no_wechat_data_guidance_shows_whole(language, tmp_path: Path):
    dialog = _shown(SettingsDialog(DesktopSettings(ServerConfig()), _never))
    dialog.show_page(DATA)
    dialog.data_dir.setText(str(tmp_path))
    await dialog.layout_checked
    _settle()
    assert "No WeChat databases found" in dialog.layout_label.text()
    assert clipped(dialog) == []


async def test_the_check_sees_a_clipped_label(language):
    dialog = _shown(SettingsDialog(DesktopSettings(ServerConfig()), _never))
    dialog.key_help.setFixedHeight(5)
    _settle()
    assert len(clipped(dialog)) == 1
