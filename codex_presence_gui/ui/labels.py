"""Labels that never cut their text: one line elided with "…" (the whole text in the tooltip),
or wrapped lines; tooltips that screen readers read as text; and texts drawn as written in
a right-to-left window."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import (
    QLabel,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from codex_presence_gui.core.sanitize import tooltip_html
from codex_presence_gui.ui.accessible import tell
from codex_presence_gui.ui.theme import scaled_font

#: Qt's "no maximum" for a widget's size (QWIDGETSIZE_MAX, which PySide does not export).
QWIDGETSIZE_MAX = 16_777_215
#: How many average characters an elided label still asks for at least.
MIN_CHARS = 6
#: U+200E: a strong left-to-right mark, of no width.
LEFT_TO_RIGHT_MARK = "\u200e"


def set_tooltip(widget: QWidget, text: str) -> None:
    """Give ``widget`` ``text`` as its tooltip (shown as written, see ``tooltip_html``) and as
    its accessible description: a screen reader reads a tooltip's markup aloud."""
    widget.setToolTip(tooltip_html(text))
    widget.setAccessibleDescription(text)


class ElidedLabel(QLabel):
    """Plain text on one line, elided (at the end or in the middle) when it does not fit.

    ``text()`` is what is drawn; ``full_text`` is the whole text. A text may come with shorter
    forms of itself ("4 min ago" for "updated 4 min ago"): the longest that fits whole is
    drawn, and only the shortest is ever elided. When the drawn text is not the whole text,
    the tooltip holds it (followed by ``extra_tooltip`` if any). Screen readers get the whole
    text as its name and ``extra_tooltip`` as its description, or what ``set_full_text`` is
    given for them (see ``tell``).
    """

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
        min_chars: int = MIN_CHARS,
        min_shown: int = 0,
    ) -> None:
        super().__init__(parent)
        self.full_text = ""
        self.extra_tooltip = ""
        self.shorter: tuple[str, ...] = ()
        self._mode = mode
        self._min_chars = min_chars
        #: Cut to fewer characters than this, the text is left out (its tooltip keeps it):
        #: "on f…t-" tells nothing.
        self._min_shown = min_shown
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.set_full_text(text)

    def set_full_text(
        self,
        text: str,
        tooltip: str = "",
        *,
        shorter: Sequence[str] = (),
        spoken: str | None = None,
        spoken_details: str | None = None,
    ) -> None:
        """Show ``text`` (elided to fit), or the first of its ``shorter`` forms that fits;
        ``tooltip`` is added below the whole text. Screen readers are told ``spoken`` and
        ``spoken_details`` in their place, where given: a text with a countdown in it is
        named by what it means, the countdown in its description."""
        text = _one_line(text)
        forms = tuple(_one_line(form) for form in shorter)
        # Never the cut text ("shop (feat…"), nor the tooltip's markup.
        tell(
            self,
            text if spoken is None else _one_line(spoken),
            tooltip if spoken_details is None else spoken_details,
        )
        if text == self.full_text and tooltip == self.extra_tooltip and forms == self.shorter:
            return
        advance = self.fontMetrics().horizontalAdvance
        resized = advance(text) != advance(self.full_text)
        self.full_text = text
        self.extra_tooltip = tooltip
        self.shorter = forms
        if resized:
            # The size hints follow the text's width only: a countdown's digits changing
            # within the same width need no new layout of the window, only a repaint.
            self.updateGeometry()
        self._elide()

    def full_width(self) -> int:
        """The width the whole text needs (what ``sizeHint`` asks for)."""
        metrics = self.fontMetrics()
        margin = 2 * self.margin() + self.contentsMargins().left() + self.contentsMargins().right()
        return metrics.horizontalAdvance(self.full_text) + margin + 2

    def shortest_width(self) -> int:
        """The width its shortest form needs whole (the whole text's without shorter forms)."""
        if not self.shorter:
            return self.full_width()
        return (
            self.full_width()
            - self.fontMetrics().horizontalAdvance(self.full_text)
            + self.fontMetrics().horizontalAdvance(self.shorter[-1])
        )

    def sizeHint(self) -> QSize:
        return QSize(self.full_width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        margin = 2 * self.margin() + self.contentsMargins().left() + self.contentsMargins().right()
        width = min(
            metrics.horizontalAdvance(self.full_text) + 2,
            metrics.averageCharWidth() * self._min_chars,
        )
        return QSize(width + margin, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def shown_in(self, width: int) -> str:
        """What the label shows when ``width`` wide: the text or the first shorter form that
        fits, else the shortest elided to fit, or nothing when that would keep fewer than
        ``min_shown`` of its characters."""
        room = max(width - (self.width() - self.contentsRect().width()) - 2 * self.margin(), 0)
        metrics = self.fontMetrics()
        forms = (self.full_text, *self.shorter)
        for form in forms:
            if metrics.horizontalAdvance(form) <= room:
                return form
        shown = metrics.elidedText(forms[-1], self._mode, room)
        if len(shown.replace("…", "")) < self._min_shown:
            return ""
        return shown

    def _elide(self) -> None:
        shown = self.shown_in(self.width())
        if shown != self.text():
            super().setText(shown)
        tips = [self.full_text] if shown != self.full_text else []
        if self.extra_tooltip:
            tips.append(self.extra_tooltip)
        self.setToolTip(tooltip_html("\n".join(tips)))


def left_to_right(text: str) -> str:
    """``text`` between left-to-right marks, to be drawn as it is written in a right-to-left
    widget too. An item view, a button or a box lays its text out from the widget's direction
    (a label, from the text's), and the signs and numbers at either end, which have none of
    their own, took it: "~$8.09" was drawn "$8.09~", "13 s ago" "s ago 13"."""
    return f"{LEFT_TO_RIGHT_MARK}{text}{LEFT_TO_RIGHT_MARK}" if text else text


def show_as_written(host: QWidget, *texts: tuple[Callable[[str], None], str]) -> None:
    """Give each setter its text, between left-to-right marks (``left_to_right``) while
    ``host`` is right to left and only then, again whenever its direction changes: a screen
    reader is given the marks too (a braille display may spell them out), and in a
    left-to-right window they had been in every such button's and menu item's name."""
    keeper = _WrittenTexts(host, texts)
    keeper.apply()
    host.installEventFilter(keeper)


class _WrittenTexts(QObject):
    """The texts ``show_as_written`` keeps as written in their host's direction."""

    def __init__(self, host: QWidget, texts: tuple[tuple[Callable[[str], None], str], ...]) -> None:
        super().__init__(host)
        self.host = host
        self.texts = texts

    def apply(self) -> None:
        right_to_left = self.host.layoutDirection() == Qt.LayoutDirection.RightToLeft
        for set_text, text in self.texts:
            set_text(left_to_right(text) if right_to_left else text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutDirectionChange:
            self.apply()
        return False


class LeftToRightDelegate(QStyledItemDelegate):
    """Draws a cell's text as it is written, left to right, in a right-to-left view too (see
    ``left_to_right``): a view lays it out in its own direction."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if option.direction == Qt.LayoutDirection.RightToLeft:
            option.text = left_to_right(option.text)


def elided_key(text: str, metrics: QFontMetricsF, room: float) -> str:
    """A shown name (``shown_key``) cut in its middle to fit ``room`` pixels, as Qt's middle
    elision does, but never inside an escape: Qt's had drawn ``o9\\u200b\\…00b\\u200b``."""
    if metrics.horizontalAdvance(text) <= room:
        return text
    from codex_presence_gui.core.sanitize import key_pieces

    pieces = key_pieces(text)
    space = room - metrics.horizontalAdvance("…")

    def most(fits: Callable[[int], bool], limit: int) -> int:
        """The most pieces, up to ``limit``, for which ``fits``: the width grows with them."""
        low, high = 0, limit
        while low < high:
            middle = (low + high + 1) // 2
            if fits(middle):
                low = middle
            else:
                high = middle - 1
        return low

    # Half the room each side, as Qt's elision shares it; the end takes what the start left.
    width = metrics.horizontalAdvance
    head = most(lambda n: width("".join(pieces[:n])) <= space / 2, len(pieces))
    start = "".join(pieces[:head])
    left = space - width(start)
    tail = most(lambda n: width("".join(pieces[len(pieces) - n :])) <= left, len(pieces) - head)
    return start + "…" + "".join(pieces[len(pieces) - tail :])


def _one_line(text: str) -> str:
    """One line: a newline (or any control character) in a log field must not make a second,
    unplanned row or draw a box."""
    return "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)


def wrapped_label(factor: float = 0.9) -> QLabel:
    """A plain-text line that wraps instead of being cut (``factor``: its font size)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setFont(scaled_font(label, factor))
    return label
