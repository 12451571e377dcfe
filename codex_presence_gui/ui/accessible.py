"""The window's figures for the keyboard and screen readers: a limit's row, the session card, a
period's total are Tab stops, told as groups read by their accessible names, with a ring round
the one the keyboard is on."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, QRectF, Qt
from PySide6.QtGui import (
    QAccessible,
    QAccessibleInterface,
    QColor,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QAccessibleWidget, QApplication, QWidget

#: The classes whose widgets are told as groups (see ``read_as_group``).
_GROUPS: set[str] = set()
#: The property that marks a widget as a figure (see ``make_figure``).
FIGURE_PROPERTY = "keyboardFigure"
#: How far the ring stands off the figure: clear of its text, within the room around it (the
#: window's margins, the spacing between rows).
RING_GAP = 3


def _factory(classname: str, thing: QObject) -> QAccessibleInterface | None:
    if classname in _GROUPS and isinstance(thing, QWidget):
        return QAccessibleWidget(thing, QAccessible.Role.Grouping)
    return None


def read_as_group(widget: QWidget) -> None:
    """Have screen readers take widgets of ``widget``'s class for a group of figures. A frame
    (the card, a period's box) was told as a "frame", which AT-SPI keeps for windows: Orca
    could take the card for the window."""
    name = widget.metaObject().className()
    if name in _GROUPS:
        return
    if not _GROUPS:
        QAccessible.installFactory(_factory)
    _GROUPS.add(name)


def make_figure(widget: QWidget) -> None:
    """Make ``widget`` a figure: a Tab stop (a click leaves the focus where it was), round
    which the ``FocusRing`` of a window shows when the keyboard is on it."""
    widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    widget.setProperty(FIGURE_PROPERTY, True)


class FocusRing(QWidget):
    """A ring in the highlight colour round the figure the keyboard is on, drawn in ``host``
    (which has room round its figures: its margins, its spacing) and not in the figure itself,
    where it would touch its text. Clicks go through it."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.host = host
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        #: The figure ringed, and the widgets from it up to the host, whose moves move it.
        self.target: QWidget | None = None
        self._watched: list[QWidget] = []
        self.hide()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        figure = (
            new is not None
            and new.property(FIGURE_PROPERTY) is True
            and self.host.isAncestorOf(new)
        )
        self.follow(new if figure else None)

    def follow(self, target: QWidget | None) -> None:
        """Ring ``target`` (None: none) wherever it goes until told otherwise."""
        for watched in self._watched:
            if shiboken6.isValid(watched):  # a row deleted (the limits rebuilt) is gone
                watched.removeEventFilter(self)
        self._watched = []
        self.target = target
        if target is None:
            self.hide()
            return
        widget: QWidget | None = target
        while widget is not None and widget is not self.host:
            widget.installEventFilter(self)
            self._watched.append(widget)
            widget = widget.parentWidget()
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (
            QEvent.Type.Move,
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.Hide,
        ):
            self._place()
        return False

    def _place(self) -> None:
        target = self.target
        if target is None or not shiboken6.isValid(target) or not target.isVisibleTo(self.host):
            self.hide()
            return
        corner = target.mapTo(self.host, target.rect().topLeft())
        area = QRect(corner, target.size()).adjusted(-RING_GAP, -RING_GAP, RING_GAP, RING_GAP)
        self.setGeometry(area.intersected(self.host.rect()))
        self.show()
        self.raise_()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        highlight = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        painter.setPen(QPen(highlight, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)
        painter.end()
