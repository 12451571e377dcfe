"""The active session card: project, branch, activity, model and the token triplet in large type."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from codex_presence_gui.core.dashboard import SessionShare
from codex_presence_gui.core.formatting import format_count, format_tokens_compact, share_text
from codex_presence_gui.core.models import CodexSessionSnapshot
from codex_presence_gui.ui.theme import scaled_font, set_muted
from codex_presence_gui.viewmodels.icons import activity_icon

_TRIPLET = (
    ("this update", "session_delta_tokens"),
    ("last response", "last_turn_tokens"),
    ("session total", "session_total_tokens"),
)


class SessionCard(QFrame):
    """The top-ranked active session, big enough to read at a glance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.icon = QLabel()
        self.icon.setFixedSize(QSize(22, 22))
        self.title = QLabel()
        self.title.setFont(scaled_font(self, 1.2, bold=True))
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.branch = QLabel()
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.icon)
        head.addWidget(self.title)
        head.addWidget(self.branch)
        head.addStretch(1)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.numbers: list[QLabel] = []
        self.captions: list[QLabel] = []
        triplet = QGridLayout()
        triplet.setHorizontalSpacing(18)
        triplet.setVerticalSpacing(0)
        for column, (caption, _field) in enumerate(_TRIPLET):
            number = QLabel("–")
            number.setFont(scaled_font(self, 1.9, bold=True))
            label = QLabel(caption)
            label.setFont(scaled_font(self, 0.85))
            triplet.addWidget(number, 0, column)
            triplet.addWidget(label, 1, column)
            self.numbers.append(number)
            self.captions.append(label)
        triplet.setColumnStretch(len(_TRIPLET), 1)
        self.triplet_box = QWidget()
        self.triplet_box.setLayout(triplet)
        self.compact_tokens = QLabel()
        self.compact_tokens.setFont(scaled_font(self, 1.15, bold=True))
        self.compact_caption = QLabel("this update | last response | session total")
        self.compact_caption.setFont(scaled_font(self, 0.85))
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.details)
        layout.addWidget(self.triplet_box)
        layout.addWidget(self.compact_tokens)
        layout.addWidget(self.compact_caption)
        layout.addWidget(self.message)
        self.compact = False
        self.snapshot: CodexSessionSnapshot | None = None
        self.show_message("Reading your Codex logs…")

    def set_compact(self, compact: bool) -> None:
        """One line of tokens instead of the large triplet."""
        self.compact = compact
        self._apply_visibility()

    def show_message(self, text: str) -> None:
        """No session to show: say why and what to do."""
        self.snapshot = None
        self.message.setText(text)
        self._apply_visibility()

    def show_session(
        self, snapshot: CodexSessionSnapshot, shares: Sequence[SessionShare] = ()
    ) -> None:
        """Show one session."""
        self.snapshot = snapshot
        activity = snapshot.activity
        if activity is not None:
            self.icon.setPixmap(activity_icon(activity.kind).pixmap(QSize(22, 22)))
        else:
            self.icon.clear()
        self.title.setText(snapshot.project)
        self.branch.setText(f"on {snapshot.git_branch}" if snapshot.git_branch else "")
        set_muted(self.branch)
        parts = [
            activity.text if activity else "No activity yet",
            snapshot.model or "model unknown",
        ]
        parts.append(snapshot.surface)
        if snapshot.context is not None:
            parts.append(f"context {snapshot.context.left_percent}% left")
        if shares:
            parts.append(share_text(shares[0]))
        self.details.setText(" · ".join(parts))
        values = [getattr(snapshot, field) for _caption, field in _TRIPLET]
        for label, value in zip(self.numbers, values, strict=True):
            label.setText(format_tokens_compact(value))
            label.setToolTip(
                f"{format_count(value)} tokens" if value is not None else "not reported yet"
            )
        for caption in self.captions:
            set_muted(caption)
        self.compact_tokens.setText(
            " | ".join(format_tokens_compact(v) for v in values) + " tokens"
        )
        set_muted(self.compact_caption)
        self.setAccessibleName(
            f"Active session {snapshot.project}: {self.details.text()}. Tokens: "
            + ", ".join(
                f"{c} {format_tokens_compact(v)}"
                for (c, _f), v in zip(_TRIPLET, values, strict=True)
            )
        )
        self._apply_visibility()

    def _apply_visibility(self) -> None:
        has_session = self.snapshot is not None
        for widget in (self.icon, self.title, self.branch, self.details):
            widget.setVisible(has_session)
        self.triplet_box.setVisible(has_session and not self.compact)
        self.compact_tokens.setVisible(has_session and self.compact)
        self.compact_caption.setVisible(has_session and self.compact)
        self.message.setVisible(not has_session)
