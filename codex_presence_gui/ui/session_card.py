"""The active session card: project, branch, activity, model, and the session's tokens with the
total in large type."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from codex_presence_gui.ui.accessible import make_figure, read_as_group, tell
from codex_presence_gui.ui.labels import (
    QWIDGETSIZE_MAX,
    ElidedLabel,
    names_isolated,
    set_tooltip,
    wrapped_label,
)
from codex_presence_gui.ui.theme import scaled_font, set_muted
from codex_presence_gui.viewmodels.card import CardView
from codex_presence_gui.viewmodels.icons import activity_icon

#: Words longer than this get break chances, so that a wrapped line never runs off the card.
LONG_WORD = 24
#: Where a long word breaks first: after the marks that join its parts (a model id's
#: hyphens, a path's slashes), but not before a digit, so that "gpt-5" and "2026-05" hold
#: (nor after a backslash, which opens the escapes that make a name's hidden marks seen).
_JOINS = re.compile(r"(?<=[-_/])(?=\D)")


def breakable(text: str) -> str:
    """``text`` with zero-width spaces inside very long words (a model id, a path): after
    their hyphens, underscores and slashes, and every ``LONG_WORD`` characters in a part
    still longer."""
    words = []
    for word in text.split(" "):
        if len(word) > LONG_WORD:
            parts = _JOINS.split(word)
            word = "\u200b".join(
                part[i : i + LONG_WORD] for part in parts for i in range(0, len(part), LONG_WORD)
            )
        words.append(word)
    return " ".join(words)


#: At most this share (in %) of the card's first line goes to the project's name when a
#: branch follows it.
TITLE_SHARE = 70
#: A branch cut shorter than this many characters ("on f…t-") is left out: it tells nothing.
BRANCH_TELLING_CHARS = 9


class _YieldingLabel(ElidedLabel):
    """An elided label that asks for no more than its least width: beside a label that asks
    for its whole text, it gets only the room left over (the branch gives way to the
    project's name, and takes whatever the name leaves)."""

    def sizeHint(self) -> QSize:
        return QSize(self.minimumSizeHint().width(), super().sizeHint().height())

    def tells_in(self, width: int) -> bool:
        """Whether ``width`` shows enough of the text to tell it (see ``min_shown``)."""
        return bool(self.shown_in(width))


class SessionCard(QFrame):
    """The top-ranked active session, big enough to read at a glance; a Tab stop, whose
    accessible name says the whole card."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        make_figure(self)
        read_as_group(self)
        self.icon = QLabel()
        self.icon.setFixedSize(QSize(22, 22))
        self.title = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)
        self.title.setFont(scaled_font(self, 1.2, bold=True))
        self.branch = _YieldingLabel(
            mode=Qt.TextElideMode.ElideMiddle, min_chars=5, min_shown=BRANCH_TELLING_CHARS
        )
        head = self._head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.icon)
        head.addWidget(self.title, 0)
        head.addWidget(self.branch, 1)
        # Cut in its middle: the verb first, and how long a call has been quiet at the end.
        self.activity = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)
        self.details = wrapped_label()
        self.total = QLabel()
        self.total.setFont(scaled_font(self, 1.9, bold=True))
        self.total_caption = QLabel("session total")
        self.total_caption.setFont(scaled_font(self, 0.85))
        self.figures: list[tuple[QLabel, QLabel]] = []
        self.others = QGridLayout()
        self.others.setHorizontalSpacing(8)
        self.others.setVerticalSpacing(0)
        for row in range(2):
            number = QLabel()
            number.setFont(scaled_font(self, 1.05, bold=True))
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            caption = wrapped_label(0.85)
            self.others.addWidget(number, row, 0)
            self.others.addWidget(caption, row, 1)
            self.figures.append((number, caption))
        self.others.setColumnStretch(1, 1)
        big = QVBoxLayout()
        big.setSpacing(0)
        big.addWidget(self.total)
        big.addWidget(self.total_caption)
        tokens = QHBoxLayout()
        tokens.setSpacing(18)
        tokens.addLayout(big)
        tokens.addLayout(self.others, 1)
        self.tokens_box = QWidget()
        self.tokens_box.setLayout(tokens)
        tokens.setContentsMargins(0, 4, 0, 0)
        self.compact_total = ElidedLabel()
        self.compact_total.setFont(scaled_font(self, 1.15, bold=True))
        self.compact_others = wrapped_label(0.85)
        self.message = wrapped_label(1.0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(3)
        layout.addLayout(head)
        layout.addWidget(self.activity)
        layout.addWidget(self.details)
        layout.addWidget(self.tokens_box)
        layout.addWidget(self.compact_total)
        layout.addWidget(self.compact_others)
        layout.addWidget(self.message)
        # Room the card is given beyond its needs (held while rows are picked) stays below.
        layout.addStretch(1)
        self.compact = False
        self.view = CardView(message="Reading your Codex logs…")
        self._render()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit_title(event.size().width())
        super().resizeEvent(event)

    def _fit_title(self, width: int) -> None:
        """The project's name comes first, but leaves the branch a part of the line: with a
        very long name, "on f…x" would tell nothing."""
        outer = self.layout()
        assert outer is not None
        box = outer.contentsMargins()
        spacing = self._head.spacing()
        line = width - box.left() - box.right() - 2 * self.frameWidth()
        if not self.icon.isHidden():
            line -= self.icon.width() + spacing
        # All the branch needs when it is short; else what it leaves up to TITLE_SHARE; and
        # all of the line, the branch left out, when the rest would not show enough of it.
        branch = self.branch.full_width() + spacing
        share = max(self.title.minimumSizeHint().width(), line * TITLE_SHARE // 100, line - branch)
        room = line - spacing - min(share, self.title.full_width())
        tells = bool(self.view.branch) and self.branch.tells_in(room)
        self.title.setMaximumWidth(share if tells else QWIDGETSIZE_MAX)
        self.branch.setVisible(self.view.message is None and tells)

    def set_compact(self, compact: bool) -> None:
        """One line of tokens instead of the large total."""
        self.compact = compact
        self._apply_visibility()

    def show_view(self, view: CardView) -> None:
        """Show one session, or the sentence of a card without one."""
        if view == self.view:
            return
        self.view = view
        self._render()

    def _render(self) -> None:
        view = self.view
        if view.activity_kind is not None:
            self.icon.setPixmap(activity_icon(view.activity_kind).pixmap(QSize(22, 22)))
        else:
            self.icon.clear()
        self.title.set_full_text(view.project)
        self.branch.set_full_text(view.branch, names=(view.branch_name,))
        set_muted(self.branch)
        self.activity.set_full_text(
            view.activity_text,
            shorter=view.activity_shorter,
            names=view.activity_names,
            spoken=view.activity_spoken or None,
        )
        self._show_details()
        set_tooltip(self.details, view.details_tooltip)
        set_muted(self.details)
        if view.total is not None:
            self.total.setText(view.total.text)
            self.total.setToolTip(view.total.tooltip)
            self.compact_total.set_full_text(
                f"{view.total.text} tokens in this session", shorter=(f"{view.total.text} tokens",)
            )
        set_muted(self.total_caption)
        for index, (number, caption) in enumerate(self.figures):
            figure = view.others[index] if index < len(view.others) else None
            number.setVisible(figure is not None)
            caption.setVisible(figure is not None)
            if figure is not None:
                number.setText(figure.text)
                number.setToolTip(figure.tooltip)
                caption.setText(figure.caption)
                caption.setToolTip(figure.tooltip)
                set_muted(caption)
        self.compact_others.setText(
            " · ".join(f"{figure.caption} {figure.text}" for figure in view.others)
        )
        set_muted(self.compact_others)
        self.message.setText(view.message or "")
        tell(self, view.spoken or view.message or "", view.spoken_details)
        self._apply_visibility()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LayoutDirectionChange:
            self._show_details()  # its names' marks follow the direction

    def _show_details(self) -> None:
        """The details line, its names in their own direction in a window of either direction
        (a label lays its text out in the direction of its first letter: a model's name in
        Hebrew had turned the whole line round). Screen readers are told the line unmarked."""
        details = self.view.details
        drawn = names_isolated(details, details, self.view.detail_names, self.layoutDirection())
        self.details.setText(breakable(drawn))
        self.details.setAccessibleName(details)

    def _apply_visibility(self) -> None:
        has_session = self.view.message is None
        for widget in (self.icon, self.title, self.activity, self.details):
            widget.setVisible(has_session)
        # No blank square before the name when there is no activity to show.
        self.icon.setVisible(has_session and self.view.activity_kind is not None)
        self.tokens_box.setVisible(has_session and not self.compact)
        self.compact_total.setVisible(has_session and self.compact)
        self.compact_others.setVisible(has_session and self.compact and bool(self.view.others))
        self.message.setVisible(not has_session)
        self._fit_title(self.width())  # the branch, shown or not, and the name's share
