"""The Settings dialog: edits DesktopSettings, validates as the user types, applies live.

The dialog knows nothing about the server: it is given an `apply` coroutine that returns
None on success or the error to show (a busy port, say). While the dialog stays open on an
error, the previous configuration keeps serving, restored by ServerHost.
"""

from __future__ import annotations

import asyncio
import logging
import string
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import DesktopSettings
from desktop.settings_form import Editor, KeyTableLabel, make_editor, translate
from desktop.tasks import spawn
from desktop.webhooks_editor import WebhooksEditor
from server.api import (
    GROUPS,
    KEY_HEX_LENGTH,
    SETTING,
    SETTINGS,
    DataDir,
    DataSourceError,
    KeyFileError,
    Kind,
    ServerConfig,
    detect,
    generate_token,
    is_loopback_host,
    read_key_file,
)

logger = logging.getLogger(__name__)

ApplySettings = Callable[[DesktopSettings], Awaitable[str | None]]

LOOPBACK = "127.0.0.1"
ALL_INTERFACES = "0.0.0.0"
LAYOUT_NAMES = {
    "v4": "WeChat 4.x",
    "windows-v3": "WeChat 3.x (Windows)",
    "darwin-v3": "Mac WeChat 3.x",
}
ERROR_STYLE = "color: #c62828;"
WARNING_STYLE = "color: #a15c00;"
OK_STYLE = "color: #2e7d32;"
# The most of the screen's height the dialog grows to; past it the form scrolls.
SCREEN_SHARE = 0.9


