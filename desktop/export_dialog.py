"""Export… a chat: choose the format, the span and the file, then watch it being written.

The export itself is `server/wechat/export/`: the GUI thread only awaits it (pages are read
and rendered on the store's worker threads, the file is written from another thread), so the
window stays responsive and Cancel stops it at the next message with nothing left behind.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, time
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.tasks import spawn
from server.api import (
    ALL_TIME,
    SUFFIXES,
    ChatStore,
    DataSourceError,
    ExportError,
    ExportFormat,
    ExportOptions,
    ExportProgress,
    ExportResult,
    FileExistsExportError,
    MediaMode,
    MediaService,
    QueryError,
    TimeRange,
    VoiceFormat,
    export_to_file,
)

logger = logging.getLogger(__name__)


class ExportDialog(QDialog):
    """One chat's export. Signals: exported(path) once a file is written."""

    exported = Signal(str)

    def __init__(
        self,
        store: ChatStore,
        media: MediaService,
        chat: str,
        chat_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._media = media
        self._chat = chat
        self._task: asyncio.Task[ExportResult | None] | None = None
        self._confirmed: Path | None = None  # an existing file the user agreed to replace
        self.setWindowTitle(self.tr("Export %1").replace("%1", chat_name))

        self.format_box = QComboBox()
        self.format_box.addItem(self.tr("Web page (HTML), pictures and voice included"), "html")
        self.format_box.addItem(self.tr("JSON"), "json")
        self.format_box.addItem(self.tr("Spreadsheet (CSV)"), "csv")
        self.media_box = QComboBox()
        self.media_box.addItem(self.tr("Inside the page"), "inline")
        self.media_box.addItem(self.tr("In a folder beside the page"), "folder")
        self.media_box.addItem(self.tr("Left out"), "none")
        self.voice_box = QComboBox()
        self.voice_box.addItem(self.tr("MP3 (plays in every browser)"), "mp3")
        self.voice_box.addItem(self.tr("WAV (largest, quickest to write)"), "wav")
        self.voice_box.addItem(self.tr("Ogg Opus (smallest; needs ffmpeg)"), "ogg")

        self.all_time = QCheckBox(self.tr("All messages"))
        self.all_time.setChecked(True)
        today = QDate.currentDate()
        self.start_date = QDateEdit(today.addMonths(-1))
        self.end_date = QDateEdit(today)
        for edit in (self.start_date, self.end_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        span = QHBoxLayout()
        span.addWidget(self.all_time)
        span.addWidget(QLabel(self.tr("From")))
        span.addWidget(self.start_date)
        span.addWidget(QLabel(self.tr("to")))
        span.addWidget(self.end_date)

        self.path_edit = QLineEdit(str(Path.home() / f"{_file_stem(chat_name or chat)}.html"))
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(self.browse_button)

        form = QFormLayout()
        form.addRow(self.tr("Format:"), self.format_box)
        form.addRow(self.tr("Pictures and voice:"), self.media_box)
        form.addRow(self.tr("Voice as:"), self.voice_box)
        form.addRow(self.tr("Messages:"), span)
        form.addRow(self.tr("Save as:"), where)

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.media_box.currentIndexChanged.connect(self._media_changed)
        self.all_time.toggled.connect(self._span_changed)
        self._span_changed()
        self.resize(560, self.sizeHint().height())

    # Choices -------------------------------------------------------------------------------

    def _format_changed(self) -> None:
        chosen = str(self.format_box.currentData())
        self.media_box.setEnabled(chosen == "html")
        self._media_changed()
        text = self.path_edit.text().strip()
        if text:
            path = Path(text)
            if path.suffix.lower() in SUFFIXES.values():
                self.path_edit.setText(str(path.with_suffix(SUFFIXES[chosen])))

    def _media_changed(self) -> None:
        self.voice_box.setEnabled(self._voice_included())

    def _voice_included(self) -> bool:
        html = self.format_box.currentData() == "html"
        return bool(html and self.media_box.currentData() != "none")

    def _span_changed(self) -> None:
        self.start_date.setEnabled(not self.all_time.isChecked())
        self.end_date.setEnabled(not self.all_time.isChecked())

    def _browse(self) -> None:
        # open() rather than a static getSaveFileName(): no nested event loop under the
        # server's (docs/architecture.md, "The desktop app's loop").
        chosen = str(self.format_box.currentData())
        picker = QFileDialog(self, self.tr("Export to"), self.path_edit.text())
        picker.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        picker.setNameFilter(f"*{SUFFIXES[chosen]}")
        picker.fileSelected.connect(self._picked)
        picker.finished.connect(picker.deleteLater)
        picker.open()

    def _picked(self, path: str) -> None:
        # The save dialog itself asked before choosing an existing file.
        self._confirmed = Path(path).expanduser()
        self.path_edit.setText(path)

    def options(self) -> ExportOptions:
        span = ALL_TIME
        if not self.all_time.isChecked():
            first = _day(self.start_date.date())
            last = _day(self.end_date.date())
            span = TimeRange(
                datetime.combine(min(first, last), time.min).astimezone(),
                datetime.combine(max(first, last), time.max).astimezone(),
            )
        return ExportOptions(
            chat=self._chat,
            time=span,
            format=_format(self.format_box.currentData()),
            media=_media(self.media_box.currentData()),
            voice_format=_voice(self.voice_box.currentData()),
        )

    # Running -------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> asyncio.Task[ExportResult | None] | None:
        """Begin the export with the choices made; the task, or None if a choice is missing."""
        if self.running:
            return self._task
        text = self.path_edit.text().strip()
        if not text:
            self.status.setText(self.tr("Choose where to save the export."))
            return None
        out = Path(text).expanduser()
        # An existing file is replaced only when the user said so: the file picker asks
        # itself, and a typed name that exists asks through a second click on Export.
        replace = out == self._confirmed
        self._set_running(True)
        self.progress.setValue(0)
        self.status.setText(self.tr("Exporting…"))
        self._task = spawn(self._run(self.options(), out, replace))
        return self._task

    async def _run(self, options: ExportOptions, out: Path, replace: bool) -> ExportResult | None:
        try:
            result = await export_to_file(
                self._store, self._media, options, out, self._progress, replace
            )
        except FileExistsExportError:
            self._confirmed = out
            self.status.setText(
                self.tr(
                    "%1 already exists. Export again to replace it, or choose another name."
                ).replace("%1", str(out))
            )
            self._set_running(False)
            return None
        except asyncio.CancelledError:
            self.status.setText(self.tr("Cancelled: nothing was written."))
            self._set_running(False)
            return None
        except (ExportError, DataSourceError, QueryError, OSError) as error:
            self.status.setText(self.tr("The export failed: %1").replace("%1", str(error)))
            self._set_running(False)
            return None
        self.progress.setValue(100)
        self.status.setText(
            self.tr("Exported %1 messages to %2")
            .replace("%1", str(result.messages))
            .replace("%2", str(result.path))
        )
        self._set_running(False)
        self.cancel_button.setText(self.tr("Close"))
        self.exported.emit(str(result.path))
        return result

    def _progress(self, event: ExportProgress) -> None:
        self.progress.setValue(round(event.fraction * 100))

    def _set_running(self, running: bool) -> None:
        for widget in (
            self.format_box,
            self.all_time,
            self.path_edit,
            self.browse_button,
            self.export_button,
        ):
            widget.setEnabled(not running)
        self.media_box.setEnabled(not running and self.format_box.currentData() == "html")
        self.voice_box.setEnabled(not running and self._voice_included())
        self.start_date.setEnabled(not running and not self.all_time.isChecked())
        self.end_date.setEnabled(not running and not self.all_time.isChecked())
        self.progress.setVisible(running or self.progress.value() > 0)

    def cancel(self) -> None:
        """Stop a running export; everything it wrote is removed."""
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def reject(self) -> None:
        if self.running:
            self.cancel()  # the first Cancel stops the export; the dialog stays to say so
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.cancel()
        super().closeEvent(event)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _format(value: object) -> ExportFormat:
    return "json" if value == "json" else "csv" if value == "csv" else "html"


def _media(value: object) -> MediaMode:
    return "folder" if value == "folder" else "none" if value == "none" else "inline"


def _voice(value: object) -> VoiceFormat:
    return "wav" if value == "wav" else "ogg" if value == "ogg" else "mp3"


def _file_stem(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_ .@" else "_" for ch in name).strip(" .")
    return cleaned[:80] or "chat"
