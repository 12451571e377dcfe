"""What the app's scrolling pages share: the room a scroll area gives its page."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QLayout, QScrollArea


def make_page(area: QScrollArea, name: str, spoken: str) -> None:
    """Make ``area`` a window's page: it scrolls down, never sideways (but in a window cut to
    a screen narrower than the page: ``MainWindow._fit_width``), draws no frame of its own
    and is no Tab stop (the keyboard goes from control to control in it); a screen
    reader says its name, ``spoken``, not a bare "scroll pane". ``name`` is its object's."""
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setAccessibleName(spoken)


def page_room(area: QScrollArea, *, beside_bar: bool = False) -> QSize:
    """The room ``area`` gives its page as the scroll area measures it: its viewport's whole
    size while it shows no scroll bar, else the width beside the bar (which Qt keeps shown
    while the page does not fit beside it); ``beside_bar``: beside the bar, shown or not."""
    room = area.maximumViewportSize()  # the viewport's size without the scroll bar
    bar = area.verticalScrollBar()
    if beside_bar or bar.isVisibleTo(area):
        room.setWidth(room.width() - bar.sizeHint().width())
    return room


def least_height(layout: QLayout, width: int) -> int:
    """The least height ``layout``'s items need at ``width``."""
    needed = layout.totalMinimumSize().height()
    if layout.hasHeightForWidth():
        needed = max(needed, layout.totalHeightForWidth(width))
    return needed
