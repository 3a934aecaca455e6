"""Answering the save dialogs the app opens, as a user would: the real (non-native, offscreen)
QFileDialog, found among the children of the window that opened it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLineEdit, QWidget

from tests.support import wait_until


def open_save_dialogs(parent: QWidget) -> list[QFileDialog]:
    return [picker for picker in parent.findChildren(QFileDialog) if picker.isVisible()]


async def answer_save_dialog(parent: QWidget, path: Path | None) -> Path:
    """Once `parent` shows a save dialog: choose `path` in it, or Cancel for None. Returns
    the file the dialog suggested."""
    await wait_until(lambda: len(open_save_dialogs(parent)) == 1)
    [picker] = open_save_dialogs(parent)
    assert picker.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    suggested = Path(picker.selectedFiles()[0])
    if path is None:
        picker.reject()
    else:
        # As a user does: go to the folder, type the name, press Save.
        picker.setDirectory(str(path.parent))
        name = picker.findChild(QLineEdit, "fileNameEdit")
        assert name is not None
        name.setText(path.name)
        picker.accept()
    return suggested
