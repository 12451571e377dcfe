"""The daily bar chart of the period (the last 7, 30 or 90 days), stacked by model, in tokens or
in estimated cost."""

from __future__ import annotations

import enum
import html
import itertools
import math
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, QTextBoundaryFinder
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFocusEvent,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QLabel,
    QSizePolicy,
    QToolTip,
    QWidget,
)

from codex_presence_gui.core.formatting import format_tokens_compact
from codex_presence_gui.core.sanitize import tooltip_html
from codex_presence_gui.core.usage_report import money, spoken_lines
from codex_presence_gui.ui.labels import (
    FIRST_STRONG_ISOLATE,
    POP_DIRECTIONAL_ISOLATE,
    elided_key,
    isolate_needed,
    set_tooltip,
)
from codex_presence_gui.ui.theme import blend, is_dark, muted_color, track_color
from codex_presence_gui.viewmodels.usage import ChartView, DayBar

#: (light palette, dark palette) per series, in order; distinct in hue and readable on both.
SERIES_COLORS: tuple[tuple[str, str], ...] = (
    ("#2563eb", "#60a5fa"),  # blue
    ("#d97706", "#fbbf24"),  # amber
    ("#0d9488", "#2dd4bf"),  # teal
    ("#9333ea", "#c084fc"),  # violet
    ("#db2777", "#f472b6"),  # pink
    ("#6b7280", "#9ca3af"),  # grey: "Other models" when there are many, and only that
    # The cost bars' models that the token bars do not name (viewmodels' COST_COLORS): the
    # ones furthest from the token bars' hues first (a green beside the teal, and a red
    # beside the pink, were hard to tell from them). The first is also the token bars' sixth
    # model when there are six (viewmodels' SIXTH_COLOR).
    ("#65a30d", "#a3e635"),  # lime
    ("#dc2626", "#f87171"),  # red
    ("#0891b2", "#22d3ee"),  # cyan
    # Paler in the dark: its yellow had been the amber's twin there.
    ("#a16207", "#e0a96d"),  # ochre
    ("#16a34a", "#4ade80"),  # green
)
#: The legend's entry for the outlined days of the cost bars: used, with no known price.
UNPRICED_LEGEND = "no known price"
EMPTY_TEXT = "No usage in the last {days} days"
#: A period longer than this has its Mondays labelled every second, fourth or eighth week
#: where there is no room for each (at 30 days, every other Monday had read as a pattern).
WEEKLY_LABELS_DAYS = 31
#: The weeks between two labelled Mondays, tried in turn.
LABEL_WEEKS = (1, 2, 4, 8)
#: A period this short has every day labelled where there is room for each.
DAILY_LABELS_DAYS = 7


class ChartMode(enum.Enum):
    """What the bars measure."""

    TOKENS = "tokens"
    COST = "cost"


def series_color(series: int, palette: QPalette) -> QColor:
    """The colour of a model's part of the bars (and of its legend entry)."""
    light, dark = SERIES_COLORS[series % len(SERIES_COLORS)]
    return QColor(dark if is_dark(palette) else light)


#: The scale's tops, times a power of ten: each with a round half (the scale's middle line),
#: and none more than a third above the one before (the tallest bar fills most of the height).
NICE_TOPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
#: The chart's least height, in lines of text.
CHART_MIN_LINES = 13
#: A day with any use is drawn at least this tall (a sliver beside a huge day is still seen).
MIN_BAR_PX = 2.0