class SettingsDialog(QDialog):
    """Server and app settings; OK and Apply go through the `apply` coroutine.

    The form is made from the settings schema (server/config.py): one group per schema group,
    one row per setting, each widget from `make_editor`. What the dialog adds around a few
    settings (a Generate button, the folder's detected layout, warnings) is listed in
    `beside` and `below` in `_build`.
    """

    def __init__(
        self,
        settings: DesktopSettings,
        apply: ApplySettings,
        keychain_problem: str | None = None,
        key_keychain_problem: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Chatlog Tray Settings"))
        self._apply = apply
        self._applied = settings
        self._busy = False
        self._layout_for: str | None = None  # the folder text the layout label is about
        self.layout_checked: asyncio.Task[None] | None = None  # the latest folder check
        self._build(keychain_problem, key_keychain_problem)
        self.load(settings)

    # Building -----------------------------------------------------------------------------

    def _build(self, keychain_problem: str | None, key_keychain_problem: str | None) -> None:
        self.editors = {entry.name: make_editor(entry) for entry in SETTINGS if entry.setting.group}
        self.host = self._widget("host", QComboBox)
        self.port = self._widget("port", QSpinBox)
        self.token = self._widget("token", QLineEdit)
        self.origins = self._widget("allow_origins", QPlainTextEdit)
        self.queue_capacity = self._widget("queue_capacity", QSpinBox)
        self.workers = self._widget("workers", QSpinBox)
        self.ping_interval = self._widget("ping_interval", QDoubleSpinBox)
        self.idle_timeout = self._widget("session_idle_timeout", QDoubleSpinBox)
        self.data_dir = self._widget("data_dir", QLineEdit)
        self.key = self._widget("key", QLineEdit)
        self.reveal_key = self.key.actions()[0]
        self.image_key = self._widget("image_key", QLineEdit)
        self.key_file_label = self._widget("file_keys", KeyTableLabel)
        self.open_access = self._widget("open_access", QCheckBox)
        self.webhooks = self._widget("webhooks", WebhooksEditor)

        self.generate_token = QPushButton(self.tr("Generate"))
        self.copy_token = QPushButton(self.tr("Copy"))
        self.browse = QPushButton(self.tr("Browse…"))
        self.clear_key = QPushButton(self.tr("Clear"))
        # A key file (all_keys.json) gives one key per database, as many key tools do.
        self.load_key_file = QPushButton(self.tr("Load key file…"))
        self.clear_key_file = QPushButton(self.tr("Forget key file"))
        self.network_warning = _note(
            self.tr(
                "Other devices on your network can reach this server. A token is required; "
                "anyone who has it can read your chat history."
            ),
            WARNING_STYLE,
        )
        self.layout_label = _note("")
        self.key_help = _note(
            self.tr(
                "WeChat databases are encrypted; the key (64 hexadecimal characters) stays in "
                "memory and in your system keychain, never on disk in plain text."
            )
        )
        self.serve_at_launch = QCheckBox(self.tr("Start serving when the app starts"))
        self.restart_note = _note(
            self.tr(
                "Applying a new address or port restarts the server: connected AI apps lose "
                "their connection and must reconnect. Every other change applies at once."
            ),
            WARNING_STYLE,
        )
        self.problems = _note("", ERROR_STYLE)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply
        )

        beside: dict[str, list[QWidget]] = {
            "token": [self.generate_token, self.copy_token],
            "data_dir": [self.browse],
            "key": [self.clear_key],
            "file_keys": [self.load_key_file, self.clear_key_file],
        }
        below: dict[str, list[QWidget]] = {
            "host": [self.network_warning],
            "token": _problem_notes(keychain_problem),
            "data_dir": [self.layout_label],
            "key": [self.key_help, *_problem_notes(key_keychain_problem)],
        }
        # One page per group (as Vorta's settings): each page is short enough for a laptop's
        # screen, and grows or scrolls on its own.
        self.pages = QTabWidget()
        self.page_areas: dict[str, FittingScrollArea] = {}
        for group in GROUPS:
            content = QWidget()
            column = QVBoxLayout(content)
            form = QFormLayout()
            column.addLayout(form)
            column.addStretch(1)  # rows stay together at the top of a page taller than them
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for editor in (e for e in self.editors.values() if e.entry.setting.group == group):
                name = editor.entry.name
                if editor.entry.kind is Kind.RECORDS:
                    form.addRow(editor.widget)  # a list's own editor, full width, explains itself
                    continue
                form.addRow(_row_label(editor), _with_buttons(editor.widget, beside.get(name, [])))
                for note in below.get(name, []):
                    form.addRow("", note)
            area = FittingScrollArea(content)
            self.page_areas[group] = area
            self.pages.addTab(area, translate(group))
        self.pages.currentChanged.connect(lambda _index: self.fit_to_content())

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.serve_at_launch)
        layout.addWidget(self.restart_note)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.setSizeGripEnabled(True)

        for editor in self.editors.values():
            editor.changed.connect(self.validate)
        self.serve_at_launch.toggled.connect(self.validate)
        self.generate_token.clicked.connect(self._generate_token)
        self.copy_token.clicked.connect(self._copy_token)
        self.browse.clicked.connect(self._browse)
        self.clear_key.clicked.connect(self.key.clear)
        self.load_key_file.clicked.connect(self._choose_key_file)
        self.clear_key_file.clicked.connect(lambda: self._set_file_keys({}))
        self.buttons.rejected.connect(self.reject)
        self.buttons.accepted.connect(lambda: spawn(self.accept_changes()))
        self.apply_button.clicked.connect(lambda: spawn(self.apply_changes()))

    def _widget[W: QWidget](self, name: str, kind: type[W]) -> W:
        widget = self.editors[name].widget
        assert isinstance(widget, kind), (name, widget)
        return widget

    # Size ---------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.fit_to_content()

    def fit_to_content(self) -> None:
        """Grow (never shrink) to show every row whole, up to most of the screen's height;
        beyond that the form scrolls. Called whenever a note appears or changes."""
        # A note's new text reaches the form's layout one nesting level per LayoutRequest
        # event: deliver them now, or the height below is the one before the change.
        for _level in range(3):
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        chrome = self.height() - self.form_area.viewport().height()
        screen = self.screen()
        room = screen.availableGeometry().height() if screen is not None else 800
        # As tall as the tallest page, so that switching pages does not resize the dialog.
        tallest = max(area.content_height() for area in self.page_areas.values())
        target = min(tallest + chrome, int(room * SCREEN_SHARE))
        if target > self.height():
            self.resize(self.width(), target)

    @property
    def form_area(self) -> FittingScrollArea:
        """The page shown now."""
        area = self.pages.currentWidget()
        assert isinstance(area, FittingScrollArea)
        return area

    def show_page(self, group: str) -> None:
        """Turn to the page of a settings group (NETWORK, DATA…, server/settings_schema.py)."""
        self.pages.setCurrentWidget(self.page_areas[group])

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    @property
    def apply_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Apply)

    # Values -------------------------------------------------------------------------------

    def reset(self, settings: DesktopSettings) -> None:
        """Start over from `settings` (the dialog is reused each time it opens)."""
        self._applied = settings
        self.load(settings)

    def load(self, settings: DesktopSettings) -> None:
        """Show `settings` in the widgets."""
        for name, editor in self.editors.items():
            editor.show(getattr(settings.config, name))
        self.serve_at_launch.setChecked(settings.serve_at_launch)
        self.clear_key_file.setVisible(bool(self.key_file_label.keys))
        self.validate()

    def _values(self) -> dict[str, Any]:
        # Settings the dialog does not show (command-line only) keep their applied values.
        return {
            **self._applied.config.model_dump(),
            **{name: editor.value() for name, editor in self.editors.items()},
        }

    def current_settings(self) -> DesktopSettings | None:
        """The settings as typed, or None while they are invalid (see `problems`)."""
        return self._check()[0]

    def _check(self) -> tuple[DesktopSettings | None, list[str]]:
        problems: list[str] = []
        values = self._values()
        if not is_loopback_host(str(values["host"])) and values["token"] is None:
            problems.append(self.tr("Listening on all network interfaces needs an access token."))
            return None, problems
        key_problem = self._key_problem(values["key"])
        if key_problem:
            return None, [key_problem]
        for editor in self.editors.values():
            problems.extend(editor.problems())
        if problems:
            return None, problems
        try:
            config = ServerConfig.model_validate(values)
        except ValidationError as error:
            for detail in error.errors():
                field = ".".join(str(part) for part in detail["loc"][:1])
                message = str(detail["msg"]).removeprefix("Value error, ")
                problems.append(f"{self._field_label(field)}: {message}" if field else message)
            return None, problems
        return DesktopSettings(config, self.serve_at_launch.isChecked()), problems

    def _choose_key_file(self) -> None:
        # open(), not the static getOpenFileName(): no nested event loop (see _browse).
        picker = QFileDialog(self, self.tr("Load key file"), str(Path.home()))
        picker.setFileMode(QFileDialog.FileMode.ExistingFile)
        picker.setNameFilters(["JSON (*.json)", "* (*)"])
        picker.fileSelected.connect(lambda chosen: self.load_key_file_from(Path(chosen)))
        picker.finished.connect(picker.deleteLater)
        picker.open()

    def load_key_file_from(self, path: Path) -> bool:
        """Take the per-database keys of `path` (kept in memory and the keychain only)."""
        try:
            keys = read_key_file(path)
        except KeyFileError as error:
            self.problems.setText(str(error))
            return False
        self._set_file_keys(keys)
        return True

    def _set_file_keys(self, keys: dict[str, str]) -> None:
        self.key_file_label.set_keys(keys)
        self.clear_key_file.setVisible(bool(keys))

    def _key_problem(self, key: str | None) -> str | None:
        # Checked here rather than by ServerConfig, for a message in the user's language.
        if key is None:
            return None
        if key.lower().startswith("x'"):
            return (
                None  # SQLCipher's raw-key form, x'<key>' or x'<key><salt>': ServerConfig checks it
            )
        if len(key) != KEY_HEX_LENGTH:
            return self.tr(
                "Database key: %1 characters typed; the key is exactly 64 hexadecimal "
                "characters (0-9, a-f)."
            ).replace("%1", str(len(key)))
        if not all(character in string.hexdigits for character in key):
            return self.tr("Database key: only the characters 0-9 and a-f are allowed.")
        return None

    def _field_label(self, field: str) -> str:
        entry = SETTING.get(field)
        return translate(entry.setting.label) if entry is not None else field

    # Reactions ----------------------------------------------------------------------------

    def validate(self) -> bool:
        """Re-check the form; enables OK/Apply only for valid, (for Apply) changed settings."""
        settings, problems = self._check()
        self.network_warning.setVisible(not is_loopback_host(str(self.host.currentData())))
        self._show_layout()
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        self.restart_note.setVisible(self._restart_ahead())
        valid = settings is not None
        self.ok_button.setEnabled(valid and not self._busy)
        self.apply_button.setEnabled(valid and not self._busy and settings != self._applied)
        if self.isVisible():
            self.fit_to_content()
        return valid

    def _restart_ahead(self) -> bool:
        """Whether applying what is typed would restart the server (host or port changed)."""
        applied = self._applied.config
        return any(
            editor.value() != getattr(applied, name)
            for name, editor in self.editors.items()
            if editor.entry.setting.restart
        )

    def _show_layout(self) -> None:
        text = self.data_dir.text().strip()
        if text == self._layout_for:
            return  # another field changed; the folder was already looked at
        self._layout_for = text
        if not text:
            self.layout_label.setText(self.tr("The built-in demo data set will be served."))
            self.layout_label.setStyleSheet("")
            return
        self.layout_label.setText(self.tr("Looking at the folder…"))
        self.layout_label.setStyleSheet("")
        self.layout_checked = spawn(self._detect_layout(text))

    async def _detect_layout(self, text: str) -> None:
        # On a worker thread: a slow or network folder must not freeze the dialog while typing.
        try:
            found = await asyncio.to_thread(_detect_folder, text)
        except DataSourceError as error:
            message, style = str(error), WARNING_STYLE
        else:
            name = LAYOUT_NAMES.get(str(found.layout), str(found.layout))
            message = (
                self.tr("Detected: %1 data in %2")
                .replace("%1", name)
                .replace("%2", str(found.root))
            )
            style = OK_STYLE
        if text == self._layout_for:  # the user has not typed on meanwhile
            self.layout_label.setText(message)
            self.layout_label.setStyleSheet(style)
            if self.isVisible():
                self.fit_to_content()

    def _generate_token(self) -> None:
        self.token.setText(generate_token())

    def _copy_token(self) -> None:
        QGuiApplication.clipboard().setText(self.token.text())

    def _browse(self) -> None:
        # open() rather than a static getExistingDirectory(): no nested event loop
        # (docs/architecture.md, "The desktop app's loop").
        picker = QFileDialog(self, self.tr("Choose the WeChat data directory"))
        picker.setFileMode(QFileDialog.FileMode.Directory)
        picker.setOption(QFileDialog.Option.ShowDirsOnly)
        # The folder typed so far, else the home folder (not the app's working directory).
        picker.setDirectory(self.data_dir.text().strip() or str(Path.home()))
        picker.fileSelected.connect(self.data_dir.setText)
        picker.finished.connect(picker.deleteLater)
        picker.open()

    async def apply_changes(self) -> bool:
        """Apply the typed settings; True on success, else the error is shown in the dialog."""
        settings = self.current_settings()
        if settings is None:
            return False
        if settings == self._applied:
            return True
        self._busy = True
        self.validate()
        config, before = settings.config, self._applied.config
        checking = config.key is not None and (config.data_dir, config.key) != (
            before.data_dir,
            before.key,
        )
        self.problems.setText(
            self.tr("Checking the database key against the data…")
            if checking
            else self.tr("Applying…")
        )
        self.problems.setStyleSheet("")
        self.problems.setVisible(True)
        try:
            error = await self._apply(settings)
        finally:
            # Cleared before refreshing the buttons, or they would stay disabled.
            self._busy = False
        if error is None:
            self._applied = settings
            self.validate()
            return True
        self.validate()
        self.problems.setStyleSheet(ERROR_STYLE)
        self.problems.setText(error + "\n" + self.tr("The previous settings are still in effect."))
        self.problems.setVisible(True)
        return False

    async def accept_changes(self) -> bool:
        if await self.apply_changes():
            self.accept()
            return True
        return False


