"""The status bar's items (and the Usage page's problems line) that say more than they show: a
link-like label that opens its details, and the small window that shows them whole."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QEnterEvent,
    QKeyEvent,
    QMouseEvent,
    QShowEvent,
    QTextBlock,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QPlainTextDocumentLayout,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from codex_presence_gui.ui.accessible import give_focus, make_figure, read_as_button
from codex_presence_gui.ui.labels import ElidedLabel, wrapped_label

#: How long the Copy button says "Copied".
COPIED_MS = 1500
#: The details window's size when first opened, where the screen has the room: about 70
#: characters by 14 lines, for paths from the logs that go on.
DETAILS_CHARS = 70
DETAILS_LINES = 14
#: The keys that press a focused link, as they press a button.
_PRESS_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space, Qt.Key.Key_Select)


def _units(text: str) -> int:
    """How long ``text`` is in UTF-16 units, as Qt counts a text cursor's positions."""
    return len(text.encode("utf-16-le")) // 2


def _nearest(text: str, part: str, near: int) -> tuple[int, int] | tuple[None, None]:
    """Where ``part`` is in ``text`` (as a cursor's anchor and position) nearest the cursor
    position ``near``; ``None`` twice where it is not."""
    best: tuple[int, int] | tuple[None, None] = (None, None)
    length = _units(part)
    found, start, counted = text.find(part), 0, 0
    while found != -1:
        start += _units(text[counted:found])  # counted as it goes: the text may be long
        counted = found
        if best[0] is not None and abs(start - near) >= abs(best[0] - near):
            break  # each later one is further
        best = (start, start + length)
        found = text.find(part, found + 1)
    return best


def _lay_out(block: QTextBlock) -> None:
    """Wrap ``block`` into rows now: a plain text box does so only as its lines come into
    view, counting one row for each line it has not reached."""
    layout = block.document().documentLayout()
    if isinstance(layout, QPlainTextDocumentLayout):
        layout.ensureBlockLayout(block)


def _lines_in_view(box: QPlainTextEdit) -> list[tuple[int, int, int]]:
    """The lines (blocks) that show in ``box``, top to bottom: where each starts and ends (as
    cursor positions), and how many rows below the top of the view it starts (the first one,
    scrolled into, none or fewer)."""
    bar = box.verticalScrollBar()
    top = bar.value()  # in rows: a line wrapped is several
    block = box.document().findBlockByLineNumber(top)
    lines = []
    while block.isValid():
        _lay_out(block)
        below = block.firstLineNumber() - top
        if below >= max(bar.pageStep(), 1):
            break
        lines.append((block.position(), block.position() + block.length() - 1, below))
        block = block.next()
    return lines


def _scroll_to(box: QPlainTextEdit, position: int, below: int) -> None:
    """Scroll ``box`` so that the line at ``position`` starts ``below`` rows under the top of
    the view (fewer than none: the top is inside it), the lines above it wrapped as they are
    now."""
    block = box.document().findBlock(position)
    _lay_out(block)
    rows = -below  # from the line's start down to the top of the view
    while rows < 0 and block.previous().isValid():
        block = block.previous()
        _lay_out(block)
        rows += block.lineCount()
    box.verticalScrollBar().setValue(block.firstLineNumber() + max(rows, 0))


class StatusLink(ElidedLabel):
    """A status bar item whose details are in a window of their own: at rest, the label it
    was; under the pointer, underlined, with a pointing hand; a Tab stop (with the ring of
    ``FocusRing`` round it) pressed with Enter or Space; a button to screen readers. Its
    tooltip can only be hovered: the keyboard and touchpads had no way to its details.

    Signals:
        clicked(): clicked, pressed from the keyboard, or by a screen reader.
    """

    clicked = Signal()

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent, min_chars=4)
        make_figure(self)  # a click leaves the keyboard where it was
        read_as_button(self)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._pressed = False

    def click(self) -> None:
        """Do what a click does: emit ``clicked``."""
        self.clicked.emit()

    def focus_area(self) -> QRect:
        """The text drawn, where ``FocusRing`` draws its ring: the label is often wider, its
        text at its right end."""
        room = self.contentsRect().adjusted(self.margin(), 0, -self.margin(), 0)
        size = QSize(self.fontMetrics().horizontalAdvance(self.text()) + 2, room.height())
        return QStyle.alignedRect(self.layoutDirection(), self.alignment(), size, room)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if plain and event.key() in _PRESS_KEYS and not event.isAutoRepeat():
            event.accept()
            self.click()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() is Qt.MouseButton.LeftButton:
            self._pressed = True
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pressed, self._pressed = self._pressed, False
        if event.button() is Qt.MouseButton.LeftButton and pressed:
            event.accept()
            if self.rect().contains(event.position().toPoint()):  # let go elsewhere: none
                self.click()
            return
        super().mouseReleaseEvent(event)

    def enterEvent(self, event: QEnterEvent) -> None:
        self._underline(True)
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._underline(False)
        super().leaveEvent(event)

    def _underline(self, on: bool) -> None:
        # Only the underline is set: size and family still follow the window's font.
        font = self.font()
        if font.underline() != on:
            font.setUnderline(on)
            self.setFont(font)


