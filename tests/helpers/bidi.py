"""How a text reads once laid out in a paragraph of a direction: the order it is drawn in."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextLayout, QTextOption

#: The characters drawn as their mirror image in a right-to-left run (Unicode's mirrored pairs
#: among those the app's texts and the tests' names have).
_MIRRORED = str.maketrans("()[]{}<>", ")(][}{><")


def reading_order(text: str, font: QFont, direction: Qt.LayoutDirection) -> str:
    """``text``'s characters from left to right as drawn in a paragraph of ``direction``, a
    bracket in a right-to-left run as it looks (mirrored). Each character is placed by its
    glyph, not by the cursor's position before it: at the edge of an isolate (U+2068), the
    cursor's had put the name's first letter at its end."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setTextDirection(direction)
    layout.setTextOption(option)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(10_000)
    layout.endLayout()
    drawn = []
    for at, char in enumerate(text):
        if not char.isprintable():
            continue
        runs = layout.glyphRuns(at, 1)
        points = [point.x() for run in runs for point in run.positions()]
        if not points:
            continue
        x = min(points)
        right_to_left = any(run.isRightToLeft() for run in runs)
        # Characters of one glyph (a ligature) keep their order in the run's direction.
        drawn.append(
            (x, -at if right_to_left else at, char.translate(_MIRRORED) if right_to_left else char)
        )
    return "".join(char for _x, _at, char in sorted(drawn))


def own_direction(text: str) -> Qt.LayoutDirection:
    """The direction of ``text``'s first strong letter (left to right without one): the
    direction it is laid out in alone, as a paragraph of its own."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return Qt.LayoutDirection.LeftToRight
        if kind in ("R", "AL"):
            return Qt.LayoutDirection.RightToLeft
    return Qt.LayoutDirection.LeftToRight


def reads_as_its_own(drawn: str, written: str, font: QFont, direction: Qt.LayoutDirection) -> bool:
    """Whether ``drawn`` (``written`` with marks) in a paragraph of ``direction`` is drawn as
    ``written`` is alone, laid out in its own direction (``own_direction``)."""
    own = reading_order(written, font, own_direction(written))
    return reading_order(drawn, font, direction) == own