def _detect_folder(text: str) -> DataDir:
    return detect(Path(text).expanduser())


class FittingScrollArea(QScrollArea):
    """Holds the form; asks for the form's whole height, and scrolls only past the screen."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.content = content
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def content_height(self) -> int:
        """The form's height at the viewport's width, wrapped notes included."""
        content, width = self.content, self.viewport().width()
        if content.hasHeightForWidth():
            return max(content.heightForWidth(width), content.minimumSizeHint().height())
        return content.sizeHint().height()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        # As wide as the form's widest row: never clipped sideways, only scrolled down.
        content = self.content.minimumSizeHint()
        scrollbar = self.verticalScrollBar().sizeHint().width()
        return QSize(content.width() + scrollbar, min(content.height(), 240))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = self.content.sizeHint()
        return QSize(hint.width() + self.verticalScrollBar().sizeHint().width(), hint.height())


def _note(text: str, style: str = "") -> QLabel:
    """A wrapped explanation or warning under a row."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    return label


def _problem_notes(problem: str | None) -> list[QWidget]:
    """The keychain's problem, if any, as a warning in the user's language."""
    if not problem:
        return []
    return [_note(QCoreApplication.translate("Settings", problem), WARNING_STYLE)]


def _row_label(editor: Editor) -> str:
    if editor.entry.kind is Kind.SWITCH:
        return ""  # a check box says what it is itself
    return QCoreApplication.translate("SettingsDialog", "%1:").replace(
        "%1", translate(editor.entry.setting.label)
    )


def _with_buttons(widget: QWidget, buttons: list[QWidget]) -> QWidget | QHBoxLayout:
    if not buttons:
        return widget
    row = QHBoxLayout()
    row.addWidget(widget, 1)
    for button in buttons:
        row.addWidget(button)
    return row
