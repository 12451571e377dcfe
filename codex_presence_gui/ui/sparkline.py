"""A small chart of what was left of one limit window since it began, the pace ahead, and its
reset."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from codex_presence_gui.core.formatting import Level
from codex_presence_gui.ui.theme import blend, level_color, muted_color, track_color
from codex_presence_gui.viewmodels.limits import Spark


class Sparkline(QWidget):
    """Percent *left* (up: full) over the window's span (left edge: its start, right edge:
    its reset), as the bar beside it shows.

    The filled steps are what was left, the dashed line the pace ahead, the thin line now, and
    the right edge the reset. A window not yet seen (just past its reset) is a dotted line at
    full. Painted by hand: no chart module is shipped.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: Spark | None = None
        self.level = Level.UNKNOWN
        self.dimmed = False
        # Narrower in a narrow window: the bar beside it, the main figure, keeps its room.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setMaximumWidth(self.sizeHint().width())  # narrower when it must, never wider
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    def sizeHint(self) -> QSize:
        return QSize(112, 34)

    def minimumSizeHint(self) -> QSize:
        return QSize(56, 34)

    def set_data(self, data: Spark | None, level: Level, *, dimmed: bool = False) -> None:
        """Show ``data`` (None: an empty frame) in the colour of ``level``, quieter when
        ``dimmed``."""
        if data == self.data and level == self.level and dimmed == self.dimmed:
            return
        self.data, self.level, self.dimmed = data, level, dimmed
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track_color(palette))
        painter.drawRoundedRect(box, 4, 4)
        data = self.data
        if data is None:
            painter.end()
            return
        inner = box.adjusted(2, 3, -3, -2)
        span = data.end - data.start

        def at(time: float, used: float) -> QPointF:
            x = inner.left() + (time - data.start) / span * inner.width()
            left = 100.0 - max(0.0, min(used, 100.0))
            y = inner.bottom() - left / 100 * inner.height()
            return QPointF(x, y)

        color = level_color(self.level, palette)
        if self.dimmed:
            color = blend(color, track_color(palette), 0.5)
        if data.assumed:
            self._paint_assumed(painter, data, inner, color)
            painter.end()
            return
        first = data.steps[0]
        area = QPainterPath(at(first[0], 100.0))
        if data.origin is not None:
            # Unseen: from 0 % at the window's start to the first reading, a straight guess.
            area = QPainterPath(at(data.origin[0], 100.0))
            area.lineTo(at(*data.origin))
            guess = QColor(color)
            guess.setAlpha(120)
            painter.setPen(QPen(guess, 1.0, Qt.PenStyle.DotLine))
            painter.drawLine(at(*data.origin), at(*first))
        line = QPainterPath(at(*first))
        area.lineTo(at(*first))
        previous = first[1]
        for time, used in data.steps[1:]:
            for path in (area, line):
                path.lineTo(at(time, previous))
                path.lineTo(at(time, used))
            previous = used
        area.lineTo(at(data.steps[-1][0], 100.0))
        area.lineTo(at(data.origin[0] if data.origin else first[0], 100.0))
        area.closeSubpath()
        fill = QColor(color)
        fill.setAlpha(70)
        painter.fillPath(area, fill)
        painter.setPen(QPen(color, 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(line)
        if data.projection:
            pen = QPen(blend(color, muted_color(palette), 0.35), 1.3, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(at(*data.projection[0]), at(*data.projection[1]))
        # Now, and the reset at the right edge.
        muted = muted_color(palette)
        painter.setPen(QPen(muted, 1.0))
        now_x = at(data.now, 0.0).x()
        painter.drawLine(QPointF(now_x, inner.top()), QPointF(now_x, inner.bottom()))
        painter.setPen(QPen(muted, 1.0, Qt.PenStyle.DotLine))
        painter.drawLine(
            QPointF(inner.right(), box.top() + 1), QPointF(inner.right(), box.bottom() - 1)
        )
        painter.end()

    def _paint_assumed(self, painter: QPainter, data: Spark, inner: QRectF, color: QColor) -> None:
        """A window that began after the reading: full, as far as anyone knows, until now."""
        span = data.end - data.start
        now_x = inner.left() + (data.now - data.start) / span * inner.width()
        painter.setPen(QPen(color, 1.6, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(inner.left(), inner.top()), QPointF(now_x, inner.top()))
        painter.setPen(QPen(muted_color(self.palette()), 1.0))
        painter.drawLine(QPointF(now_x, inner.top()), QPointF(now_x, inner.bottom()))
