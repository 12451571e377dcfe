"""Notices inside the window (a threshold crossed, a problem, a settings file kept aside): they
stay, in full, until the user dismisses them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from codex_presence_gui.core.formatting import Level
from codex_presence_gui.ui.accessible import announce, press_on_enter, read_as_group
from codex_presence_gui.ui.labels import set_tooltip, wrapped_label
from codex_presence_gui.ui.theme import TintedFrame, blend, level_color

#: More notices than this and the oldest goes: the window must keep room for the numbers.
MAX_NOTICES = 3


class Notice(TintedFrame):
    """One notice: a coloured strip, its text (selectable: a path in it can be copied), a
    "Show file" button when it is about a file, and a dismiss button.

    Signals:
        dismissed(str): the notice's key; the user closed it.
        reveal(Path): the user asked to see the file the notice is about.
    """

    dismissed = Signal(str)
    reveal = Signal(Path)

    def __init__(
        self,
        key: str,
        text: str,
        level: Level,
        parent: QWidget | None = None,
        *,
        file: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.level = level
        self.file = file
        self.setObjectName("notice")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.label = wrapped_label(0.95)
        self.label.setText(text)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_button: QToolButton | None = None
        if file is not None:
            self.show_button = QToolButton()
            self.show_button.setText("Show file")
            set_tooltip(self.show_button, f"Open the folder that holds {file.name}")
            self.show_button.setAccessibleName(f"Show {file.name} in its folder")
            self.show_button.setAutoRaise(True)
            self.show_button.clicked.connect(lambda: self.reveal.emit(file))
            press_on_enter(self.show_button)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAccessibleName("Dismiss this notice")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(lambda: self.dismissed.emit(self.key))
        press_on_enter(self.close_button)
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 4, 4, 4)
        grid.setVerticalSpacing(0)
        grid.addWidget(self.label, 0, 0)
        grid.setColumnStretch(0, 1)
        grid.addWidget(self.close_button, 0, 1, Qt.AlignmentFlag.AlignTop)
        if self.show_button is not None:
            # Under the text, not beside it: the notice must not widen the least window
            # (the compact one is narrow, and a path in the text is already long).
            grid.addWidget(self.show_button, 1, 0, Qt.AlignmentFlag.AlignLeft)
        self.setAccessibleName(text)
        # A group read by its text, as the figures are: a frame is told as one, which AT-SPI
        # keeps for windows.
        read_as_group(self)
        self.apply_tint()

    @property
    def text(self) -> str:
        """What the notice says."""
        return self.label.text()

    def set_text(self, text: str) -> None:
        """Say something new under the same key."""
        self.label.setText(text)
        self.setAccessibleName(text)

    def tint(self, window: QColor, palette: QPalette) -> QColor:
        return blend(window, level_color(self.level, palette), 0.18)


class InfoBar(QWidget):
    """A stack of notices at the top of the window; hidden when there are none.

    Signals:
        reveal(Path): a notice's "Show file" was clicked.
        closed(): the user dismissed a notice (its room is free: the window measures again).
    """

    reveal = Signal(Path)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.notices: list[Notice] = []
        self.hide()

    def add_notice(
        self,
        text: str,
        level: Level = Level.WARN,
        key: str | None = None,
        *,
        file: Path | None = None,
    ) -> None:
        """Show ``text`` until dismissed (with a "Show file" button for ``file``); a notice
        with the same key is replaced: in place when it is the last one (or says the same),
        else by a new one at the end."""
        key = key or text
        for notice in self.notices:
            if notice.key != key:
                continue
            if (
                notice.file == file
                and notice.level is level
                and (notice.text == text or notice is self.notices[-1])
            ):
                if notice.text != text:
                    notice.set_text(text)
                    announce(notice, text, urgent=level is Level.LOW)
                return
            # News about the same thing goes last, as a new notice would (the oldest first),
            # not above what it followed; made anew, so that its place in the Tab order and
            # for screen readers is where it shows, and its button and colour follow.
            self.dismiss(key)
            break
        notice = Notice(key, text, level, self, file=file)
        notice.dismissed.connect(self._closed)
        notice.reveal.connect(self.reveal)
        self.notices.append(notice)
        self._layout.addWidget(notice)
        # Shown now, not when Qt gets to it: a child added to a shown bar stays hidden until
        # then, and the window measures the room its notices need right after this.
        notice.show()
        # Said as it shows: the keyboard is elsewhere, and a screen reader user would not
        # learn of it (a limit running low, a folder that cannot be read).
        announce(notice, text, urgent=level is Level.LOW)
        while len(self.notices) > MAX_NOTICES:
            self.dismiss(self.notices[0].key)
        self.show()

    def _closed(self, key: str) -> None:
        self.dismiss(key)
        self.closed.emit()

    def dismiss(self, key: str) -> None:
        """Remove the notice with ``key`` (nothing if there is none)."""
        for notice in list(self.notices):
            if notice.key == key:
                self.notices.remove(notice)
                self._layout.removeWidget(notice)
                notice.hide()
                notice.deleteLater()
        self.setVisible(bool(self.notices))

    def tab_stops(self) -> list[QWidget]:
        """The notices' buttons in reading order: each notice's "Show file", then its ✕."""
        stops: list[QWidget] = []
        for notice in self.notices:
            if notice.show_button is not None:
                stops.append(notice.show_button)
            stops.append(notice.close_button)
        return stops

    def texts(self) -> list[str]:
        """What the notices say, oldest first."""
        return [notice.text for notice in self.notices]
