"""How a text reads once laid out in a paragraph of a direction: the order it is drawn in."""

from __future__ import annotations

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