def nice_ceiling(value: float) -> float:
    """The least of ``NICE_TOPS`` times a power of ten that is at least ``value`` (> 0)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in NICE_TOPS:
        if value <= step * power * (1 + 1e-9):
            return float(step * power)
    return float(10 * power)


class UsageChart(QWidget):
    """One bar per day, oldest left, today right; each bar's parts are its models, bottom up
    in series order. Hovering a day highlights it and shows its values in a tooltip; with the
    keyboard, Left and Right (Home, End) do the same, day by day.

    Painted by hand: no chart module is shipped.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart: ChartView | None = None
        self.mode = ChartMode.TOKENS
        self.hovered: int | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(chart_name(30))
        # Reached by Tab: a day's numbers are for the keyboard too (the arrows walk the days).
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        #: Pixels given up from the least height (``give_up``).
        self.given_up = 0

    def sizeHint(self) -> QSize:
        return QSize(480, self.minimumSizeHint().height())

    def minimumSizeHint(self) -> QSize:
        # Tall enough to compare days by eye, however long the tables under it: the page
        # scrolls rather than squeeze the chart to a strip (but for a sliver: give_up).
        height = self.full_height() - self.given_up
        return QSize(self._axis_width() + 30 * 4 + 8, height)

    def full_height(self) -> int:
        """The least height, before any is given up."""
        return CHART_MIN_LINES * self.fontMetrics().height() + 10

    def give_up(self, pixels: int) -> None:
        """Ask for ``pixels`` less than the least height (at most a line: the page asks when
        it would otherwise scroll by a sliver)."""
        pixels = max(0, min(pixels, self.fontMetrics().height()))
        if pixels != self.given_up:
            self.given_up = pixels
            self.updateGeometry()

    # -- data -----------------------------------------------------------------------------

    def set_chart(self, chart: ChartView | None) -> None:
        """Show ``chart`` (None: an empty frame)."""
        if chart == self.chart:
            return
        before, self.chart = self.chart, chart
        if chart is not None and before is not None and len(chart.days) != len(before.days):
            # Another period: the keyboard stays on its day, where the new one has it.
            if self.hovered is not None and self.hovered < len(before.days):
                day = before.days[self.hovered].day
                self.hovered = (day - chart.days[0].day).days
            self.setAccessibleName(chart_name(len(chart.days)))
        if chart is None or (self.hovered is not None and not 0 <= self.hovered < len(chart.days)):
            self.hovered = None
        self.setAccessibleDescription(spoken_lines(self._told()))
        self._tip_again()
        self.update()

    def set_mode(self, mode: ChartMode) -> None:
        """Bars of tokens or of estimated cost."""
        if mode is not self.mode:
            self.mode = mode
            self.setAccessibleDescription(spoken_lines(self._told()))
            self._tip_again()
            self.update()

    def _tip_again(self) -> None:
        """The day's values shown by it, as they now are, while they show: usage coming in
        (every few seconds while Codex works) had left the old ones on screen."""
        if self.hovered is None or not QToolTip.isVisible() or QToolTip.text() == "":
            return
        if self.hasFocus():
            self.choose_day(self.hovered)
        elif self.underMouse():
            area = self.bar_rect(self.hovered).toAlignedRect()
            text = tooltip_html(self.hover_text(self.hovered))
            QToolTip.showText(QCursor.pos(), text, self, area)

    def _told(self) -> str:
        """What screen readers are told of the chart (its costs in words: ``spoken_lines``):
        the day the keyboard is on, as it now is (usage comes in every few seconds while
        Codex works: the summary had replaced it, read out in the middle of the days), else
        the summary."""
        if self.hovered is not None and self.hasFocus():
            return self.hover_text(self.hovered)
        return self._summary()

    def _summary(self) -> str:
        chart = self.chart
        if chart is None:
            return EMPTY_TEXT.format(days=30)
        used = [bar for bar in chart.days if bar.tokens]
        if not used:
            return EMPTY_TEXT.format(days=len(chart.days))
        top = max(used, key=self._value)
        return (
            f"{len(used)} of {len(chart.days)} days with usage; the most on {top.label}: "
            + top.tooltip.split("\n")[-1]
        )

    def _value(self, bar: DayBar) -> float:
        if self.mode is ChartMode.COST:
            return bar.cost_usd or 0.0
        return float(bar.tokens)

    def _top(self) -> float:
        chart = self.chart
        if chart is None:
            return 1.0
        if self.mode is ChartMode.COST:
            return nice_ceiling(chart.max_cost)
        if chart.max_tokens < 100:
            # Whole tokens: an even top, so that its half (the middle line) is whole too.
            return float(max(2, 2 * math.ceil(chart.max_tokens / 2)))
        return nice_ceiling(chart.max_tokens)

    def _axis_text(self, value: float) -> str:
        if self.mode is ChartMode.COST:
            if value == 0:
                return "$0"
            if value < 1:
                if abs(value * 100 - round(value * 100)) < 1e-9:
                    return f"${value:.2f}"  # whole cents, as the costs beside it: "$0.20"
                return f"${_decimals(value)}"  # below a cent: as many figures as it takes
            if value >= 1000:
                # "$2.5B": "$2,500,000,000" took a third of a narrow window from the bars.
                return f"${_compact(value)}"
            return money(value).replace(".00", "")
        # As the totals and tables say a count, bound included: a hostile log's day of
        # quadrillions had read "5,000T" on the scale beside totals of ">999T".
        return format_tokens_compact(round(value))

    def scale_labels(self) -> tuple[str, str, str]:
        """The labels of the scale's lines (0, the middle, the top). A middle one that reads
        as the top (both past the largest count said: ">999T") is left out: one line says
        it."""
        top = self._top()
        bottom, middle, highest = (self._axis_text(top * f) for f in (0.0, 0.5, 1.0))
        return bottom, "" if middle == highest else middle, highest

    # -- geometry -------------------------------------------------------------------------

    def _axis_width(self) -> int:
        metrics = self.fontMetrics()
        texts = ["8.88M", "$88.8", self._axis_text(self._top()), self._axis_text(self._top() / 2)]
        return max(metrics.horizontalAdvance(text) for text in texts) + 8

    def plot_rect(self) -> QRectF:
        """Where the bars stand (the axis labels are left of it, the dates under it)."""
        metrics = self.fontMetrics()
        top = metrics.height() // 2 + 2
        bottom = metrics.height() + 6
        return QRectF(self.rect()).adjusted(self._axis_width(), top, -4, -bottom)

    def _slot(self, plot: QRectF) -> float:
        count = len(self.chart.days) if self.chart is not None else 30
        return plot.width() / max(count, 1)

    def bar_rect(self, index: int) -> QRectF:
        """Day ``index``'s whole column (what hovering it covers)."""
        plot = self.plot_rect()
        slot = self._slot(plot)
        return QRectF(plot.left() + index * slot, plot.top(), slot, plot.height())

    def bar_at(self, position: QPoint | QPointF) -> int | None:
        """The day under ``position`` (widget coordinates), or None."""
        chart = self.chart
        if chart is None or not chart.days:
            return None
        plot = self.plot_rect()
        x, y = position.x(), position.y()
        if not (plot.left() <= x < plot.right() and 0 <= y < self.height()):
            return None
        index = int((x - plot.left()) // self._slot(plot))
        return index if 0 <= index < len(chart.days) else None

    def hover_text(self, index: int) -> str:
        """The tooltip of day ``index``: the date, each model's values and the total."""
        if self.chart is None or not 0 <= index < len(self.chart.days):
            return ""
        return self.chart.days[index].tip(self.mode is ChartMode.COST)

    def text_at(self, position: QPoint | QPointF) -> str:
        """The tooltip shown at ``position`` ("" outside the bars)."""
        index = self.bar_at(position)
        return self.hover_text(index) if index is not None else ""

    # -- events ---------------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._hover(self.bar_at(event.position()))
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover(None)
        super().leaveEvent(event)

    def _hover(self, index: int | None) -> None:
        if index != self.hovered:
            self.hovered = index
            self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        days = len(self.chart.days) if self.chart is not None else 0
        key = event.key()
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}
        if not days or key not in (*steps, Qt.Key.Key_Home, Qt.Key.Key_End):
            super().keyPressEvent(event)
            return
        if key == Qt.Key.Key_Home:
            index = 0
        elif key == Qt.Key.Key_End or self.hovered is None:
            index = days - 1  # the first arrow starts from today
        else:
            index = min(max(self.hovered + steps[Qt.Key(key)], 0), days - 1)
        self.choose_day(index)

    def choose_day(self, index: int) -> None:
        """Highlight day ``index`` and show its values by it, as hovering it does (what a
        screen reader reads too)."""
        self._hover(index)
        text = self.hover_text(index)
        self.setAccessibleDescription(spoken_lines(text))
        area = self.bar_rect(index).toAlignedRect()
        # Under the chart, by the day: shown by the day's top, it hid the days around it as
        # the arrows walked them (the tallest of the week among them). Qt puts a tooltip a
        # little below the point it is given, or above it where the screen has no room.
        under = QPoint(area.left(), self.height())
        QToolTip.showText(self.mapToGlobal(under), tooltip_html(text), self, area)

    def show_details(self) -> None:
        """The window's Show details (Ctrl+F1): the day the keyboard is on, else today's."""
        if self.chart is not None and self.chart.days:
            self.choose_day(self.hovered if self.hovered is not None else len(self.chart.days) - 1)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        if self.hovered is not None and not self.underMouse():
            self._hover(None)
            QToolTip.hideText()
        self.setAccessibleDescription(spoken_lines(self._summary()))
        super().focusOutEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()  # its focus frame
        super().focusInEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.bar_at(event.pos())
            if index is None:
                QToolTip.hideText()
                event.ignore()
                return True
            self._hover(index)
            area = self.bar_rect(index).toAlignedRect()
            QToolTip.showText(event.globalPos(), tooltip_html(self.hover_text(index)), self, area)
            return True
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.update()
        return super().event(event)

    # -- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        # The days run left to right in any window (the plot and its scale are not
        # mirrored): in a right-to-left one the painter had flipped the labels' alignment,
        # and the scale's values stood off at the widget's edge, away from their lines.
        painter.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        plot = self.plot_rect()
        muted = muted_color(palette)
        grid = blend(track_color(palette), muted, 0.25)
        top = self._top()
        metrics = self.fontMetrics()
        # The scale: 0, half and the top, each a faint line with its value left of it.
        for fraction, text in zip((0.0, 0.5, 1.0), self.scale_labels(), strict=True):
            y = plot.bottom() - fraction * plot.height()
            painter.setPen(QPen(grid if fraction else muted, 1.0))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(muted)
            label = QRectF(0, y - metrics.height() / 2, self._axis_width() - 6, metrics.height())
            painter.drawText(
                label,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
        chart = self.chart
        if chart is None or not chart.days:
            painter.end()
            return
        slot = self._slot(plot)
        width = max(1.0, min(slot * 0.72, slot - 1.0))
        if self.hovered is not None:
            highlight = QColor(palette.color(QPalette.ColorRole.Highlight))
            highlight.setAlpha(40)
            painter.fillRect(self.bar_rect(self.hovered), highlight)
        painter.setPen(Qt.PenStyle.NoPen)
        cost = self.mode is ChartMode.COST
        for index, bar in enumerate(chart.days):
            x = plot.left() + index * slot + (slot - width) / 2
            segments = bar.cost_segments if cost else bar.segments
            values = [segment.cost_usd if cost else segment.tokens for segment in segments]
            whole = sum(values) / top * plot.height() if top else 0.0
            if cost and whole <= 0 and bar.tokens > 0:
                # Used only models without a price: an outline says the day was not idle.
                painter.setPen(QPen(muted, 1.0))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(QRectF(x + 0.5, plot.bottom() - 4.5, width - 1, 4))
                painter.setPen(Qt.PenStyle.NoPen)
                continue
            base = plot.bottom()
            if 0 < whole < MIN_BAR_PX:
                # Too small to see beside the tallest day: a sliver in its biggest part's colour.
                biggest = segments[values.index(max(values))]
                painter.setBrush(series_color(biggest.color, palette))
                painter.drawRect(QRectF(x, base - MIN_BAR_PX, width, MIN_BAR_PX))
                base -= MIN_BAR_PX
            else:
                for segment, value in zip(segments, values, strict=True):
                    height = value / top * plot.height() if top else 0.0
                    if height <= 0:
                        continue
                    painter.setBrush(series_color(segment.color, palette))
                    painter.drawRect(QRectF(x, base - height, width, height))
                    base -= height
            if cost and bar.unpriced_tokens > 0:
                # Some of the day's use has no price: the outline of the unpriced days, on
                # top of what is priced (the bar alone would read as all of it); over the
                # bar's top where the bar reaches the scale's top (not above the scale).
                painter.setPen(QPen(muted, 1.0))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                outline_top = max(base - 5.5, plot.top() + 0.5)
                painter.drawRect(QRectF(x + 0.5, outline_top, width - 1, 4))
                painter.setPen(Qt.PenStyle.NoPen)
        self._paint_dates(painter, muted)
        if self.hasFocus():
            # The keyboard is here: a frame in the focus colour, around the plot.
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(plot.adjusted(-3.5, -3.5, 3.5, 3.5), 3, 3)
        painter.end()

    def _paint_dates(self, painter: QPainter, color: QColor) -> None:
        painter.setPen(color)
        for box, alignment, text in self.date_labels():
            painter.drawText(box, int(alignment), text)

    def date_labels(self) -> list[tuple[QRect, Qt.AlignmentFlag, str]]:
        """The dates under the bars, as (box, alignment, text): "Today" under the last bar,
        and, of a week, each day where there is room for them all; else the Mondays (the
        weeks) where there is room for them all (past ``WEEKLY_LABELS_DAYS`` days, every
        second, fourth or eighth one, counted back from the last, where there is room for no
        more: 90 days' 13 Mondays do not fit beside each other), with the first day under
        the first bar where it leaves them room (a Monday left out beside it made the weeks
        look uneven: "Sun 1 Nov", then "Mon 9 Nov"), at least half their gap from the first
        of them; else the first day and the middle day where there is room for them. Every
        bar keeps its hover values."""
        chart = self.chart
        if chart is None or not chart.days:
            return []
        plot = self.plot_rect()
        slot = self._slot(plot)
        metrics = self.fontMetrics()
        y = int(plot.bottom()) + 3
        height = metrics.height()
        vcenter = Qt.AlignmentFlag.AlignVCenter
        last = "Today"
        right_width = metrics.horizontalAdvance(last) + 2
        right = QRect(int(plot.right()) - right_width, y, right_width, height)
        labels = [(right, Qt.AlignmentFlag.AlignRight | vcenter, last)]
        first = chart.days[0].label
        left = QRect(int(plot.left()), y, metrics.horizontalAdvance(first) + 2, height)

        def centred(index: int) -> QRect:
            text_width = metrics.horizontalAdvance(chart.days[index].label) + 2
            centre = plot.left() + (index + 0.5) * slot
            return QRect(int(centre - text_width / 2), y, text_width, height)

        def fits(box: QRect) -> bool:
            return all(
                box.left() > other.right() + 12 or box.right() < other.left() - 12
                for other, _alignment, _text in labels
            )

        between = range(1, len(chart.days) - 1)
        if len(chart.days) <= DAILY_LABELS_DAYS:
            every = [i for i in between if fits(centred(i))]
            boxes = [centred(i) for i in every]
            if len(every) == len(between) and every and _apart([left, *boxes]) and fits(left):
                labels += [
                    (box, Qt.AlignmentFlag.AlignCenter, chart.days[i].label)
                    for i, box in zip(every, boxes, strict=True)
                ]
                # The first and "Today" under their bars as the others are, where the widget
                # has room beside them.
                under = centred(0)
                if under.left() >= 0 and _apart([under, *boxes]):
                    labels.append((under, Qt.AlignmentFlag.AlignCenter, first))
                else:
                    labels.append((left, Qt.AlignmentFlag.AlignLeft | vcenter, first))
                centre = plot.left() + (len(chart.days) - 0.5) * slot
                today = QRect(int(centre - right_width / 2), y, right_width, height)
                if today.right() < self.width() and _apart([*boxes, today]):
                    labels[0] = (today, Qt.AlignmentFlag.AlignCenter, last)
                return labels
        # The Mondays clear of "Today"; all of those (of a long period, every few of them),
        # or only the middle day (at 30 days, every other Monday would read as a pattern).
        mondays = [i for i in between if chart.days[i].day.weekday() == 0 and fits(centred(i))]
        steps = LABEL_WEEKS if len(chart.days) > WEEKLY_LABELS_DAYS else LABEL_WEEKS[:1]
        for step in steps:
            # Counted back from the last Monday: the weeks end evenly at "Today".
            taken = mondays[::-1][::step][::-1]
            boxes = [centred(i) for i in taken]
            if len(taken) >= 2 and _apart(boxes):
                labels += [
                    (box, Qt.AlignmentFlag.AlignCenter, chart.days[i].label)
                    for i, box in zip(taken, boxes, strict=True)
                ]
                # The first day too, where it stands at least half the Mondays' gap from the
                # first of them: "Thu 5 Nov" a few pixels from "Mon 9 Nov" had made the
                # weeks look uneven and crowded.
                gap = boxes[1].left() - boxes[0].right()
                if fits(left) and boxes[0].left() - left.right() >= gap / 2:
                    labels.append((left, Qt.AlignmentFlag.AlignLeft | vcenter, first))
                return labels
        if fits(left):
            labels.append((left, Qt.AlignmentFlag.AlignLeft | vcenter, first))
        index = len(chart.days) // 2
        if fits(centred(index)):
            labels.append((centred(index), Qt.AlignmentFlag.AlignCenter, chart.days[index].label))
        return labels


def chart_name(days: int) -> str:
    """The chart's name to screen readers, for a period of ``days`` days."""
    return f"Daily usage, last {days} days"


def _decimals(value: float) -> str:
    """``value`` (below 1) to four significant figures in decimals, never in exponent form
    ("0.00004", where ``:.4g`` says "4e-05"); "1" for a value that rounds up to it, and
    what Python writes for one that is no positive number (none comes from the scale)."""
    rounded = float(f"{value:.4g}")
    if not math.isfinite(rounded) or rounded <= 0:
        return f"{value:g}"
    places = max(0, 3 - math.floor(math.log10(rounded)))
    return f"{rounded:.{places}f}".rstrip("0").rstrip(".")


def _compact(value: float) -> str:
    """A cost's dollars as the token counts read ("2.5B"), in trillions past their largest
    unit, as a cost is said there ("$5,000.00T": it has no bound, as a count has)."""
    if value >= 999.5e12:
        return f"{value / 1e12:,.0f}T"
    return format_tokens_compact(round(value))


def _apart(boxes: list[QRect]) -> bool:
    """Whether boxes in order from left to right keep a gap between each two."""
    return all(later.left() > earlier.right() + 12 for earlier, later in itertools.pairwise(boxes))


#: U+2060: no line break on either side of it, and no width.
WORD_JOINER = "\u2060"


def _unbroken(name: str) -> str:
    """``name`` as rich text that no line break splits: a word joiner between its grapheme
    clusters (hyphens, dashes and ideographs are break opportunities; an emoji sequence or a
    conjunct is one cluster, left whole) and no-break spaces."""
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Grapheme, name)
    units = name.encode("utf-16-le", "surrogatepass")  # Qt counts positions in UTF-16 units
    clusters, start = [], 0
    while (end := finder.toNextBoundary()) > 0:
        cluster = units[2 * start : 2 * end].decode("utf-16-le", "surrogatepass")
        clusters.append("&nbsp;" if cluster == " " else html.escape(cluster))
        start = end
    return WORD_JOINER.join(clusters)


