"""Draws the app and tray icons with QPainter and writes them to resources/icons/.

Run `python -m devtools.make_icons` after changing the drawing; the PNGs are committed so the
app never draws at start-up. Everything is drawn on a 64x64 grid and scaled, so each size is
rendered sharp rather than resampled from a big bitmap.

- app-<size>.png (+ app.ico, app.icns): a white chat bubble with log lines on WeChat green.
- tray-<state>-<size>.png: the bubble alone, coloured by state (serving, stopped, error).
- tray-template.png / tray-template@2x.png: black-on-transparent, for the macOS menu bar,
  which recolours "template" images itself.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

from desktop.icons import APP_SIZES, TRAY_SIZES
from server.resources import resource_path

logger = logging.getLogger(__name__)

GRID = 64.0
STATE_COLOURS = {"serving": "#07C160", "stopped": "#8A949E", "error": "#E5484D"}


def _bubble(inset: float = 0.0) -> QPainterPath:
    """A rounded chat bubble with a tail at the bottom left, on the 64-unit grid."""
    body = QPainterPath()
    body.addRoundedRect(QRectF(4 + inset, 6 + inset, 56 - 2 * inset, 42 - 2 * inset), 13, 13)
    tail = QPainterPath()
    tail.moveTo(QPointF(14 + inset, 40))
    tail.lineTo(QPointF(10 + inset, 59 - inset))
    tail.lineTo(QPointF(30, 44))
    tail.closeSubpath()
    return body.united(tail).simplified()


def _lines() -> list[QRectF]:
    """The three "log lines" inside the bubble, of decreasing length."""
    return [QRectF(15, 16, 34, 5.5), QRectF(15, 24.5, 26, 5.5), QRectF(15, 33, 18, 5.5)]


def _painter(image: QImage) -> QPainter:
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(image.width() / GRID, image.height() / GRID)
    painter.setPen(Qt.PenStyle.NoPen)
    return painter


def _blank(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    return image


def tray_image(state: str, size: int) -> QImage:
    image = _blank(size)
    painter = _painter(image)
    painter.setBrush(QColor(STATE_COLOURS[state]))
    # A thin dark rim keeps the bubble visible on light and dark panels alike.
    painter.setPen(QPen(QColor(0, 0, 0, 70), 1.5))
    painter.drawPath(_bubble(1))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("white"))
    if state == "error":
        painter.drawRoundedRect(QRectF(28.5, 12, 7, 20), 3.5, 3.5)
        painter.drawEllipse(QRectF(28.5, 35, 7, 7))
    elif state == "stopped":
        painter.drawRoundedRect(QRectF(22, 15, 7, 24), 2.5, 2.5)
        painter.drawRoundedRect(QRectF(35, 15, 7, 24), 2.5, 2.5)
    else:
        for line in _lines():
            painter.drawRoundedRect(line, 2.75, 2.75)
    painter.end()
    return image


def template_image(size: int) -> QImage:
    image = _blank(size)
    painter = _painter(image)
    painter.setBrush(QColor("black"))
    painter.drawPath(_bubble(1))
    # Cut the lines out: a template image is alpha only.
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
    for line in _lines():
        painter.drawRoundedRect(line, 2.75, 2.75)
    painter.end()
    return image


def app_image(size: int) -> QImage:
    image = _blank(size)
    painter = _painter(image)
    gradient = QLinearGradient(0, 0, 0, GRID)
    gradient.setColorAt(0, QColor("#2DD27B"))
    gradient.setColorAt(1, QColor("#05A050"))
    painter.setBrush(QBrush(gradient))
    painter.drawRoundedRect(QRectF(2, 2, 60, 60), 14, 14)
    painter.save()
    painter.translate(GRID * 0.14, GRID * 0.15)
    painter.scale(0.72, 0.72)
    painter.setBrush(QColor("white"))
    painter.drawPath(_bubble())
    painter.setBrush(QColor("#07A956"))
    for line in _lines():
        painter.drawRoundedRect(line, 2.75, 2.75)
    painter.restore()
    painter.end()
    return image


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(image: QImage, name: str) -> None:
        path = folder / name
        if not image.save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)

    for state in STATE_COLOURS:
        for size in TRAY_SIZES:
            save(tray_image(state, size), f"tray-{state}-{size}.png")
    save(template_image(18), "tray-template.png")
    save(template_image(36), "tray-template@2x.png")
    for size in APP_SIZES:
        save(app_image(size), f"app-{size}.png")
    save(app_image(256), "app.ico")
    save(app_image(512), "app.icns")
    return written


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    written = write_all(resource_path("icons"))
    logger.info("wrote %d icons to %s", len(written), resource_path("icons"))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