class DetailsDialog(QDialog):
    """What a status bar item has no room for, whole: a line of ours saying what it is, then
    the details as plain text (file names from the logs are shown as they are named, never as
    markup) that can be selected and scrolls, a Copy button and Close (Esc). Not modal: the
    window goes on refreshing beside it, and ``show_text`` keeps it current."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.lead = wrapped_label(1.0)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.text.setTabChangesFocus(True)
        # A path without spaces wraps where it must: never a sideways scroll.
        self.text.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.text.setAccessibleName(title)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setToolTip("Put the text above where a paste can use it")
        self.copy_button.setAutoDefault(False)  # Enter closes, as in a message box
        self.copy_button.clicked.connect(self.copy)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        # As wide as "Copied" too: the buttons do not move when it says so.
        copied = self.copy_button.fontMetrics().horizontalAdvance("Copied")
        copy = self.copy_button.fontMetrics().horizontalAdvance("Copy")
        least = self.copy_button.sizeHint().width() + max(copied - copy, 0)
        self.copy_button.setMinimumWidth(least)
        self.copied_timer = QTimer(self)
        self.copied_timer.setSingleShot(True)
        self.copied_timer.setInterval(COPIED_MS)
        self.copied_timer.timeout.connect(lambda: self.copy_button.setText("&Copy"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.lead)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.buttons)

    def show_text(self, lead: str, text: str) -> None:
        """Say ``lead`` above ``text`` (none: the text box and Copy are left out). Unchanged,
        nothing is set again: a selection made in it stays through the window's refreshes;
        changed, the reader keeps their place (see ``_replace_text``)."""
        if lead != self.lead.text():
            self.lead.setText(lead)
        self.lead.setVisible(bool(lead))
        if text != self.text.toPlainText():
            self._replace_text(text)
        self.text.setVisible(bool(text))
        self.copy_button.setVisible(bool(text))

    def _replace_text(self, text: str) -> None:
        """Put ``text`` in the box, keeping the scroll and the selection (or caret) where the
        text around it is unchanged, else on the same words nearest where they were: a
        countdown in the first line changes it every few seconds, and each change had cleared
        the selection a reader was making and scrolled them back to the top."""
        box = self.text
        old = box.toPlainText()
        cursor = box.textCursor()
        anchor, position = cursor.anchor(), cursor.position()
        chosen = cursor.selectedText().replace("\u2029", "\n")  # Qt's paragraph ends
        bar = box.verticalScrollBar()
        scroll = bar.value()
        in_view = _lines_in_view(box)
        box.setPlainText(text)
        new = box.toPlainText()
        # What is unchanged at either end; positions there move by what changed between.
        same_start = 0
        while same_start < min(len(old), len(new)) and old[same_start] == new[same_start]:
            same_start += 1
        same_end = 0
        room = min(len(old), len(new)) - same_start
        while same_end < room and old[-1 - same_end] == new[-1 - same_end]:
            same_end += 1
        # Cursor positions count UTF-16 units, not Python's characters.
        start_units = _units(old[:same_start])
        old_units, new_units = _units(old), _units(new)
        end_units = old_units - _units(old[len(old) - same_end :])

        def moved(at: int) -> int | None:
            if at <= start_units:
                return at
            if at >= end_units:
                return at + new_units - old_units
            return None  # in what changed

        kept = (moved(anchor), moved(position))
        if kept[0] is None or kept[1] is None:
            kept = _nearest(new, chosen, min(anchor, position)) if chosen else (None, None)
        if kept[0] is not None and kept[1] is not None:
            cursor = box.textCursor()
            cursor.setPosition(kept[0])
            cursor.setPosition(kept[1], QTextCursor.MoveMode.KeepAnchor)
            box.setTextCursor(cursor)
        # After the cursor: setting it scrolls to show it. The view stays on the first line
        # in it that is unchanged (with its newline), as many rows from the top: the scroll
        # bar counts rows, and a line above that wrapped onto more (or fewer) had moved the
        # text under the reader by as many.
        for start, end, below in in_view:
            if end < start_units or start > end_units or start == end_units == 0:
                now_at = start if end < start_units else start + new_units - old_units
                _scroll_to(box, now_at, below)
                return
        bar.setValue(scroll)

    def copy(self) -> None:
        """Put the whole text on the clipboard, and say so on the button for a moment."""
        QApplication.clipboard().setText(self.text.toPlainText())
        self.copy_button.setText("Copied")
        self.copied_timer.start()

    def present(self) -> None:
        """Show it (raised, with the keyboard in its text), or bring it back to the front."""
        self.show()
        self.raise_()
        self.activateWindow()
        # Ringed as when it was last looked at, brought back to the front.
        give_focus(self.text if self.text.isVisible() else self.buttons)

    def showEvent(self, event: QShowEvent) -> None:
        # Sized before Qt places it over its parent: grown afterwards, it could reach past
        # the screen's edge.
        if not self.testAttribute(Qt.WidgetAttribute.WA_Resized):
            self.resize(self.comfortable_size())
        super().showEvent(event)

    def comfortable_size(self) -> QSize:
        """Room for about ``DETAILS_CHARS`` by ``DETAILS_LINES`` of text, within the screen
        (the least size stays small: on a small screen it scrolls)."""
        metrics = self.text.fontMetrics()
        text = QSize(
            metrics.averageCharWidth() * DETAILS_CHARS, metrics.lineSpacing() * DETAILS_LINES
        )
        # The text box's frame and margins, the line above it and the buttons.
        around = self.sizeHint() - self.text.sizeHint()
        frame = 2 * (self.text.frameWidth() + round(self.text.document().documentMargin()))
        wanted = self.sizeHint().expandedTo(text + around + QSize(frame, frame))
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry()
            wanted = wanted.boundedTo(QSize(room.width() * 9 // 10, room.height() * 17 // 20))
        return wanted
