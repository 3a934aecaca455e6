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
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import DesktopSettings
from desktop.tasks import spawn
from desktop.webhooks_editor import WebhooksEditor
from server.api import (
    KEY_HEX_LENGTH,
    DataDir,
    DataSourceError,
    KeyFileError,
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
# Room for a pasted key with spaces or a line break around it, not for a whole document.
KEY_FIELD_LIMIT = 256


class SettingsDialog(QDialog):
    """Server and app settings; OK and Apply go through the `apply` coroutine."""

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
        self.host = QComboBox()
        self.host.addItem(self.tr("This computer only (127.0.0.1)"), LOOPBACK)
        self.host.addItem(self.tr("All network interfaces (0.0.0.0)"), ALL_INTERFACES)
        self.network_warning = QLabel(
            self.tr(
                "Other devices on your network can reach this server. A token is required; "
                "anyone who has it can read your chat history."
            )
        )
        self.network_warning.setWordWrap(True)
        self.network_warning.setStyleSheet(WARNING_STYLE)
        self.port = QSpinBox()
        self.port.setRange(0, 65535)
        self.port.setSpecialValueText(self.tr("any free port"))
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("none: any local program may connect"))
        self._add_reveal(self.token)
        self.generate_token = QPushButton(self.tr("Generate"))
        self.copy_token = QPushButton(self.tr("Copy"))
        self.origins = QPlainTextEdit()
        self.origins.setPlaceholderText("http://localhost:6274")
        self.origins.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)

        self.queue_capacity = QSpinBox()
        self.queue_capacity.setRange(1, 1_000_000)
        self.workers = QSpinBox()
        self.workers.setRange(1, 256)
        self.ping_interval = QDoubleSpinBox()
        self.ping_interval.setRange(1, 3600)
        self.ping_interval.setDecimals(0)
        self.ping_interval.setSuffix(self.tr(" s"))
        self.idle_timeout = QDoubleSpinBox()
        self.idle_timeout.setRange(10, 7 * 24 * 3600)
        self.idle_timeout.setDecimals(0)
        self.idle_timeout.setSuffix(self.tr(" s"))

        self.data_dir = QLineEdit()
        self.data_dir.setPlaceholderText(self.tr("empty: use the built-in demo data"))
        self.browse = QPushButton(self.tr("Browse…"))
        self.layout_label = QLabel()
        self.layout_label.setWordWrap(True)
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(self.tr("none: the data is not encrypted"))
        self.key.setMaxLength(KEY_FIELD_LIMIT)
        self.reveal_key = self._add_reveal(self.key)
        self.image_key = QLineEdit()
        self.image_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.image_key.setPlaceholderText(self.tr("only for pictures in WeChat 4.x's newer format"))
        self.image_key.setMaxLength(KEY_FIELD_LIMIT)
        self.reveal_image_key = self._add_reveal(self.image_key)
        self.clear_key = QPushButton(self.tr("Clear"))
        # A key file (all_keys.json) gives one key per database, as many key tools do.
        self.load_key_file = QPushButton(self.tr("Load key file…"))
        self.clear_key_file = QPushButton(self.tr("Forget key file"))
        self.key_file_label = QLabel()
        self.key_file_label.setWordWrap(True)
        self._file_keys: dict[str, str] = {}
        self.key_help = QLabel(
            self.tr(
                "WeChat databases are encrypted; the key (64 hexadecimal characters) stays in "
                "memory and in your system keychain, never on disk in plain text."
            )
        )
        self.key_help.setWordWrap(True)
        self.serve_at_launch = QCheckBox(self.tr("Start serving when the app starts"))
        self.open_access = QCheckBox(
            self.tr("Let any program on this computer read my chats without being connected")
        )
        self.open_access.setToolTip(
            self.tr(
                "Normally each AI app you connect gets its own key, and you can take it back. "
                "With this on, any program running on this computer can read your WeChat "
                "history. The demo data is always open."
            )
        )

        self.webhooks = WebhooksEditor()

        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(ERROR_STYLE)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply
        )

        network = QGroupBox(self.tr("Network"))
        form = QFormLayout(network)
        form.addRow(self.tr("Listen on:"), self.host)
        form.addRow("", self.network_warning)
        form.addRow(self.tr("Port:"), self.port)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.generate_token)
        token_row.addWidget(self.copy_token)
        form.addRow(self.tr("Access token:"), token_row)
        if keychain_problem:
            keychain = QLabel(QCoreApplication.translate("Settings", keychain_problem))
            keychain.setWordWrap(True)
            keychain.setStyleSheet(WARNING_STYLE)
            form.addRow("", keychain)
        form.addRow(self.tr("Allowed browser origins:"), self.origins)

        performance = QGroupBox(self.tr("Performance"))
        form = QFormLayout(performance)
        form.addRow(self.tr("Queue capacity:"), self.queue_capacity)
        form.addRow(self.tr("Workers:"), self.workers)
        form.addRow(self.tr("SSE ping interval:"), self.ping_interval)
        form.addRow(self.tr("Session idle timeout:"), self.idle_timeout)

        data = QGroupBox(self.tr("WeChat data"))
        form = QFormLayout(data)
        dir_row = QHBoxLayout()
        dir_row.addWidget(self.data_dir, 1)
        dir_row.addWidget(self.browse)
        form.addRow(self.tr("Data directory:"), dir_row)
        form.addRow("", self.layout_label)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.clear_key)
        key_row.addWidget(self.load_key_file)
        form.addRow(self.tr("Database key:"), key_row)
        form.addRow("", self.key_help)
        key_file_row = QHBoxLayout()
        key_file_row.addWidget(self.key_file_label, 1)
        key_file_row.addWidget(self.clear_key_file)
        form.addRow("", key_file_row)
        form.addRow(self.tr("Image key:"), self.image_key)
        form.addRow("", self.open_access)
        if key_keychain_problem:
            key_keychain = QLabel(QCoreApplication.translate("Settings", key_keychain_problem))
            key_keychain.setWordWrap(True)
            key_keychain.setStyleSheet(WARNING_STYLE)
            form.addRow("", key_keychain)

        layout = QVBoxLayout(self)
        layout.addWidget(network)
        layout.addWidget(performance)
        layout.addWidget(data)
        layout.addWidget(self.webhooks)
        layout.addWidget(self.serve_at_launch)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

        for signal in (
            self.host.currentIndexChanged,
            self.port.valueChanged,
            self.token.textChanged,
            self.origins.textChanged,
            self.queue_capacity.valueChanged,
            self.workers.valueChanged,
            self.ping_interval.valueChanged,
            self.idle_timeout.valueChanged,
            self.open_access.toggled,
            self.data_dir.textChanged,
            self.key.textChanged,
            self.image_key.textChanged,
            self.serve_at_launch.toggled,
            self.webhooks.changed,
        ):
            signal.connect(self.validate)
        self.generate_token.clicked.connect(self._generate_token)
        self.copy_token.clicked.connect(self._copy_token)
        self.browse.clicked.connect(self._browse)
        self.clear_key.clicked.connect(self.key.clear)
        self.load_key_file.clicked.connect(self._choose_key_file)
        self.clear_key_file.clicked.connect(lambda: self._set_file_keys({}))
        self.buttons.rejected.connect(self.reject)
        self.buttons.accepted.connect(lambda: spawn(self.accept_changes()))
        self.apply_button.clicked.connect(lambda: spawn(self.apply_changes()))

    def _add_reveal(self, field: QLineEdit) -> QAction:
        """A Show toggle inside a password field."""
        reveal = QAction(self.tr("Show"), field)
        reveal.setCheckable(True)
        reveal.toggled.connect(
            lambda shown: field.setEchoMode(
                QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
            )
        )
        field.addAction(reveal, QLineEdit.ActionPosition.TrailingPosition)
        return reveal

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
        config = settings.config
        index = self.host.findData(config.host)
        if index < 0:
            # A host given on the command line (say "::1") stays choosable.
            self.host.addItem(config.host, config.host)
            index = self.host.count() - 1
        self.host.setCurrentIndex(index)
        self.port.setValue(config.port)
        self.token.setText(config.token.get_secret_value() if config.token else "")
        self.origins.setPlainText("\n".join(config.allow_origins))
        self.queue_capacity.setValue(config.queue_capacity)
        self.workers.setValue(config.workers)
        self.ping_interval.setValue(config.ping_interval)
        self.idle_timeout.setValue(config.session_idle_timeout)
        self.data_dir.setText(str(config.data_dir) if config.data_dir else "")
        self.key.setText(config.key.get_secret_value() if config.key else "")
        self.image_key.setText(config.image_key.get_secret_value() if config.image_key else "")
        self.serve_at_launch.setChecked(settings.serve_at_launch)
        self.open_access.setChecked(config.open_access)
        self._set_file_keys(
            {name: key.get_secret_value() for name, key in config.file_keys.items()}
        )
        self.webhooks.set_hooks(config.webhooks)
        self.validate()

    def _values(self) -> dict[str, Any]:
        origins = [line.strip() for line in self.origins.toPlainText().splitlines()]
        data_dir = self.data_dir.text().strip()
        return {
            **self._applied.config.model_dump(),
            "host": self.host.currentData(),
            "port": self.port.value(),
            "token": self.token.text().strip() or None,
            "allow_origins": tuple(origin for origin in origins if origin),
            "queue_capacity": self.queue_capacity.value(),
            "workers": self.workers.value(),
            "ping_interval": self.ping_interval.value(),
            "session_idle_timeout": self.idle_timeout.value(),
            "data_dir": Path(data_dir).expanduser() if data_dir else None,
            "key": self.key.text().strip() or None,
            "image_key": self.image_key.text().strip() or None,
            "open_access": self.open_access.isChecked(),
            "file_keys": dict(self._file_keys),
            "webhooks": self.webhooks.hooks(),
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
        hook_problems = self.webhooks.problems()
        if hook_problems:
            return None, hook_problems
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
        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Load key file"), str(Path.home()), "JSON (*.json);;* (*)"
        )
        if chosen:
            self.load_key_file_from(Path(chosen))

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
        self._file_keys = keys
        count = len(keys)
        self.key_file_label.setText(
            self.tr("%n database key(s) from a key file", "", count) if count else ""
        )
        self.clear_key_file.setVisible(bool(count))
        self.validate()

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
        labels = {
            "allow_origins": self.tr("Allowed browser origins"),
            "host": self.tr("Listen on"),
            "token": self.tr("Access token"),
            "data_dir": self.tr("Data directory"),
            "key": self.tr("Database key"),
            "image_key": self.tr("Image key"),
            "webhooks": self.tr("Webhooks"),
        }
        return labels.get(field, field)

    # Reactions ----------------------------------------------------------------------------

    def validate(self) -> bool:
        """Re-check the form; enables OK/Apply only for valid, (for Apply) changed settings."""
        settings, problems = self._check()
        self.network_warning.setVisible(not is_loopback_host(str(self.host.currentData())))
        self._show_layout()
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        valid = settings is not None
        self.ok_button.setEnabled(valid and not self._busy)
        self.apply_button.setEnabled(valid and not self._busy and settings != self._applied)
        return valid

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
