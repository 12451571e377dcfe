"""The limits panel: one bar of remaining capacity per rate-limit window, with reset and age."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from codex_presence_gui.core.formatting import Level
from codex_presence_gui.ui.accessible import give_focus, make_figure, read_as_group, tell
from codex_presence_gui.ui.labels import ElidedLabel, set_tooltip, wrapped_label
from codex_presence_gui.ui.sparkline import Sparkline
from codex_presence_gui.ui.theme import (
    blend,
    level_color,
    scaled_font,
    set_level_color,
    set_muted,
    track_color,
)
from codex_presence_gui.viewmodels.limits import (
    LimitGroupView,
    LimitRowView,
    LimitsView,
    spark_tip,
)

#: Space above a group's heading (a model's own limits) after the account's.
GROUP_GAP = 8
CREDITS_TIP = "Your Codex credits balance, as Codex last reported it."


#: The widest percentage's text, as the view writes it (see ``percent_width``): a window past
#: its reset is "~100% left".
PERCENT_TEMPLATE = "~100% left"


#: What a row of the panel is: a bucket's heading, one of its windows, its footer.
RowKey = tuple[str, ...]


def row_keys(groups: tuple[LimitGroupView, ...]) -> list[RowKey]:
    """The panel's rows, top to bottom, each by what it is (the bucket and the window's label,
    not what it says now); numbered when the same twice."""
    keys: list[RowKey] = []
    seen: dict[RowKey, int] = {}

    def add(*key: str) -> None:
        count = seen.get(key, 0)
        seen[key] = count + 1
        keys.append((*key, str(count)))

    for group in groups:
        if group.heading:
            add("heading", group.key)
        for row in group.rows:
            add("window", group.key, row.label)
        if group.footer:
            add("footer", group.key)
    return keys


class LimitBar(QWidget):
    """One window: label, bar of what is left, ``64% left``, the status (reset) and the pace
    underneath, and a small chart of what was left beside them.

    A Tab stop, so that the keyboard reaches each window (and a screen reader says it whole,
    the row's accessible name); a click leaves the focus where it was."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        make_figure(self)
        read_as_group(self)
        self.row: LimitRowView | None = None
        self.label = QLabel()
        self.label.setFont(scaled_font(self, 1.0, bold=True))
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar()
        # In whole percent, as the number beside it: its value is what screen readers say
        # ("640" of a range to 1,000 had been read out).
        self.bar.setRange(0, 100)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(10)
        self.bar.setMinimumWidth(40)
        self.bar.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.percent = QLabel()
        self.percent.setFont(scaled_font(self, 1.0, bold=True))
        self.percent.setTextFormat(Qt.TextFormat.PlainText)
        self.percent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.status = wrapped_label()
        self.pace = wrapped_label()
        self.chart = Sparkline(self)
        self.chart.setToolTip(spark_tip(None))
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 2, 0, 2)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(1)
        grid.addWidget(self.label, 0, 0)
        grid.addWidget(self.bar, 0, 1)
        grid.addWidget(self.percent, 0, 2)
        grid.addWidget(self.status, 1, 1, 1, 2)
        grid.addWidget(self.pace, 2, 1, 1, 2)
        grid.addWidget(self.chart, 0, 3, 3, 1, Qt.AlignmentFlag.AlignTop)
        # The bar and the chart share their room 3 to 1 (the chart up to its full width): in
        # a narrow window the bar, the main figure, keeps its length, and the chart gives way.
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 1)
        self._grid = grid
        self.pace.hide()

    def show_chart(self, visible: bool) -> None:
        """Show or hide the chart; hidden, its column takes no share of the row (the bar runs
        to the percentage)."""
        self.chart.setVisible(visible)
        self._grid.setColumnStretch(3, 1 if visible else 0)

    def label_width(self) -> int:
        """The room the window's name needs (so that the bars of a panel line up)."""
        return self.label.sizeHint().width()

    def set_label_width(self, width: int) -> None:
        """Line the bars up with the other rows of the panel."""
        self.label.setMinimumWidth(width)

    def percent_width(self) -> int:
        """The room the ``64% left`` needs: its text, and at least any whole percent's, so
        that a bar's end stays put as the number changes."""
        # Measured as QLabel measures its text (a bounding box, a pixel wider than the advance).
        room = QRect(0, 0, 2000, 200)
        flags = int(self.percent.alignment().value)
        widest = self.percent.fontMetrics().boundingRect(room, flags, PERCENT_TEMPLATE).width()
        return max(self.percent.sizeHint().width(), widest)

    def set_percent_width(self, width: int) -> None:
        """End the bars where the other rows' end."""
        self.percent.setMinimumWidth(width)

    def show_row(self, row: LimitRowView) -> None:
        """Show one window's row and chart (cheap when nothing changed)."""
        if row == self.row:
            return
        self.row = row
        self.chart.set_data(row.chart, row.level, dimmed=row.dimmed)
        self.chart.setToolTip(spark_tip(row.chart))
        self.label.setText(row.label)
        self.bar.setValue(round(row.left_fraction * 100))
        self.percent.setText(row.percent_text)
        self.status.setText(row.status_text)
        # Durations in words: "2h 13m" can be read as metres.
        self.status.setAccessibleName(row.status_spoken or row.status_text)
        self.status.setFont(scaled_font(self, 0.9 if not row.emphasis else 0.95, bold=row.emphasis))
        self.pace.setText(row.pace_text)
        self.pace.setAccessibleName(row.pace_spoken or row.pace_text)
        self.pace.setVisible(bool(row.pace_text))
        self._style()
        tell(self, row.spoken, row.spoken_details)
        # The row says it all; its parts only what they are (read again, each had said it),
        # a model's with its name ("5h limit left" is the account's too).
        named = f"{row.whose} {row.label}" if row.whose else row.label
        self.bar.setAccessibleName(f"{named} limit left")
        self.chart.setAccessibleName(f"{named}: what was left over the window")

    def _style(self) -> None:
        """Colours by level; a stale or past-reset row keeps its value, quieter."""
        row = self.row
        if row is None:
            return
        palette = self.palette()
        track = track_color(palette)
        color = level_color(row.level, palette)
        # Nothing left: the empty bar says so with a red outline. (A red-tinted track read,
        # at a glance, as a full bar.)
        border = f"1px solid {color.name()}" if row.emphasis else "none"
        set_muted(self.label, row.dimmed)
        if row.dimmed:
            color = blend(color, track, 0.55)
            set_muted(self.percent)
        else:
            set_level_color(self.percent, row.level)
        if row.emphasis:
            set_level_color(self.status, Level.LOW)
        else:
            set_muted(self.status)
        if row.pace_warning and not row.dimmed:
            # Runs out before the reset: said in the warning colour, not only in words.
            set_level_color(self.pace, Level.WARN)
        else:
            set_muted(self.pace)
        self.bar.setStyleSheet(
            f"QProgressBar {{ border: {border}; border-radius: 5px;"
            f" background: {track.name()}; }}"
            f"QProgressBar::chunk {{ border-radius: 5px; background: {color.name()}; }}"
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._style()
        super().changeEvent(event)


class LimitsPanel(QWidget):
    """The account's limits: a bar per window, credits, the reading's age and source."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Limits left")
        self.title.setFont(scaled_font(self, 1.1, bold=True))
        self.age = ElidedLabel(min_chars=4)
        self.age.setFont(scaled_font(self, 0.9))
        self.age.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(self.title)
        header.addWidget(self.age, 1)  # right-aligned: it takes all the room left
        self.stale = wrapped_label()
        self.message = wrapped_label(1.0)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(2)
        self.notes = wrapped_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.stale)
        layout.addWidget(self.message)
        layout.addLayout(self.rows_box)
        layout.addWidget(self.notes)
        self.bars: list[LimitBar] = []
        self.compact = False
        self._headings: list[ElidedLabel] = []
        self.footers: list[ElidedLabel] = []
        self._shape: list[RowKey] = []
        #: Each row's widget by what it is (see ``row_keys``), kept while the row shows.
        self._rows: dict[RowKey, QWidget] = {}
        self.view: LimitsView | None = None
        self.show_view(LimitsView(message="Reading your Codex logs…"))

    def show_view(self, view: LimitsView) -> None:
        """Show one refresh: the bars, or a sentence saying why there are none."""
        if view == self.view:
            return
        self.view = view
        self._set_groups(view.groups)
        self.message.setText(view.message or "")
        self.message.setVisible(view.message is not None)
        self.age.set_full_text(
            view.age_text,
            shorter=(view.age_short,) if view.age_short else (),
            spoken=view.age_spoken or None,  # "updated 4 minutes ago": "4m" may read as metres
        )
        set_muted(self.age)
        self.stale.setText(view.stale_text)
        self.stale.setAccessibleName(view.stale_spoken or view.stale_text)
        self.stale.setVisible(bool(view.stale_text))
        set_muted(self.stale)
        self.notes.setText("\n".join(f"⚠ {note}" for note in view.notes))
        self.notes.setVisible(bool(view.notes))
        set_tooltip(self, view.tooltip)

    def tab_stops(self) -> list[QWidget]:
        """The rows the keyboard goes through, top to bottom: each bar, and a group's credits
        after its bars."""
        stops: list[QWidget] = []
        for index in range(self.rows_box.count()):
            item = self.rows_box.itemAt(index)
            widget = item.widget() if item is not None else None
            if widget is not None and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                stops.append(widget)
        return stops

    def set_compact(self, compact: bool) -> None:
        """The compact layout keeps the bars and drops the charts."""
        self.compact = compact
        for bar in self.bars:
            bar.show_chart(not compact)

    def _set_groups(self, groups: tuple[LimitGroupView, ...]) -> None:
        shape = row_keys(groups)
        if shape != self._shape:
            self._arrange(groups, shape)
            self._shape = shape
        rows = [row for group in groups for row in group.rows]
        for bar, row in zip(self.bars, rows, strict=True):
            bar.show_row(row)
        headed = [group for group in groups if group.heading]
        for label, group in zip(self._headings, headed, strict=True):
            # A model's name may come after its id; it is drawn in its own direction.
            label.set_full_text(group.heading or "", names=(group.whose,))
        footers = [group.footer for group in groups if group.footer]
        for label, text in zip(self.footers, footers, strict=True):
            label.set_full_text(text, CREDITS_TIP)
        width = max((bar.label_width() for bar in self.bars), default=0)
        percent = max((bar.percent_width() for bar in self.bars), default=0)
        for bar in self.bars:
            bar.set_label_width(width)
            bar.set_percent_width(percent)

    def _arrange(self, groups: tuple[LimitGroupView, ...], keys: list[RowKey]) -> None:
        """Lay the rows out for ``groups`` (their ``keys``, in order), keeping the widget of
        each row that stays: a limit appearing or going had made every row anew, and the
        keyboard on one had gone to the card, a screen reader saying so."""
        old = self._rows
        kept = {key: widget for key, widget in old.items() if key in keys}
        while self.rows_box.count():
            self.rows_box.takeAt(0)  # the widgets stay (only spacings are dropped)
        self.bars = []
        self._headings = []
        self.footers = []
        made: list[QWidget] = []
        wanted = iter(keys)
        for group in groups:
            if group.heading:
                if self.rows_box.count():
                    # Apart from the group above: its footer (the credits) is that group's.
                    self.rows_box.addSpacing(GROUP_GAP)
                label = kept.get(next(wanted))
                if not isinstance(label, ElidedLabel):
                    label = ElidedLabel(group.heading)
                    label.setFont(scaled_font(self, 0.95, bold=True))
                    made.append(label)
                self.rows_box.addWidget(label)
                self._headings.append(label)
            for _row in group.rows:
                bar = kept.get(next(wanted))
                if not isinstance(bar, LimitBar):
                    bar = LimitBar(self)
                    bar.show_chart(not self.compact)
                    made.append(bar)
                self.rows_box.addWidget(bar)
                self.bars.append(bar)
            if group.footer:
                footer = kept.get(next(wanted))
                if not isinstance(footer, ElidedLabel):
                    footer = ElidedLabel()
                    make_figure(footer)  # as the bars
                    made.append(footer)
                self.rows_box.addWidget(footer)
                self.footers.append(footer)
        self._rows = dict(zip(keys, self._widgets(), strict=True))
        # Shown now, not when Qt gets to it: rows added to a shown panel stay hidden until
        # then, and the window measures the room the panel needs right after this (a limit
        # appearing would have left the compact window too short for good).
        for widget in made:
            widget.show()
        gone = [(key, widget) for key, widget in old.items() if key not in kept]
        self._keep_focus(list(old), gone)
        for _key, widget in gone:
            widget.hide()
            widget.deleteLater()

    def _widgets(self) -> list[QWidget]:
        """The rows' widgets, top to bottom."""
        widgets = []
        for index in range(self.rows_box.count()):
            item = self.rows_box.itemAt(index)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widgets.append(widget)
        return widgets

    def _keep_focus(self, before: list[RowKey], gone: list[tuple[RowKey, QWidget]]) -> None:
        """The keyboard on a row that goes moves to the nearest row that stays (the one after
        it, else the one before), before the row is hidden: Qt would take it on to the next
        Tab stop, the card. With no row left, Qt does. The window's focus widget, not the
        application's: in a window in the background, the one it goes back to when active."""
        focused = self.window().focusWidget()
        leaving = next((key for key, widget in gone if widget is focused), None)
        if leaving is None:
            return
        at = before.index(leaving)
        later = [key for key in before[at + 1 :] if key in self._rows]
        earlier = [key for key in reversed(before[:at]) if key in self._rows]
        for key in (*later, *earlier):
            widget = self._rows[key]
            if widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                give_focus(widget)  # ringed still, if it was
                return
