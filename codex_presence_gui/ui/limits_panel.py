"""The limits panel: one bar of remaining capacity per rate-limit window, with reset and age."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from codex_presence_gui.core.dashboard import (
    Dashboard,
    LimitRow,
    Spark,
    insight_notes,
    limit_row,
    spark,
)
from codex_presence_gui.core.formatting import Level, credits_text, local_time, reading_age_text
from codex_presence_gui.core.models import LimitSnapshot
from codex_presence_gui.ui.sparkline import Sparkline
from codex_presence_gui.ui.theme import blend, level_color, scaled_font, set_muted, track_color


class LimitBar(QWidget):
    """One window: label, bar of what is left, ``64% left``, the reset and the pace
    underneath, and a small chart of the window's use beside them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row: LimitRow | None = None
        self.label = QLabel()
        self.label.setFont(scaled_font(self, 1.0, bold=True))
        self.label.setMinimumWidth(58)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(10)
        self.bar.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.percent = QLabel()
        self.percent.setFont(scaled_font(self, 1.0, bold=True))
        self.percent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.percent.setMinimumWidth(70)
        self.reset = QLabel()
        self.reset.setWordWrap(True)
        self.reset.setFont(scaled_font(self, 0.9))
        self.pace = QLabel()
        self.pace.setWordWrap(True)
        self.pace.setFont(scaled_font(self, 0.9))
        self.chart = Sparkline(self)
        self.chart.setToolTip(
            "Use of this window since it began (left) to its reset (right edge);\n"
            "the dashed line continues at the current pace, the thin line is now."
        )
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 2, 0, 2)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(1)
        grid.addWidget(self.label, 0, 0)
        grid.addWidget(self.bar, 0, 1)
        grid.addWidget(self.percent, 0, 2)
        grid.addWidget(self.reset, 1, 1, 1, 2)
        grid.addWidget(self.pace, 2, 1, 1, 2)
        grid.addWidget(self.chart, 0, 3, 3, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        self.pace.hide()

    def show_row(self, row: LimitRow, chart: Spark | None = None) -> None:
        """Show one window's row and chart (cheap when nothing changed)."""
        self.chart.set_data(chart, row.level)
        if row == self.row:
            return
        self.row = row
        self.pace.setText(row.pace_text)
        self.pace.setVisible(bool(row.pace_text))
        self._style_pace()
        self.label.setText(row.label)
        self.bar.setValue(round((row.remaining or 0.0) * 10))
        self.percent.setText(row.percent_text)
        self.reset.setText(row.reset_text)
        quiet = row.stale or row.past_reset
        set_muted(self.reset)
        set_muted(self.percent, quiet)
        set_muted(self.label, quiet)
        self._style_bar()
        spoken = f"{row.label} limit: {row.percent_text}, {row.reset_text}"
        if row.pace_text:
            spoken += f", {row.pace_text}"
        self.setAccessibleName(spoken)
        self.bar.setAccessibleName(spoken)

    def _style_pace(self) -> None:
        if self.row is None:
            return
        if self.row.runs_out:
            # Runs out before the reset: said in the warning colour, not only in words.
            palette = self.pace.palette()
            palette.setColor(QPalette.ColorRole.WindowText, level_color(Level.WARN, self.palette()))
            self.pace.setPalette(palette)
        else:
            set_muted(self.pace)

    def _style_bar(self) -> None:
        if self.row is None:
            return
        palette = self.palette()
        track = track_color(palette)
        color = level_color(self.row.level, palette)
        if self.row.stale:
            color = blend(color, track, 0.55)  # an old reading: same hue, quieter
        self.bar.setStyleSheet(
            "QProgressBar { border: none; border-radius: 5px;"
            f" background: {track.name()}; }}"
            f"QProgressBar::chunk {{ border-radius: 5px; background: {color.name()}; }}"
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._style_bar()
            self._style_pace()
        super().changeEvent(event)


class LimitsPanel(QWidget):
    """The account's limits: a bar per window, credits, the reading's age and source."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Limits left")
        self.title.setFont(scaled_font(self, 1.1, bold=True))
        self.age = QLabel()
        self.age.setFont(scaled_font(self, 0.9))
        self.age.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.age)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(2)
        self.credits = QLabel()
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setFont(scaled_font(self, 0.9))
        self.notes.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.message)
        layout.addLayout(self.rows_box)
        layout.addWidget(self.credits)
        layout.addWidget(self.notes)
        self.bars: list[LimitBar] = []
        self.compact = False
        self._headings: list[QLabel] = []
        self.show_message("Reading your Codex logs…")

    def show_message(self, text: str) -> None:
        """Replace the bars with a sentence (loading, no reading yet, no Codex folder)."""
        self._set_rows([])
        self.message.setText(text)
        self.message.show()
        self.credits.hide()
        self.notes.hide()
        self.age.clear()
        self.setToolTip("")

    def show_dashboard(self, dashboard: Dashboard) -> None:
        """Show the account's freshest limits, or say why there are none."""
        limits = dashboard.limits
        if dashboard.no_home:
            self.show_message("No limits to show: Codex's folder was not found.")
            return
        if limits is None:
            self.show_message(
                "No limit reading yet. Codex records your limits with every reply: "
                "start a turn in Codex and they appear here."
            )
            return
        now = dashboard.generated_at
        groups: list[tuple[str | None, LimitSnapshot]] = [(None, limits)]
        groups += [(bucket.display_name, bucket) for bucket in dashboard.other_limits]
        rows: list[tuple[str | None, LimitRow, Spark | None]] = []
        for heading, bucket in groups:
            for index, window in enumerate(bucket.windows):
                insight = dashboard.insight(bucket, window)
                row = limit_row(window, bucket, now, insight=insight)
                chart = spark(insight, now) if insight is not None else None
                rows.append((heading if index == 0 else None, row, chart))
        self._set_rows(rows)
        notes = insight_notes(dashboard)
        self.notes.setText("\n".join(f"⚠ {note}" for note in notes))
        self.notes.setVisible(bool(notes))
        self.message.hide()
        self.age.setText(reading_age_text(limits, now))
        set_muted(self.age)
        credits = credits_text(limits)
        self.credits.setVisible(credits is not None)
        self.credits.setText(credits or "")
        source = dashboard.limits_source
        if source is not None:
            when = local_time(limits.observed_at).strftime("%H:%M:%S on %Y-%m-%d")
            plan = f" · plan: {limits.plan_type}" if limits.plan_type else ""
            self.setToolTip(
                f"Reading from session {source.project} ({source.session_id})\n"
                f"taken at {when}{plan}"
            )

    def set_compact(self, compact: bool) -> None:
        """The compact layout keeps the bars and drops the charts."""
        self.compact = compact
        for bar in self.bars:
            bar.chart.setVisible(not compact)

    def _set_rows(self, rows: list[tuple[str | None, LimitRow, Spark | None]]) -> None:
        headings = [heading for heading, _, _ in rows]
        if len(self.bars) != len(rows) or [h.text() or None for h in self._headings] != [
            h for h in headings if h
        ]:
            self._rebuild(headings)
        for bar, (_, row, chart) in zip(self.bars, rows, strict=True):
            bar.show_row(row, chart)

    def _rebuild(self, headings: list[str | None]) -> None:
        while self.rows_box.count():
            item = self.rows_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.bars = []
        self._headings = []
        for heading in headings:
            if heading:
                label = QLabel(f"{heading} limits")
                label.setFont(scaled_font(self, 0.95, bold=True))
                self.rows_box.addWidget(label)
                self._headings.append(label)
            bar = LimitBar(self)
            bar.chart.setVisible(not self.compact)
            self.rows_box.addWidget(bar)
            self.bars.append(bar)
