"""The picture viewer: a chat's picture whole, opened from the sessions window.

One per sessions window, reused: clicking another picture shows it in the same viewer (as a
photo app's viewer does) instead of piling up a window per click, and only one full picture
is held in memory. It is not modal: the chat stays usable beside it. Closing it lets go of
the picture.

The picture is fetched by `MediaService.fetch` on the store's worker threads and decoded on a
worker thread too (QImage may be used off the GUI thread, QPixmap may not); an animated one
plays through QMovie reading a QBuffer, so its bytes stay in memory and never reach a file.
It is fitted to the window (never enlarged) until the user zooms; the canvas paints only the
part in view, so a large zoom costs no large pixmap.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QImage,
    QImageReader,
    QKeySequence,
    QMovie,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.elided_label import ElidedLabel
from desktop.media_saver import MediaSaver
from desktop.models import format_size, format_time
from desktop.tasks import spawn
from server.api import (
    DataSourceError,
    Media,
    MediaError,
    MediaService,
    Message,
    QueryError,
    sender_label,
)

logger = logging.getLogger(__name__)

ZOOM_STEP = 1.25
MIN_ZOOM = 0.05
MAX_ZOOM = 8.0


class UndecodablePictureError(Exception):
    """The bytes are no picture Qt can show; the text says why."""


@dataclass(frozen=True, slots=True)
class Decoded:
    image: QImage  # the first frame, upright (EXIF orientation applied)
    frames: int  # 1 for a still picture; 0 when an animation does not say
    format: str  # "png", "gif", …


def decode(data: bytes) -> Decoded:
    """The picture in `data`. Blocking (a large JPEG takes a while): call it off the loop.

    Raises UndecodablePictureError.
    """
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    found = bytes(reader.format().data()).decode("ascii", "replace")
    frames = reader.imageCount() if reader.supportsAnimation() else 1
    image = reader.read()
    if image.isNull():
        raise UndecodablePictureError(reader.errorString())
    return Decoded(image, frames, found)


class _Canvas(QWidget):
    """The picture (or the animation's current frame) painted at the widget's size."""

    def __init__(self) -> None:
        super().__init__()
        self.frame: QPixmap | None = None

    def set_frame(self, frame: QPixmap | None) -> None:
        self.frame = frame
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        if self.frame is None or self.frame.isNull():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(self.rect(), self.frame)  # clipped to the part being repainted
        painter.end()


class _ScrollArea(QScrollArea):
    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.resized.emit()


class PictureViewer(QDialog):
    """Shows one picture at a time: fitted or zoomed, Copy, Save As…; why when it cannot."""

    def __init__(self, saver: MediaSaver, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._saver = saver
        self._request = 0  # the latest picture asked for; older answers are dropped
        self._zoom: float | None = None  # None: fitted to the window
        self._buffer: QBuffer | None = None  # what the movie reads
        self.item: Media | None = None  # the picture shown, as fetched
        self.image: QImage | None = None  # its first frame, decoded
        self.movie: QMovie | None = None  # when it is animated
        self.frames = 0  # how many frames it has: 1 for a still picture, 0 if unknown
        self._format = ""  # "PNG", "GIF", …
        self.setWindowTitle(self.tr("Picture"))
        self.setModal(False)

        self.canvas = _Canvas()
        self.area = _ScrollArea()
        self.area.setWidget(self.canvas)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area.setBackgroundRole(QPalette.ColorRole.Dark)
        self.area.resized.connect(self._zoom_changed)
        self.notice = QLabel()  # "Opening…", or why the picture cannot be shown
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.notice)
        self.stack.addWidget(self.area)

        self.fit_action = self._action(self.tr("Fit"), self.fit, QKeySequence("Ctrl+9"))
        self.fit_action.setCheckable(True)
        self.fit_action.setToolTip(self.tr("Fit the picture to the window (Ctrl+9)"))
        self.actual_action = self._action(
            self.tr("Actual size"), self.actual_size, QKeySequence("Ctrl+0")
        )
        self.actual_action.setToolTip(self.tr("One pixel of the picture per pixel (Ctrl+0)"))
        self.zoom_out_action = self._action(
            self.tr("Zoom out"),
            self.zoom_out,
            QKeySequence(Qt.Key.Key_Minus),
            QKeySequence(QKeySequence.StandardKey.ZoomOut),
        )
        self.zoom_out_action.setIconText("−")  # its button; "Zoom out" is its name
        self.zoom_out_action.setToolTip(self.tr("Zoom out (-)"))
        self.zoom_in_action = self._action(
            self.tr("Zoom in"),
            self.zoom_in,
            QKeySequence(Qt.Key.Key_Plus),
            QKeySequence(Qt.Key.Key_Equal),
            QKeySequence(QKeySequence.StandardKey.ZoomIn),
        )
        self.zoom_in_action.setIconText("+")
        self.zoom_in_action.setToolTip(self.tr("Zoom in (+)"))
        self.copy_action = self._action(
            self.tr("Copy"), self.copy, QKeySequence(QKeySequence.StandardKey.Copy)
        )
        self.copy_action.setToolTip(self.tr("Copy the picture to the clipboard (Ctrl+C)"))
        self.save_action = self._action(
            self.tr("Save As…"),
            lambda: spawn(self.save()),
            QKeySequence(QKeySequence.StandardKey.Save),
        )
        self.save_action.setToolTip(self.tr("Save the picture as it was sent (Ctrl+S)"))
        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.fit_action, self.actual_action, self.zoom_out_action):
            toolbar.addAction(action)
        toolbar.addAction(self.zoom_in_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.copy_action)
        toolbar.addAction(self.save_action)

        self.info = QLabel()  # pixel size, byte size, format, frames, zoom
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = ElidedLabel()  # what Copy or Save As did
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bottom = QHBoxLayout()
        bottom.addWidget(self.info)
        bottom.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(toolbar)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)
        self._set_enabled()
        self.resize(800, 600)

    def _action(self, text: str, slot: Callable[[], object], *keys: QKeySequence) -> QAction:
        action = QAction(text, self)
        action.setShortcuts(list(keys))
        action.triggered.connect(slot)
        self.addAction(action)  # its keys work wherever the focus is in the viewer
        return action

    # Showing -------------------------------------------------------------------------------

    async def show_picture(self, media: MediaService, ref: str, message: Message) -> None:
        """Show the picture `ref` of `message` (fetched through `media`), or why it cannot be
        shown; returns once it is shown or the reason is."""
        self._request += 1
        request = self._request
        self._release()
        self.setWindowTitle(
            self.tr("Picture from %1, %2")
            .replace("%1", sender_label(message))
            .replace("%2", format_time(message.time))
        )
        self._show_notice(self.tr("Opening the picture…"))
        self.show()
        self.raise_()
        self.activateWindow()
        try:
            item = await media.fetch(ref)
            if request != self._request:
                return  # another picture was asked for meanwhile, or the viewer closed
            self.item = item
            self._set_enabled()  # the bytes can be saved even if Qt cannot show them
            if item.data is None:
                raise UndecodablePictureError(self.tr("the message holds no picture"))
            decoded = await asyncio.to_thread(decode, item.data)
        except (MediaError, DataSourceError, QueryError, UndecodablePictureError, OSError) as error:
            if request == self._request:
                self._show_notice(
                    self.tr("This picture cannot be shown: %1").replace("%1", str(error))
                )
            return
        if request != self._request:
            return
        self._show(item, decoded)

    def _show(self, item: Media, decoded: Decoded) -> None:
        self.image = decoded.image
        self.frames = decoded.frames
        self._format = decoded.format.upper()
        self._zoom = None
        if decoded.frames != 1 and item.data is not None:
            self._buffer = QBuffer(self)
            self._buffer.setData(QByteArray(item.data))
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.movie = QMovie(self._buffer, QByteArray(), self)
            self.movie.frameChanged.connect(self._next_frame)
            self.movie.start()
        self.canvas.set_frame(QPixmap.fromImage(decoded.image))
        self.stack.setCurrentWidget(self.area)
        self._set_enabled()
        self._zoom_changed()

    def _next_frame(self, _number: int) -> None:
        if self.movie is not None:
            self.canvas.set_frame(self.movie.currentPixmap())

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.stack.setCurrentWidget(self.notice)
        self._update_info()

    def _release(self) -> None:
        """Let go of the picture shown (its bytes, its frames)."""
        if self.movie is not None:
            self.movie.stop()
            self.movie.deleteLater()
            self.movie = None
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None
        self.item = None
        self.image = None
        self.frames = 0
        self._format = ""
        self.canvas.set_frame(None)
        self.status.setText("")
        self._set_enabled()

    def _set_enabled(self) -> None:
        shown = self.image is not None
        for action in (
            self.fit_action,
            self.actual_action,
            self.zoom_in_action,
            self.zoom_out_action,
            self.copy_action,
        ):
            action.setEnabled(shown)
        self.save_action.setEnabled(self.item is not None and self.item.data is not None)

    def done(self, result: int) -> None:
        # Closed (Esc, the close button): the next picture starts afresh, and an answer
        # still on its way is dropped.
        self._request += 1
        self._release()
        super().done(result)

    # Zoom ----------------------------------------------------------------------------------

    @property
    def scale(self) -> float:
        """How many screen pixels one pixel of the picture takes now."""
        if self.image is None:
            return 1.0
        if self._zoom is not None:
            return self._zoom
        room = self.area.maximumViewportSize()
        width, height = self.image.width(), self.image.height()
        return min(1.0, room.width() / max(1, width), room.height() / max(1, height))

    def fit(self) -> None:
        self._zoom = None
        self._zoom_changed()

    def actual_size(self) -> None:
        self._set_zoom(1.0)

    def zoom_in(self) -> None:
        self._set_zoom(self.scale * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self.scale / ZOOM_STEP)

    def _set_zoom(self, zoom: float) -> None:
        if self.image is None:
            return
        self._zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        self._zoom_changed()

    def _zoom_changed(self) -> None:
        self.fit_action.setChecked(self._zoom is None)
        if self.image is not None:
            scale = self.scale
            size = QSize(
                max(1, round(self.image.width() * scale)),
                max(1, round(self.image.height() * scale)),
            )
            self.canvas.resize(size)
        self._update_info()

    def _update_info(self) -> None:
        if self.image is None or self.item is None or self.stack.currentWidget() is not self.area:
            self.info.setText("")
            return
        parts = [
            self.tr("%1 × %2 pixels")
            .replace("%1", str(self.image.width()))
            .replace("%2", str(self.image.height())),
            format_size(self.item.size),
            self._format,
        ]
        if self.movie is not None and self.frames > 1:
            # Never one frame here: an animation has several, or does not say how many.
            parts.append(self.tr("animated, %1 frames").replace("%1", str(self.frames)))
        elif self.movie is not None:
            parts.append(self.tr("animated"))
        parts.append(f"{round(self.scale * 100)}%")
        self.info.setText(" · ".join(parts))

    # Copy and Save As ----------------------------------------------------------------------

    def copy(self) -> None:
        """Put the picture (an animation's first frame) on the clipboard."""
        if self.image is None:
            return
        QGuiApplication.clipboard().setImage(self.image)
        self.status.setText(self.tr("Copied to the clipboard"))

    async def save(self) -> None:
        """Save As…: the picture's bytes as they were sent, where the user chooses."""
        item = self.item
        if item is None or item.data is None:
            return
        await self._saver.save(item, self, self.status.setText)
