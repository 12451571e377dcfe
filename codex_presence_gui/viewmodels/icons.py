"""Small vector-drawn icons for activities (crisp at any DPI, no image files to ship)."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from codex_presence_gui.core.models import ActivityKind

ACTIVITY_COLORS: dict[ActivityKind, str] = {
    ActivityKind.THINKING: "#8b5cf6",
    ActivityKind.READING: "#3b82f6",
    ActivityKind.EDITING: "#f59e0b",
    ActivityKind.RUNNING: "#10b981",
    ActivityKind.WAITING: "#0ea5e9",
    ActivityKind.IDLE: "#9ca3af",
}
_SIZES = (16, 20, 24, 32, 48, 64)


def _glyph(painter: QPainter, kind: ActivityKind, size: float) -> None:
    """Draw the white glyph of ``kind`` in a ``size``-wide square."""
    s = size
    white = QColor("white")
    painter.setBrush(QBrush(white))
    painter.setPen(Qt.PenStyle.NoPen)
    if kind is ActivityKind.THINKING:
        for x in (0.30, 0.50, 0.70):
            painter.drawEllipse(QPointF(s * x, s * 0.5), s * 0.075, s * 0.075)
    elif kind is ActivityKind.READING:
        eye = QPainterPath()
        eye.moveTo(s * 0.18, s * 0.5)
        eye.quadTo(s * 0.5, s * 0.18, s * 0.82, s * 0.5)
        eye.quadTo(s * 0.5, s * 0.82, s * 0.18, s * 0.5)
        painter.drawPath(eye)
        painter.setBrush(QBrush(QColor(ACTIVITY_COLORS[kind])))
        painter.drawEllipse(QPointF(s * 0.5, s * 0.5), s * 0.11, s * 0.11)
    elif kind is ActivityKind.EDITING:
        painter.save()
        painter.translate(s * 0.5, s * 0.5)
        painter.rotate(-45)
        painter.drawRect(QRectF(-s * 0.26, -s * 0.08, s * 0.40, s * 0.16))
        tip = QPainterPath()
        tip.moveTo(s * 0.17, -s * 0.08)
        tip.lineTo(s * 0.30, 0)
        tip.lineTo(s * 0.17, s * 0.08)
        tip.closeSubpath()
        painter.drawPath(tip)
        painter.restore()
    elif kind is ActivityKind.RUNNING:
        play = QPainterPath()
        play.moveTo(s * 0.38, s * 0.28)
        play.lineTo(s * 0.74, s * 0.5)
        play.lineTo(s * 0.38, s * 0.72)
        play.closeSubpath()
        painter.drawPath(play)
    elif kind is ActivityKind.WAITING:
        bubble = QPainterPath()
        bubble.addRoundedRect(QRectF(s * 0.24, s * 0.27, s * 0.52, s * 0.36), s * 0.1, s * 0.1)
        bubble.moveTo(s * 0.36, s * 0.62)
        bubble.lineTo(s * 0.34, s * 0.76)
        bubble.lineTo(s * 0.50, s * 0.62)
        painter.drawPath(bubble.simplified())
    else:
        pen = QPen(white, s * 0.09)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawLine(QPointF(s * 0.32, s * 0.5), QPointF(s * 0.68, s * 0.5))


def _pixmap(kind: ActivityKind, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor(ACTIVITY_COLORS[kind])))
    painter.drawEllipse(QRectF(0.5, 0.5, size - 1.0, size - 1.0))
    _glyph(painter, kind, float(size))
    painter.end()
    return pixmap


@cache
def activity_icon(kind: ActivityKind) -> QIcon:
    """A round, coloured icon for an activity (cached; needs a QGuiApplication)."""
    icon = QIcon()
    for size in _SIZES:
        icon.addPixmap(_pixmap(kind, size))
    return icon
