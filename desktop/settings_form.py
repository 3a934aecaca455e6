"""The settings dialog's widgets, one per setting, made from the setting's schema entry.

Each `Editor` shows one value of `ServerConfig` and gives it back in the type the config
takes; its limits, unit, placeholder and tooltip come from the setting (server/config.py), so
the dialog cannot drift from the command line. Texts are translated in the "Settings" context
(desktop/settings_strings.py lists them for the translation tools).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPointF, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from desktop.webhooks_editor import WebhooksEditor
from server.api import Entry, Kind

# Room for a pasted key with spaces or a line break around it, not for a whole document.
SECRET_FIELD_LIMIT = 256
# Units short enough to follow the number in its field; the docs name the others.
SUFFIX_UNITS = frozenset({"s"})


def translate(text: str) -> str:
    """A schema text in the user's language."""
    return QCoreApplication.translate("Settings", text) if text else ""


@dataclass
class Editor:
    """One setting's widget: `value()` in the config's type, `show(value)` back."""

    entry: Entry
    widget: QWidget
    value: Callable[[], object]
    show: Callable[[object], None]
    changed: SignalInstance
    # What keeps the value from being saved, in the user's words (custom editors only).
    problems: Callable[[], list[str]] = list


# The editors of RECORDS settings (a list of models, say), by setting name: such a setting
# brings its own widget, registered here.
CUSTOM_EDITORS: dict[str, Callable[[Entry], Editor]] = {}


def _webhooks(entry: Entry) -> Editor:
    editor = WebhooksEditor()
    editor.setTitle("")  # the form's own group already says "Webhooks"
    editor.setFlat(True)
    return Editor(
        entry,
        editor,
        editor.hooks,
        lambda value: editor.set_hooks(value),  # type: ignore[arg-type]
        editor.changed,
        editor.problems,
    )


CUSTOM_EDITORS["webhooks"] = _webhooks


def make_editor(entry: Entry) -> Editor:
    """The widget for `entry`, with the limits, unit and texts of its setting."""
    maker = CUSTOM_EDITORS.get(entry.name) or _MAKERS[entry.kind]
    editor = maker(entry)
    editor.widget.setToolTip(sentence(translate(entry.setting.help)))
    editor.widget.setObjectName(entry.name)
    return editor


def _choice(entry: Entry) -> Editor:
    box = QComboBox()
    for value, name in entry.setting.choices:
        box.addItem(translate(name), value)

    def show(value: object) -> None:
        index = box.findData(value)
        if index < 0:
            # A value given on the command line (a host such as "::1") stays choosable.
            box.addItem(str(value), value)
            index = box.count() - 1
        box.setCurrentIndex(index)

    return Editor(entry, box, box.currentData, show, box.currentIndexChanged)


def _integer(entry: Entry) -> Editor:
    box = QSpinBox()
    box.setRange(int(entry.minimum or 0), int(entry.maximum or 2**31 - 1))
    box.setSpecialValueText(translate(entry.setting.minimum_text))
    box.setSuffix(_suffix(entry))
    return Editor(
        entry, box, box.value, lambda value: box.setValue(int(str(value))), box.valueChanged
    )


def _number(entry: Entry) -> Editor:
    box = QDoubleSpinBox()
    box.setDecimals(entry.setting.decimals)
    box.setRange(entry.minimum or 0.0, entry.maximum or 1e9)
    box.setSuffix(_suffix(entry))
    return Editor(
        entry, box, box.value, lambda value: box.setValue(float(str(value))), box.valueChanged
    )


def _switch(entry: Entry) -> Editor:
    box = QCheckBox(translate(entry.setting.label))
    return Editor(entry, box, box.isChecked, lambda value: box.setChecked(bool(value)), box.toggled)


def _lines(entry: Entry) -> Editor:
    field = QPlainTextEdit()
    field.setPlaceholderText(translate(entry.setting.placeholder))
    field.setFixedHeight(field.fontMetrics().lineSpacing() * 3 + 12)

    def value() -> tuple[str, ...]:
        lines = (line.strip() for line in field.toPlainText().splitlines())
        return tuple(line for line in lines if line)

    def show(value: object) -> None:
        field.setPlainText("\n".join(value) if isinstance(value, tuple) else "")

    return Editor(entry, field, value, show, field.textChanged)