def legend_html(
    chart: ChartView | None,
    palette: QPalette,
    mode: ChartMode = ChartMode.TOKENS,
    fit: Callable[[str], str] | None = None,
    direction: Qt.LayoutDirection = Qt.LayoutDirection.LeftToRight,
) -> str:
    """The models' colours and names of the token bars or the cost bars, as rich text for a
    wrapping label of ``direction``; each name as ``fit`` shows it (cut to a line's width),
    in its own direction (see ``isolate_needed``)."""
    if chart is None:
        return ""
    series, colors = chart.stacking(mode is ChartMode.COST)
    entries = []
    for name, slot in zip(series, colors, strict=True):
        color = series_color(slot, palette).name()
        shown = fit(name) if fit is not None else name
        # Each swatch stays with its whole name; the lines break between entries.
        text = _unbroken(shown)
        if isolate_needed(direction, shown):
            # A name's letters had set the direction of the legend's whole paragraph (a
            # Hebrew model first put every swatch on the wrong side of its name) and of the
            # signs between names ("מודל gpt-5" was split across two entries).
            text = f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
        entries.append(f'<span style="color:{color}">&#9632;</span>&nbsp;{text}')
    if mode is ChartMode.COST and any(bar.unpriced_tokens > 0 for bar in chart.days):
        # What an outline is (see paintEvent): use by models without a price, alone or on top
        # of a day's priced part.
        muted = muted_color(palette).name()
        entries.append(
            f'<span style="color:{muted}">&#9633;</span>&nbsp;{_unbroken(UNPRICED_LEGEND)}'
        )
    # The paragraph in the widget's direction, not its first letter's (a name's).
    side = "rtl" if direction == Qt.LayoutDirection.RightToLeft else "ltr"
    return f'<p dir="{side}">' + "&nbsp;&nbsp; ".join(entries) + "</p>"


