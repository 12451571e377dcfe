"""How a text reads once laid out in a paragraph of a direction: the order it is drawn in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextLayout, QTextOption


def reading_order(text: str, font: QFont, direction: Qt.LayoutDirection) -> str:
    """``text``'s characters from left to right as drawn in a paragraph of ``direction``."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setTextDirection(direction)
    layout.setTextOption(option)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(10_000)
    layout.endLayout()
    drawn = [(line.cursorToX(at)[0], char) for at, char in enumerate(text) if char.isprintable()]
    return "".join(char for _x, char in sorted(drawn))