def _folder(entry: Entry) -> Editor:
    field = QLineEdit()
    field.setPlaceholderText(translate(entry.setting.placeholder))

    def value() -> Path | None:
        text = field.text().strip()
        return Path(text).expanduser() if text else None

    return Editor(
        entry, field, value, lambda value: field.setText(str(value) if value else ""),
        field.textChanged,
    )  # fmt: skip


def _secret(entry: Entry) -> Editor:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(translate(entry.setting.placeholder))
    field.setMaxLength(SECRET_FIELD_LIMIT)
    add_reveal(field)

    def show(value: object) -> None:
        field.setText(_plain(value) if value is not None else "")

    return Editor(entry, field, lambda: field.text().strip() or None, show, field.textChanged)


def _text(entry: Entry) -> Editor:
    field = QLineEdit()
    field.setPlaceholderText(translate(entry.setting.placeholder))
    return Editor(
        entry, field, field.text, lambda value: field.setText(str(value)), field.textChanged
    )


class KeyTableLabel(QLabel):
    """Per-database keys from a key file: held here, shown only as how many there are."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.keys: dict[str, str] = {}

    def set_keys(self, keys: dict[str, str]) -> None:
        self.keys = dict(keys)
        count = len(keys)
        self.setText(
            QCoreApplication.translate(
                "SettingsDialog", "%n database key(s) from a key file", "", count
            )
            if count
            else QCoreApplication.translate("SettingsDialog", "none")
        )
        self.changed.emit()


def _key_table(entry: Entry) -> Editor:
    label = KeyTableLabel()

    def show(value: object) -> None:
        table = value if isinstance(value, dict) else {}
        label.set_keys({str(name): _plain(key) for name, key in table.items()})

    return Editor(entry, label, lambda: dict(label.keys), show, label.changed)


def _plain(secret: object) -> str:
    reveal = getattr(secret, "get_secret_value", None)
    return str(reveal()) if reveal is not None else str(secret)


def add_reveal(field: QLineEdit) -> QAction:
    """A Show toggle inside a password field: an eye (an action shows its icon only there)."""
    reveal = QAction(_eye_icon(field), QCoreApplication.translate("SettingsDialog", "Show"), field)
    reveal.setToolTip(reveal.text())
    reveal.setCheckable(True)
    reveal.toggled.connect(
        lambda shown: field.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )
    )
    field.addAction(reveal, QLineEdit.ActionPosition.TrailingPosition)
    return reveal


def _eye_icon(field: QLineEdit) -> QIcon:
    """An eye in the field's text colour, drawn here: no icon theme has one everywhere."""
    size = 32  # drawn large, shown at the field's icon size
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = field.palette().color(QPalette.ColorRole.Text)
    painter.setPen(QPen(colour, 2.5))
    outline = QPainterPath()
    outline.moveTo(3, 16)
    outline.quadTo(16, 3, 29, 16)
    outline.quadTo(16, 29, 3, 16)
    painter.drawPath(outline)
    painter.setBrush(colour)
    painter.drawEllipse(QPointF(16, 16), 4.5, 4.5)
    painter.end()
    return QIcon(pixmap)


def _suffix(entry: Entry) -> str:
    unit = entry.setting.unit
    return " " + translate(unit) if unit in SUFFIX_UNITS else ""


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "。")) else ".") if text else ""


_MAKERS: dict[Kind, Callable[[Entry], Editor]] = {
    Kind.CHOICE: _choice,
    Kind.INTEGER: _integer,
    Kind.NUMBER: _number,
    Kind.SWITCH: _switch,
    Kind.LINES: _lines,
    Kind.FOLDER: _folder,
    Kind.SECRET: _secret,
    Kind.TEXT: _text,
    Kind.KEY_TABLE: _key_table,
}