def legend_spoken(chart: ChartView | None, mode: ChartMode = ChartMode.TOKENS) -> str:
    """What screen readers are told the legend is: its names whole, with no marks (a rich
    text label is otherwise named by its plain text, isolates and word joiners and all)."""
    if chart is None:
        return ""
    series, _colors = chart.stacking(mode is ChartMode.COST)
    entries = list(series)
    if mode is ChartMode.COST and any(bar.unpriced_tokens > 0 for bar in chart.days):
        entries.append(f"outlined: {UNPRICED_LEGEND}")
    return "Legend: " + ", ".join(entries) if entries else ""


#: The legend asks for room for this many characters of a name (and its swatch): a longer
#: name is cut in its middle to the legend's width, not the page widened for it.
LEGEND_MIN_CHARS = 12


class ChartLegend(QLabel):
    """The chart's legend: a coloured square and each model's name, wrapped as room allows;
    a name wider than the legend is cut in its middle to fit (whole in the tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart: ChartView | None = None
        self.mode = ChartMode.TOKENS
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)

    def set_chart(self, chart: ChartView | None) -> None:
        """Show the models of ``chart``."""
        self.chart = chart
        self._show()

    def set_mode(self, mode: ChartMode) -> None:
        """The models of the token bars or of the cost bars."""
        self.mode = mode
        self._show()

    def _show(self) -> None:
        fitted: dict[str, str] = {}

        def fit(name: str) -> str:
            fitted[name] = self._fitted(name)
            return fitted[name]

        text = legend_html(self.chart, self.palette(), self.mode, fit, self.layoutDirection())
        if text != self.text():
            self.setText(text)
        spoken = legend_spoken(self.chart, self.mode)
        if spoken != self.accessibleName():
            self.setAccessibleName(spoken)
        cut = list(self.chart.cut_names if self.chart is not None else ())
        # Cut here, not before (``LEGEND_NAME_CHARS``): the name is whole already.
        cut += [name for name, shown in fitted.items() if shown != name and "…" not in name]
        set_tooltip(self, "Names cut to fit, in full:\n" + "\n".join(cut) if cut else "")

    def _fitted(self, name: str) -> str:
        """``name`` cut in its middle to the legend's width, beside its swatch."""
        if not self.isVisible():
            return name  # not laid out yet: fitted once shown
        metrics = QFontMetricsF(self.font())
        room = self.contentsRect().width() - metrics.horizontalAdvance("\u25a0\u00a0") - 2
        return elided_key(name, metrics, room)

    def minimumSizeHint(self) -> QSize:
        # Unbroken, a name alone had set the page's least width: a 48-character one widened
        # the window by 31 px (53 px in a 14 pt font).
        hint = super().minimumSizeHint()
        width = min(hint.width(), self.fontMetrics().averageCharWidth() * LEGEND_MIN_CHARS)
        return QSize(width, hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._show()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._show()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
            QEvent.Type.FontChange,
            QEvent.Type.LayoutDirectionChange,  # its paragraph's and its names' marks
        ):
            self._show()
