"""The Usage page: totals, the daily chart, the tables by project and by model, the cache, and
an export of the daily numbers to CSV."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFocusEvent,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QBoxLayout,
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QScrollBar,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from codex_presence_gui.core.formatting import Level
from codex_presence_gui.core.usage_recent import PERIOD_DAYS, RECENT_DAYS
from codex_presence_gui.core.usage_report import (
    COST_LABEL,
    cost_spoken,
    spoken_costs,
    spoken_lines,
)
from codex_presence_gui.services.file_saver import FileSaver
from codex_presence_gui.ui.accessible import (
    FocusRing,
    announce,
    give_focus,
    make_figure,
    press_on_enter,
    read_as_choice,
    read_as_group,
)
from codex_presence_gui.ui.folders import choose_save_file, home_folder
from codex_presence_gui.ui.item_layout import ItemListLayout
from codex_presence_gui.ui.labels import (
    ElidedLabel,
    LeftToRightDelegate,
    elided_key,
    name_drawn_in,
    names_isolated,
    set_tooltip,
    show_as_written,
    unbroken_options,
    wrappable,
    wrapped_label,
)
from codex_presence_gui.ui.scrolling import least_height, make_page, page_room
from codex_presence_gui.ui.sessions_table import AnyIndex, sort_again, sorted_rows_view
from codex_presence_gui.ui.status_details import DetailsDialog, StatusLink
from codex_presence_gui.ui.theme import (
    TintedFrame,
    blend,
    scaled_font,
    set_level_color,
    set_muted,
)
from codex_presence_gui.ui.usage_chart import ChartLegend, ChartMode, UsageChart
from codex_presence_gui.viewmodels.usage import (
    PeriodTotal,
    UsageView,
    kept_colors,
    loading_view,
    problems_details,
    report_command,
)
from codex_presence_gui.viewmodels.usage_table import SortRole, UsageColumn, UsageTableModel

NUMBER_COLUMNS = (UsageColumn.TOKENS, UsageColumn.COST, UsageColumn.SHARE)
#: A table shows this many rows before it scrolls: the page scrolls already, and a second
#: scroll bar inside it is one too many for the dozen or so projects most people have.
TABLE_ROWS = 20
#: The name column keeps at least this many characters.
NAME_MIN_CHARS = 10
#: Side by side, each table's names get their whole width, up to this many characters. The
#: Share column (which the tokens' column says too) hides when it would leave the names fewer
#: characters than this, or than the longest name needs: "codex-experimental-9" must not
#: read "codex-e…ental-9" beside a Share column.
NAME_COMFORT_CHARS = 26
#: What an exported file starts with: UTF-8's byte order mark, which spreadsheets read as
#: "this is UTF-8" (``report --csv`` writes none: its lines go to other programs).
CSV_FILE_MARK = "\ufeff"
#: What the export holds: the page's period (``report daily --csv`` has every day).
DEFAULT_CSV_NAME = "codex-usage-last-30-days.csv"


def csv_name(view: UsageView | None) -> str:
    """The export's file name: its period and the last of its days
    (``codex-usage-30-days-to-2026-12-01.csv``), so that a second day's export is not
    offered the first one's name to save over, nor one period's the other's;
    ``DEFAULT_CSV_NAME`` without days."""
    chart = view.chart if view is not None else None
    if view is None or chart is None or not chart.days:
        return DEFAULT_CSV_NAME
    return f"codex-usage-{view.days}-days-to-{chart.days[-1].day.isoformat()}.csv"


#: How long "Saved …" stays in sight (a failure stays until dismissed or replaced): time to
#: reach its "Show file" (in 8 s, users had missed it).
EXPORT_SAVED_MS = 12000
#: How much longer it stays each time the pointer or the keyboard is found on it.
EXPORT_STAY_MS = 2000
#: Between the export's message and the page's edges.
TOAST_MARGIN = 8
#: Above the page's title and below its last line.
CONTENT_MARGIN = 12
#: How far the message's fill goes from the window colour towards the text's.
TOAST_TINT = 0.08
COST_TIP = f"Bars of {COST_LABEL}"
#: The period chooser's tooltip (its name to screen readers is ``PERIOD_NAME``).
PERIOD_TIP = (
    "The days the chart, the tables, the cache hits and Export CSV… cover (the totals keep "
    "today and the last 7 days)"
)
PERIOD_NAME = "Period"
#: Between the period boxes, and between a flat box's texts.
PERIOD_GAP = 8


class PeriodChooser(QComboBox):
    """The page's period: the last 7, 30 or 90 days, one of them chosen (by default 30).

    Signals:
        days_chosen(int): the user chose another period (with the pointer or the keyboard),
            not ``set_days``.
    """

    days_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for days in PERIOD_DAYS:
            self.addItem(period_choice(days), days)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # Tab, or a click, then the arrows: a wheel turned over the page must scroll it, not
        # change the period under the pointer on its way.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(PERIOD_NAME)
        self.setToolTip(PERIOD_TIP)
        self.set_days(RECENT_DAYS)
        self.activated.connect(self._chosen)

    @property
    def days(self) -> int:
        """The period chosen, in days."""
        return int(self.currentData())

    def set_days(self, days: int) -> None:
        """Show ``days`` as chosen (one of ``PERIOD_DAYS``; another is left as it was)."""
        index = self.findData(days)
        if index >= 0:
            self.setCurrentIndex(index)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # to the page, which scrolls

    def _chosen(self, index: int) -> None:
        self.days_chosen.emit(int(self.itemData(index)))


class ModeButton(QToolButton):
    """One of the chart's modes (tokens, cost), beside the other: flat, checkable, told to
    screen readers as one of two radio buttons (a checkable tool button is told as a check
    box, as if both could be on)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(text)
        self.setCheckable(True)
        self.setAutoRaise(True)
        read_as_choice(self)
        press_on_enter(self)


class _NameDelegate(QStyledItemDelegate):
    """Draws a name elided in its middle, as the view would, but never inside an escape
    (``elided_key``), and in its own direction in a view of either direction
    (``name_drawn_in``)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().initStyleOption(option, index)
        if "\\" in option.text and option.rect.width() > 0:
            # The room the style leaves the text (its margins on either side).
            style = option.widget.style() if option.widget is not None else QApplication.style()
            margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
            room = option.rect.width() - 2 * margin
            option.text = elided_key(option.text, QFontMetricsF(option.font), room)
        option.text = name_drawn_in(option.direction, option.text)


#: What follows a cost that leaves unpriced tokens out ("~$3.40+").
PARTIAL_MARK = "+"


def export_tooltip(home_options: str, days: int = RECENT_DAYS) -> str:
    """What Export saves (the period's ``days``), and the command that saves every day, for
    the page's homes."""
    return (
        f"Save each of the last {days} days' tokens and API-equivalent cost (by model) as a "
        f"CSV file.\nEvery day since your first session: "
        f"{report_command(' --csv', home_options)}"
    )


#: The page's title: the period chooser beside it says which days ("Last 30 days"); "Usage in
#: the last 30 days" and the chooser beside it had made the page's least width 53 px wider.
TITLE = "Usage"


def period_choice(days: int) -> str:
    """``Last 30 days``: a period as the chooser says it."""
    return f"Last {days} days"


def no_cost_tip(days: int) -> str:
    """The cost bars' button's tooltip when it is off: no model of the period has a price."""
    return (
        f"No bars of cost: none of the models used in the last {days} days has a known price "
        "(see the note under the tables)"
    )


def mark_width(widget: QWidget) -> int:
    """The width of ``PARTIAL_MARK`` in ``widget``'s font."""
    return math.ceil(QFontMetricsF(widget.font()).horizontalAdvance(PARTIAL_MARK))


class _CostDelegate(LeftToRightDelegate):
    """Draws a cost without the partial mark ("~$3.17") a mark's width in from the right
    edge when other costs of its table (or of its ledger) carry one ("~$3.60+"): the column
    lines up on its points, as it does on its digits where none does."""

    def __init__(self, table: UsageTable) -> None:
        super().__init__(table)
        self.table = table

    def _indent(self, option: QStyleOptionViewItem, index: AnyIndex, marked: bool) -> int:
        """How far in from the right edge the cell's text is to end (0: at the edge), when
        costs are ``marked``."""
        if not marked or str(index.data() or "").endswith(PARTIAL_MARK):
            return 0
        if option.direction != Qt.LayoutDirection.LeftToRight:
            return 0  # drawn from the left: the costs line up on their starts
        return mark_width(self.table)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        table = self.table
        indent = self._indent(option, index, table.ledger.marks_costs(table))
        if indent:
            option = QStyleOptionViewItem(option)
            option.rect = option.rect.adjusted(0, 0, -indent, 0)
        super().paint(painter, option, index)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        # Room for the indent its own marks ask for ("~$1,234.50" beside "~$3.60+" would be
        # cut otherwise); a ledger takes the room another table's ask for (see ``hint``).
        return self.hint(option, index, self.table.source_model.partial_costs)

    def hint(self, option: QStyleOptionViewItem, index: AnyIndex, marked: bool) -> QSize:
        """The cell's size, its text ending a mark's width in when costs are ``marked``."""
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + self._indent(option, index, marked), hint.height())


class _GutterBar(QScrollBar):
    """A table's scroll bar that, with nothing to scroll, is a blank strip of its rows'
    colour: the room a ledger keeps beside a table that does not scroll (see ``Ledger``)."""

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.maximum() > self.minimum():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().color(QPalette.ColorRole.Base))


class UsageTable(QTableView):
    """A usage table: sorted by a proxy (most tokens first), the numbers' columns as wide as
    their widest text (every row measured, so the width does not depend on what is scrolled
    into view), the name taking the rest and elided in the middle (the whole name is in the
    tooltip); never a horizontal scroll bar, and as tall as its rows (up to ``TABLE_ROWS``).
    When narrow, Share hides before the names get short (``NAME_COMFORT_CHARS``). Under
    another table, it lines up with it (``Ledger``)."""

    def __init__(self, model: UsageTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source_model = model
        self.proxy = sorted_rows_view(
            self,
            model,
            SortRole,
            UsageColumn.TOKENS,
            largest_first=(UsageColumn.TOKENS, UsageColumn.COST, UsageColumn.SHARE),
        )
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setItemDelegateForColumn(UsageColumn.NAME, _NameDelegate(self))
        numbers = LeftToRightDelegate(self)
        for column in NUMBER_COLUMNS:
            self.setItemDelegateForColumn(column, numbers)
        self.cost_delegate = _CostDelegate(self)
        self.setItemDelegateForColumn(UsageColumn.COST, self.cost_delegate)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollBar(_GutterBar(Qt.Orientation.Vertical, self))
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(UsageColumn.NAME, QHeaderView.ResizeMode.Stretch)
        for column in NUMBER_COLUMNS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        #: Its numbers' widths as its own cells and titles ask (``_measure``).
        self.measured_widths: dict[UsageColumn, int] = {}
        self.marked_cost_width = 0  # see ``_measure``
        #: The widths it shows: its own, or its ledger's (``show_widths``).
        self._widths: dict[UsageColumn, int] = {}
        self._longest_name = 0  # the widest name's text, measured with the cells
        #: The widest of the names' first ``NAME_COMFORT_CHARS``.
        self.comfort_name = 0
        #: The tables it reads as one with; alone until a page joins it to others.
        self.ledger = Ledger(self)
        model.modelReset.connect(self._measure)
        model.dataChanged.connect(self._measure)
        model.headerDataChanged.connect(self._measure)  # "Share" or "Cost %"
        header.sortIndicatorChanged.connect(self._measure)
        self._measure()

    def _measure(self) -> None:
        """Measure the numbers' columns: their widest cell or title (the sort arrow too)."""
        header = self.horizontalHeader()
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        widths = {}
        for column in NUMBER_COLUMNS:
            delegate = self.itemDelegateForColumn(column)
            cells = [
                delegate.sizeHint(option, self.proxy.index(row, column)).width()
                for row in range(self.proxy.rowCount())
            ]
            widths[column] = max([header.sectionSizeFromContents(column).width(), *cells]) + 2
        self.measured_widths = widths
        # The cost column's width were its costs marked (another table's are, in a ledger).
        marked = [
            self.cost_delegate.hint(option, self.proxy.index(row, UsageColumn.COST), True).width()
            for row in range(self.proxy.rowCount())
        ]
        cost_title = header.sectionSizeFromContents(UsageColumn.COST).width()
        self.marked_cost_width = max([cost_title, *marked]) + 2
        metrics = self.fontMetrics()
        names = [row.name for row in self.source_model.rows]
        self._longest_name = max((metrics.horizontalAdvance(name) for name in names), default=0)
        # Measured, not counted: "MOBILE-WEB-DASHBOARD-MWDX" is wider than 25 average letters.
        self.comfort_name = max(
            (metrics.horizontalAdvance(name[:NAME_COMFORT_CHARS]) for name in names), default=0
        )
        self.updateGeometry()
        # From what each table keeps measured: the other table is not measured again.
        self.ledger.align()

    def show_widths(self, widths: dict[UsageColumn, int], gutter: bool) -> None:
        """Give the numbers' columns these widths; ``gutter``: keep the scroll bar's room
        whether or not the rows scroll (so that a table that does not scroll lines up with
        one that does)."""
        header = self.horizontalHeader()
        for column, width in widths.items():
            header.resizeSection(column, width)  # nothing done when it is that wide already
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAlwaysOn if gutter else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )
        if self.verticalScrollBarPolicy() != policy:
            self.setVerticalScrollBarPolicy(policy)
        if widths != self._widths:
            self._widths = dict(widths)
            self.updateGeometry()

    @property
    def scrolls(self) -> bool:
        """True when it has more rows than it shows (``TABLE_ROWS``)."""
        return self.source_model.rowCount() > TABLE_ROWS

    def sort_for(self, mode: ChartMode) -> None:
        """Most cost first while the page shows cost, most tokens first while it shows tokens,
        when the rows are in the other mode's first order (by its column, largest first; any
        other order is kept, the user's): by tokens under cost shares, the shares had read out
        of order (13 %, 9 %, 12 %). A user's own "most tokens first" on the cost page cannot
        be told from the first order, and follows the bars too."""
        header = self.horizontalHeader()
        if header.sortIndicatorOrder() != Qt.SortOrder.DescendingOrder:
            return
        was, now = (UsageColumn.TOKENS, UsageColumn.COST)
        if mode is not ChartMode.COST:
            was, now = now, was
        if header.sortIndicatorSection() == was:
            self.sortByColumn(now, Qt.SortOrder.DescendingOrder)

    def sort_off_share(self) -> None:
        """Sorted by Share (hidden), sort by what its shares are of, in the same order: the
        rows had kept Share's order with no title's arrow telling it."""
        header = self.horizontalHeader()
        if header.sortIndicatorSection() != UsageColumn.SHARE:
            return
        of = UsageColumn.COST if self.source_model.cost_shares else UsageColumn.TOKENS
        sort_again(self, of, header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder)

    def share_fits(self) -> bool:
        """True when its names keep ``NAME_COMFORT_CHARS`` (or the whole of the longest)
        beside a Share column, at the widths it shows."""
        room = self.viewport().width() - self._numbers_width()
        return room >= self.comfort_name + 12

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.ledger.fit()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() not in _WINDOW_FOCUS:
            # A table for reading: its highlight only says where the keyboard is. Left on
            # after the focus moved on, two tables had looked picked at once.
            self.clearSelection()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._measure()

    def _numbers_width(self) -> int:
        # Cost's, unless hidden (no cost known); Share's always: it is asked whether it fits.
        hidden = self.isColumnHidden(UsageColumn.COST)
        return sum(
            w for column, w in self._widths.items() if not (hidden and column == UsageColumn.COST)
        )

    def _height(self, rows: int) -> int:
        row = self.verticalHeader().defaultSectionSize()
        return self.horizontalHeader().sizeHint().height() + row * rows + 2 * self.frameWidth() + 2

    def least_width(self, widths: dict[UsageColumn, int]) -> int:
        """Its least width with its numbers' columns this wide (Share hidden: it can hide)."""
        name = self.fontMetrics().averageCharWidth() * NAME_MIN_CHARS + 8
        scroll = self.verticalScrollBar().sizeHint().width()
        numbers = sum(widths.values()) - widths.get(UsageColumn.SHARE, 0)
        return numbers + name + 2 * self.frameWidth() + scroll

    def minimumSizeHint(self) -> QSize:
        return QSize(self.least_width(self._widths), self.sizeHint().height())

    def comfortable_width(self) -> int:
        """The width at which the names show whole (the longest ones elided at
        ``NAME_COMFORT_CHARS`` characters), at its own widths (the page asks it whether
        the tables fit side by side, where each has its own)."""
        least_name = self.fontMetrics().averageCharWidth() * NAME_MIN_CHARS + 8
        roomy = self.least_width(self.measured_widths) + max(self.comfort_name + 12 - least_name, 0)
        return min(self._whole_width(self.measured_widths), roomy)

    def _whole_width(self, widths: dict[UsageColumn, int]) -> int:
        """Its width with every name whole, its numbers' columns this wide."""
        name = self.horizontalHeader().sectionSizeFromContents(UsageColumn.NAME).width()
        name = max(name, self._longest_name + 12)
        scroll = self.verticalScrollBar().sizeHint().width()
        return sum(widths.values()) + name + 2 * self.frameWidth() + scroll

    def sizeHint(self) -> QSize:
        rows = max(1, min(self.source_model.rowCount(), TABLE_ROWS))
        return QSize(self._whole_width(self._widths), self._height(rows))


class _Caption(ElidedLabel):
    """A period's caption, which asks for at least ``preferred`` pixels (flat, the three
    captions ask for the widest one's width, so that the tokens start in line)."""

    def __init__(self) -> None:
        super().__init__(min_chars=4)
        self.preferred = 0

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(hint.width(), self.preferred), hint.height())


#: After a period's cost: an API-equivalent estimate, not what a subscription is billed.
ESTIMATE = "est."
ESTIMATE_SPOKEN = ", estimated"


class PeriodBox(QFrame):
    """One period's total: ``Today``, the tokens in large type, the estimated cost under it;
    or, flat (``set_flat``), the three on one line, the cost at the right end. A Tab stop,
    as the live page's figures: a screen reader says it whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        make_figure(self)
        read_as_group(self)
        self.caption = _Caption()
        self.caption.setFont(scaled_font(self, 0.9))
        self.tokens = ElidedLabel(min_chars=5)
        self.tokens.setFont(scaled_font(self, 1.2, bold=True))
        self.cost = ElidedLabel(min_chars=5)
        self.box_layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.box_layout.setContentsMargins(10, 6, 10, 6)
        self.box_layout.setSpacing(1)
        self.box_layout.addWidget(self.caption)
        self.box_layout.addWidget(self.tokens)
        self.box_layout.addWidget(self.cost)
        self.flat = False

    def set_flat(self, flat: bool) -> None:
        """The three texts one under the other, or on one line."""
        if flat == self.flat:
            return
        self.flat = flat
        layout = self.box_layout
        if flat:
            layout.setDirection(QBoxLayout.Direction.LeftToRight)
            layout.setSpacing(PERIOD_GAP)
            layout.insertStretch(2, 1)  # between the tokens and the cost
            self.cost.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        else:
            layout.takeAt(2)
            layout.setDirection(QBoxLayout.Direction.TopToBottom)
            layout.setSpacing(1)
            self.cost.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Its parent's layout keeps the sizes it asked for before until told: the page's
        # least width read then was that of three flat boxes side by side (the full layout
        # flipped to the compact one between 440 and 454 px).
        self.updateGeometry()

    def set_caption_width(self, width: int) -> None:
        """Have the caption ask for ``width`` pixels at least (0: its own width)."""
        if width != self.caption.preferred:
            self.caption.preferred = width
            self.caption.updateGeometry()

    def whole_width(self, flat: bool) -> int:
        """The width at which every text shows whole, standing up or flat."""
        widths = [label.sizeHint().width() for label in (self.caption, self.tokens, self.cost)]
        margins = self.box_layout.contentsMargins()
        inner = sum(widths) + 2 * PERIOD_GAP if flat else max(widths)
        return inner + margins.left() + margins.right() + 2 * self.frameWidth()

    def show_total(self, total: PeriodTotal) -> None:
        """Show one period."""
        self.caption.set_full_text(total.label)
        self.tokens.set_full_text(total.tokens_text)
        # The first costs the page shows, so they say what they are where they stand (the
        # page's note on it is below the tables); not "$0.00" of no calls, nor "cost
        # unknown" (the costs that ``approx_money`` marks as estimates: "~$3.40", "<$0.01").
        estimated = total.cost_text.startswith(("~", "<"))
        self.cost.set_full_text(f"{total.cost_text} {ESTIMATE}" if estimated else total.cost_text)
        set_muted(self.caption)
        set_muted(self.cost)
        set_tooltip(self, total.tooltip)
        # "1.2 million tokens, about $3.40", not "1.2 M tokens, tilde $3.40"
        spoken = f"{spoken_costs(total.tokens_text)}, {cost_spoken(total.cost_text)}"
        if estimated:
            spoken += ESTIMATE_SPOKEN
        self.setAccessibleName(f"{total.label}: {spoken}")


class Ledger:
    """Tables that read as one, one under the other (``joined``): each number column as wide
    in every table as in the one that needs it widest, Share shown in all or in none, and
    the scroll bar's room kept in all when one scrolls; so the numbers line up from table to
    table and the names, as wide in each, are cut alike.
    Apart (side by side), each table has its own widths: there its columns line up with no
    other's, and widths of its own leave its names the most room. Share shows in both or in
    neither, joined or apart: two tables side by side had shown different columns.

    Cheap on each refresh: it reads the widths each table keeps measured, and re-measures
    none.
    """

    def __init__(self, *tables: UsageTable) -> None:
        self.tables = tables
        self.joined = False
        for table in tables:
            table.ledger = self

    def widths(self) -> dict[UsageColumn, int]:
        """Each number column's width in the tables joined: the widest of theirs (the cost
        column's as if every table's costs were marked when one's are, see
        ``marks_costs``)."""
        marked = any(table.source_model.partial_costs for table in self.tables)
        widths = {}
        for column in NUMBER_COLUMNS:
            widths[column] = max(
                table.marked_cost_width
                if column == UsageColumn.COST and marked
                else table.measured_widths.get(column, 0)
                for table in self.tables
            )
        return widths

    def marks_costs(self, table: UsageTable) -> bool:
        """True when ``table``'s costs without a partial mark end a mark's width in: some
        cost of its own has one, or, joined, some cost of another table (so that the costs
        line up on their points from table to table)."""
        if self.joined:
            return any(other.source_model.partial_costs for other in self.tables)
        return table.source_model.partial_costs

    def join(self, joined: bool) -> None:
        """Line the tables up (one under the other), or let each have its own widths."""
        if joined != self.joined:
            self.joined = joined
            self.align()

    def align(self) -> None:
        """Give every table its numbers' widths (after one has measured its cells anew)."""
        shared = self.widths() if self.joined else None
        gutter = self.joined and any(table.scrolls for table in self.tables)
        for table in self.tables:
            table.show_widths(shared or table.measured_widths, gutter)
        self.fit()

    def fit(self) -> None:
        """Hide Share where the names would be cut short with it shown: in every table as
        soon as one would. With no cost known in any row, Cost is hidden first: a column of
        dashes had kept its room while Share, the one number to compare rows by, went."""
        costless = not any(
            row.cost_usd is not None for table in self.tables for row in table.source_model.rows
        )
        for table in self.tables:
            table.setColumnHidden(UsageColumn.COST, costless)
        fit = all(table.share_fits() for table in self.tables)
        for table in self.tables:
            table.setColumnHidden(UsageColumn.SHARE, not fit)
            if not fit:
                table.sort_off_share()


class TablesBox(QWidget):
    """Holds the two tables, side by side or one under the other (``UsagePage`` decides;
    one under the other, their ``ledger`` lines them up).

    Its least width is the one of the tables one under the other, whichever way they stand:
    the page puts them side by side only when both fit.
    """

    def __init__(self, *tables: UsageTable) -> None:
        super().__init__()
        self.tables = tables
        self.ledger = Ledger(*tables)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        widths = self.ledger.widths()
        width = max(table.least_width(widths) for table in self.tables)
        return QSize(width, hint.height())


class TitleRow(ItemListLayout):
    """A title and its button: on one line, the button at the line's end, where the line
    holds both; else the button under the title, at its start (mirrored right to left). Its
    least width is the wider of the two, one line's its ``sizeHint``: on a 320-px screen,
    the Usage page's title and Export button on one line had been 13 px wider than the
    page's view, which scrolled sideways."""

    def __init__(self, title: QWidget, button: QWidget) -> None:
        super().__init__()
        #: Between the title and the button on one line.
        self.gap = 8
        #: Between the title and the button under it.
        self.line_gap = 6
        self.addWidget(title)
        self.addWidget(button)

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def _sizes(self) -> tuple[QSize, QSize]:
        """The title's and the button's own sizes."""
        title, button = self._items
        return title.sizeHint(), button.sizeHint()

    def _line_width(self) -> int:
        title, button = self._sizes()
        return title.width() + self.gap + button.width()

    def on_one_line(self, width: int) -> bool:
        """Whether the title and the button stand on one line at ``width`` (margins in)."""
        margins = self.contentsMargins()
        return width - margins.left() - margins.right() >= self._line_width()

    def _grown(self, size: QSize) -> QSize:
        """``size`` with the margins."""
        return size.grownBy(self.contentsMargins())

    def sizeHint(self) -> QSize:
        title, button = self._sizes()
        return self._grown(QSize(self._line_width(), max(title.height(), button.height())))

    def minimumSize(self) -> QSize:
        title, button = (item.minimumSize() for item in self._items)
        height = max(title.height(), button.height())
        return self._grown(QSize(max(title.width(), button.width()), height))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        title, button = self._sizes()
        if self.on_one_line(width):
            height = max(title.height(), button.height())
        else:
            height = title.height() + self.line_gap + button.height()
        margins = self.contentsMargins()
        return height + margins.top() + margins.bottom()

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        area = rect.marginsRemoved(self.contentsMargins())
        title, button = self._sizes()
        title_width = min(title.width(), area.width())
        if self.on_one_line(rect.width()):
            line = max(title.height(), button.height())
            title_rect = QRect(area.left(), area.top(), title_width, line)
            top = area.top() + (line - button.height()) // 2
            button_rect = QRect(area.right() + 1 - button.width(), top, *button.toTuple())
        else:
            title_rect = QRect(area.left(), area.top(), title_width, title.height())
            top = title_rect.bottom() + 1 + self.line_gap
            button_rect = QRect(area.left(), top, *button.toTuple())
        # Mirrored right to left, as Qt's own layouts are.
        parent = self.parentWidget()
        direction = (
            parent.layoutDirection() if parent is not None else QApplication.layoutDirection()
        )
        for item, logical in zip(self._items, (title_rect, button_rect), strict=True):
            item.setGeometry(QStyle.visualRect(direction, area, logical))


#: Ways the user moves the keyboard's focus (not the window's own choice on showing).
_USER_FOCUS = (
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.MouseFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
)
#: The focus leaving and coming back with the window, a menu or a popup.
_WINDOW_FOCUS = (
    Qt.FocusReason.ActiveWindowFocusReason,
    Qt.FocusReason.PopupFocusReason,
    Qt.FocusReason.MenuBarFocusReason,
)


class ExportToast(TintedFrame):
    """What an export did, along the foot of the page's visible part (placed there, not in
    the page's layout; the page leaves room under its last line for it, see
    ``UsagePage._fit_foot_room``): the file's path with a "Show file" button, or the reason it
    could not be written (in the colour of a problem); either with a dismiss button.

    Signals:
        reveal(Path): "Show file" was clicked.
        dismissed(): the user closed the message.
    """

    reveal = Signal(Path)
    dismissed = Signal()

    def __init__(self, page: QScrollArea) -> None:
        super().__init__(page)
        self.page = page
        self.file: Path | None = None
        self.setObjectName("exportToast")
        # Opaque, and apart from the page: its numbers scroll under it.
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # A group named by the message, as a notice is: a frame is told as one, which AT-SPI
        # keeps for windows.
        read_as_group(self)
        # Cut in the middle: a long path keeps its file name, and a failure its reason.
        self.label = ElidedLabel(min_chars=4, mode=Qt.TextElideMode.ElideMiddle)
        self.label.setFont(scaled_font(self, 0.9))
        self.show_button = QToolButton()
        self.show_button.setText("Show file")
        self.show_button.setAutoRaise(True)
        self.show_button.clicked.connect(self._reveal)
        self.dismiss_button = QToolButton()
        self.dismiss_button.setText("✕")
        self.dismiss_button.setToolTip("Dismiss")
        self.dismiss_button.setAccessibleName("Dismiss the export message")
        self.dismiss_button.setAutoRaise(True)
        self.dismiss_button.clicked.connect(self.dismissed)
        press_on_enter(self.show_button, self.dismiss_button)
        line = QHBoxLayout(self)
        line.setContentsMargins(8, 2, 2, 2)
        line.setSpacing(4)
        line.addWidget(self.label, 1)
        line.addWidget(self.show_button)
        line.addWidget(self.dismiss_button)
        #: True while the user has moved the keyboard's focus onto one of its buttons (Qt
        #: may also give it one by itself, when it shows in a window where nothing has it).
        self.keyboard_on_it = False
        for button in (self.show_button, self.dismiss_button):
            button.installEventFilter(self)
        self.apply_tint()
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QFocusEvent) and event.reason() not in _WINDOW_FOCUS:
            # The window losing and getting back the focus (a file manager opened by Show
            # file, a menu) leaves the keyboard where it was.
            if event.type() == QEvent.Type.FocusIn:
                self.keyboard_on_it = event.reason() in _USER_FOCUS
            elif event.type() == QEvent.Type.FocusOut:
                self.keyboard_on_it = False
        return False

    def tint(self, window: QColor, palette: QPalette) -> QColor:
        return blend(window, palette.color(QPalette.ColorRole.WindowText), TOAST_TINT)

    def say(
        self,
        message: str,
        *,
        file: Path | None = None,
        problem: bool = False,
        paths: Sequence[str] = (),
    ) -> None:
        """Show ``message``: about a saved ``file`` (which "Show file" opens), else until it is
        dismissed; a ``problem`` in the colour of one. The ``paths`` in it are drawn left to
        right in a window of either direction (see ``path_isolated``)."""
        self.file = file
        self.label.set_full_text(message, paths=paths)
        self.setAccessibleName(message)
        if problem:  # not as plain text
            set_level_color(self.label, Level.LOW)
        else:
            set_muted(self.label)
        if file is not None:
            set_tooltip(self.show_button, f"Open the folder that holds {file.name}")
            self.show_button.setAccessibleName(f"Show {file.name} in its folder")
        self.show_button.setVisible(file is not None)
        self.show()
        self.place()
        self.raise_()

    def clear(self) -> None:
        """Take the message away."""
        self.hide()
        self.file = None
        self.label.set_full_text("")

    def place(self) -> None:
        """Along the foot of the page's visible part, inside its margins."""
        if self.isHidden():
            return
        viewport = self.page.viewport().geometry()
        width = max(viewport.width() - 2 * TOAST_MARGIN, 0)
        height = self.sizeHint().height()
        self.setGeometry(
            viewport.left() + TOAST_MARGIN,
            viewport.bottom() + 1 - TOAST_MARGIN - height,
            width,
            height,
        )

    def _reveal(self) -> None:
        if self.file is not None:
            self.reveal.emit(self.file)


class UsagePage(QScrollArea):
    """Where the usage went in the last 7, 30 or 90 days (the period chooser beside Export),
    and what it would have cost on the API.

    Signals:
        export_done(str): what an export ended with: "Saved <path>", or why it could not
            be written (the message shown).
        reveal(Path): the user asked to see the file just exported.
        mode_chosen(ChartMode): the user chose bars of tokens or of cost (to keep).
        days_chosen(int): the user chose another period, in days (to read, and to keep);
            the page shows the period it has until the new one's view comes.
        colors_changed(dict): the models' colours in the charts changed (to keep, for the
            next start: ``set_model_colors``).
    """

    export_done = Signal(str)
    reveal = Signal(Path)
    mode_chosen = Signal(ChartMode)
    days_chosen = Signal(int)
    colors_changed = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # No Tab stop of its own, where nothing would show the focus: Page Up and Down from
        # the chart and the buttons scroll the page (a table scrolls its own rows). It holds
        # the keyboard while an export saves (see ``export_csv``), said by its name.
        make_page(self, "usagePage", "Usage")
        self.view: UsageView | None = None
        #: Each model's colour in the charts shown so far (``kept_colors``): a model keeps it
        #: from period to period and day to day, and from one run to the next
        #: (``set_model_colors``, ``colors_changed``).
        self._model_colors: dict[str, int] = {}

        content = QWidget()
        content.setObjectName("usageContent")
        self.title = QLabel(TITLE)
        self.title.setFont(scaled_font(self, 1.1, bold=True))
        # Before Export, as it stands: Tab reaches the period first.
        self.period = PeriodChooser()
        self.period.days_chosen.connect(self._days_chosen)
        self.export_button = QPushButton()
        show_as_written(self.export_button, (self.export_button.setText, "Export CSV…"))
        self.export_button.setToolTip(export_tooltip(""))
        self.export_button.clicked.connect(self._choose_export)
        press_on_enter(self.export_button)
        # The period and Export stay together: under the title, where the line is short.
        title_controls = QHBoxLayout()
        title_controls.setContentsMargins(0, 0, 0, 0)
        title_controls.setSpacing(6)
        title_controls.addWidget(self.period)
        title_controls.addWidget(self.export_button)
        self.title_controls = QWidget()
        self.title_controls.setLayout(title_controls)
        self.header = TitleRow(self.title, self.title_controls)

        self.message = wrapped_label(1.0)
        self.notice = wrapped_label()
        # Opens every problem whole: the tooltip names the first few, out of the keyboard's
        # reach.
        self.problems = StatusLink()
        self.problems.setFont(scaled_font(self, 0.9))
        self.problems.clicked.connect(self.show_problems_details)
        self.problems_dialog: DetailsDialog | None = None
        # Along the page's foot, not in its layout: saying what an export did must not push
        # the numbers down from the top (and up again when it goes); the room it needs is
        # left under the page's last line.
        self.export_row = ExportToast(self)
        self.export_row.reveal.connect(self.reveal)
        self.export_row.dismissed.connect(self._clear_export_status)
        self.export_status = self.export_row.label
        self.export_dismiss = self.export_row.dismiss_button
        self.export_show = self.export_row.show_button
        #: Where the last export of this run went: the next one starts there.
        self._export_folder: Path | None = None
        # In its own thread: a slow or hung folder (a network share) must not freeze the
        # window while it takes the file.
        self.saver = FileSaver(self)
        self.saver.saved.connect(self._export_saved)
        self.saver.failed.connect(self._export_failed)
        #: Whether Export had the keyboard when a save turned it off.
        self._refocus_export = False
        # A success is said for a moment only; a failure stays until dismissed.
        self.export_status_timer = QTimer(self)
        self.export_status_timer.setSingleShot(True)
        self.export_status_timer.timeout.connect(self._saved_said)

        self.periods = [PeriodBox() for _ in range(3)]
        self.totals = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.totals.setSpacing(PERIOD_GAP)
        for box in self.periods:
            self.totals.addWidget(box, 1)
        self.totals_box = QWidget()
        self.totals_box.setLayout(self.totals)
        self.totals.setContentsMargins(0, 0, 0, 0)

        self.chart_title = QLabel("By day")
        self.chart_title.setFont(scaled_font(self, 1.0, bold=True))
        self.tokens_button = ModeButton("Tokens")
        self.cost_button = ModeButton("Cost (est.)")
        set_tooltip(self.cost_button, COST_TIP)
        self.tokens_button.setToolTip("Bars of tokens")
        self.mode_group = QButtonGroup(self)
        for button in (self.tokens_button, self.cost_button):
            self.mode_group.addButton(button)
        self.tokens_button.setChecked(True)
        self.mode_group.buttonToggled.connect(self._mode_toggled)
        self.mode_group.buttonClicked.connect(self._mode_clicked)
        #: The bars the user asked for: cost ones come back once prices are known again.
        self._wanted_mode = ChartMode.TOKENS
        chart_header = QHBoxLayout()
        chart_header.setSpacing(4)
        chart_header.addWidget(self.chart_title)
        chart_header.addStretch(1)
        chart_header.addWidget(self.tokens_button)
        chart_header.addWidget(self.cost_button)
        self.chart_header = QWidget()
        self.chart_header.setLayout(chart_header)
        chart_header.setContentsMargins(0, 0, 0, 0)
        self.chart = UsageChart()
        self.legend = ChartLegend()
        self.legend.setFont(scaled_font(self, 0.9))
        self.cache = wrapped_label(1.0)

        self.project_model = UsageTableModel("Project", self)
        self.model_model = UsageTableModel("Model", self)
        self.project_table = UsageTable(self.project_model)
        self.project_table.setAccessibleName("Usage by project")
        self.model_table = UsageTable(self.model_model)
        self.model_table.setAccessibleName("Usage by model")
        self.project_title = QLabel("By project")
        self.model_title = QLabel("By model")
        self.tables = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.tables.setSpacing(12)
        for title, table in (
            (self.project_title, self.project_table),
            (self.model_title, self.model_table),
        ):
            title.setFont(scaled_font(self, 1.0, bold=True))
            stack = QVBoxLayout()
            stack.setSpacing(4)
            stack.addWidget(title)
            stack.addWidget(table)
            stack.addStretch(1)
            self.tables.addLayout(stack, 1)
        self.tables_box = TablesBox(self.project_table, self.model_table)
        self.tables_box.setLayout(self.tables)
        self.tables.setContentsMargins(0, 0, 0, 0)
        self.footnote = wrapped_label()

        layout = QVBoxLayout(content)
        layout.setContentsMargins(14, CONTENT_MARGIN, 14, CONTENT_MARGIN)
        layout.setSpacing(6)
        layout.addLayout(self.header)
        layout.addWidget(self.message)
        layout.addWidget(self.notice)
        # As wide as its text: a click beside it opens nothing.
        layout.addWidget(self.problems, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.totals_box)
        layout.addWidget(self.chart_header)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.cache)
        layout.addWidget(self.tables_box)
        layout.addWidget(self.footnote)
        self.spacer = QWidget()
        layout.addWidget(self.spacer, 1)
        self.setWidget(content)
        self.content = content
        # The export's message is tabbed to right after Export CSV…, which it is about:
        # made before the page's content, its buttons had come first, before Export.
        QWidget.setTabOrder(self.export_button, self.export_show)
        QWidget.setTabOrder(self.export_show, self.export_dismiss)
        self.focus_ring = FocusRing(content)  # round the period's total the keyboard is on
        self.content_layout = layout
        self._numbers = [
            self.totals_box,
            self.chart_header,
            self.chart,
            self.legend,
            self.cache,
            self.tables_box,
            self.footnote,
        ]
        self.show_view(loading_view())

    # -- content --------------------------------------------------------------------------

    def set_model_colors(self, colors: dict[str, int]) -> None:
        """The models' colours kept from the last run, for the charts to come."""
        self._model_colors = dict(colors)

    def show_view(self, view: UsageView) -> None:
        """Show one update (cheap when nothing changed)."""
        if view == self.view:
            return
        self.view = view
        ready = view.ready
        self.export_button.setToolTip(export_tooltip(view.home_options, view.days))
        self._show_message()
        self.message.setVisible(bool(view.message))
        # A long folder's name (the cache's) breaks anywhere rather than widen the page.
        self.notice.setText(wrappable(view.notice))
        self.notice.setAccessibleName(view.notice)
        self.notice.setVisible(bool(view.notice))
        set_muted(self.notice)
        shorter = (view.problems_short,) if view.problems_short else ()
        # Named without the warning sign, which screen readers read out ("warning sign, 2
        # problems"), as the status bar's problems item is.
        spoken = view.problems_text.removeprefix("⚠").strip()
        self.problems.set_full_text(
            view.problems_text, view.problems_tooltip, shorter=shorter, spoken=spoken
        )
        self.problems.setVisible(bool(view.problems_text))
        set_level_color(self.problems, Level.WARN)
        self._update_problems_details()
        for widget in self._numbers:
            widget.setVisible(ready)
        self.spacer.setVisible(not ready)
        self._enable_export()
        if not ready:
            return
        # Two totals for the last 7 days (today's and the week's), else three.
        for number, box in enumerate(self.periods):
            if number < len(view.totals):
                box.show_total(view.totals[number])
            box.setVisible(number < len(view.totals))
        chart = view.chart
        if chart is not None:
            chart, colors = kept_colors(chart, self._model_colors)
            if colors != self._model_colors:
                self._model_colors = colors
                self.colors_changed.emit(colors)
        self.chart.set_chart(chart)
        self.legend.set_chart(chart)
        priced = chart is not None and chart.priced
        self.cost_button.setEnabled(priced)
        # Off, it says why: greyed out alone, it had read as broken.
        set_tooltip(self.cost_button, COST_TIP if priced else no_cost_tip(view.days))
        if not priced:
            self.tokens_button.setChecked(True)
        elif self._wanted_mode is ChartMode.COST:
            self.cost_button.setChecked(True)
        self.cache.setText(view.cache_text)
        set_tooltip(self.cache, view.cache_tooltip)
        # Its savings in words: "~$0.60+" had been read "tilde dollar 0.60 plus".
        self.cache.setAccessibleName(spoken_lines(view.cache_text))
        self.cache.setAccessibleDescription(spoken_lines(view.cache_tooltip))
        for model in (self.project_model, self.model_model):
            model.set_days(view.days)
        self.project_model.show_rows(view.projects)
        self.model_model.show_rows(view.models)
        self._arrange()
        self._fit_height()
        self._show_footnote()
        set_muted(self.footnote)

    @property
    def days(self) -> int:
        """The period chosen, in days (the view shown may still be of the one before)."""
        return self.period.days

    def set_days(self, days: int) -> None:
        """Choose a period of ``days`` days (kept from before), as the chooser would, without
        ``days_chosen``: the feed is told by whoever calls this."""
        self.period.set_days(days)

    def _days_chosen(self, days: int) -> None:
        self.days_chosen.emit(days)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LayoutDirectionChange:
            self._show_footnote()  # its names' marks follow the direction
            self._show_message()  # and its folders'

    def _show_message(self) -> None:
        """Why there are no numbers, the folders it names drawn left to right in a window of
        either direction (see ``path_isolated``): "/home/פרויקט/שלב" had had its last two
        folders turned round. Screen readers are told it unmarked."""
        view = self.view
        if view is None:
            return
        direction = self.layoutDirection()
        message = view.message
        # A folder called by a hash, with nowhere to break, had made the page as wide as it.
        isolated = names_isolated(message, message, (), direction, paths=view.message_paths)
        self.message.setText(wrappable(unbroken_options(isolated)))
        self.message.setAccessibleName(message)

    def _show_footnote(self) -> None:
        """The days' zone where ``TZ`` names none the system has, the cost's note, and the
        note on models without a price, each model's name in its own direction in a window of
        either direction (``names_isolated``, looked for in that note alone): "نموذج-" had its
        "-" on the wrong side. Screen readers are told the notes unmarked."""
        view = self.view
        if view is None or not view.ready:
            return
        # The days' zone first: every bar and total depends on it (no cost note when
        # nothing is priced).
        notes = [note for note in (view.zone_note, view.cost_note) if note]
        drawn = list(notes)
        if view.unpriced_text:
            notes.append(view.unpriced_text)
            direction = self.layoutDirection()
            text = view.unpriced_text
            drawn.append(names_isolated(text, text, view.unpriced_names, direction))
        # A long model's name breaks anywhere: whole, a proxy's 120-character id had made
        # the page's least width 1,330 px (and a smaller window fell to the compact layout).
        self.footnote.setText(wrappable("\n".join(drawn)))
        self.footnote.setAccessibleName("\n".join(notes))

    def show_problems_details(self) -> None:
        """Every problem met reading the logs, whole, in a window of its own."""
        if self.problems_dialog is None:
            self.problems_dialog = DetailsDialog("Problems in Codex's logs", self)
        self._update_problems_details()
        self.problems_dialog.present()

    def _update_problems_details(self) -> None:
        # Open, the window follows the logs (problems gone, it says so).
        if self.problems_dialog is not None and self.view is not None:
            self.problems_dialog.show_text(
                *problems_details(self.view.problems, self.view.problems_dating)
            )

    def set_mode(self, mode: ChartMode) -> None:
        """Bars of tokens or of estimated cost (as the buttons do; cost ones once the prices
        are known)."""
        self._wanted_mode = mode
        button = self.cost_button if mode is ChartMode.COST else self.tokens_button
        if button.isEnabled():
            button.setChecked(True)

    def _mode_clicked(self, button: QAbstractButton) -> None:
        self._wanted_mode = ChartMode.COST if button is self.cost_button else ChartMode.TOKENS
        self.mode_chosen.emit(self._wanted_mode)

    def _mode_toggled(self, button: QToolButton, checked: bool) -> None:
        if checked:
            # The pair's one Tab stop on the mode shown, as a radio group's is on its checked
            # button: Qt moves it only with the focus, which a click does not take, and Tab
            # had come to the mode not shown (to Tokens on a start with cost bars).
            for each in (self.tokens_button, self.cost_button):
                each.setFocusPolicy(
                    Qt.FocusPolicy.TabFocus if each is button else Qt.FocusPolicy.NoFocus
                )
            mode = ChartMode.COST if button is self.cost_button else ChartMode.TOKENS
            self.chart.set_mode(mode)
            self.legend.set_mode(mode)
            for model in (self.project_model, self.model_model):
                model.show_cost_shares(mode is ChartMode.COST)
            for table in (self.project_table, self.model_table):
                table.sort_for(mode)

    # -- export ---------------------------------------------------------------------------

    def _choose_export(self) -> None:
        # (Reached with the keyboard, Export is ringed again once the dialog has closed: see
        # ``RingsKept``.) The days the name offered says: the feed's next view arrives while
        # the dialog is open (a new day's had put the 30 days to it in a file named for the
        # day before).
        shown = self.view
        days = shown.days if shown is not None else self.period.days
        # In the folder of the last export (of this run), else the home folder (if any).
        path = choose_save_file(
            self,
            f"Export the last {days} days",
            str(self._export_folder or home_folder()),
            csv_name(shown),
            ["CSV files (*.csv)", "All files (*)"],
        )
        if path:
            self.export_csv(Path(path), shown)

    def export_csv(self, path: Path, view: UsageView | None = None) -> bool:
        """Start writing the daily report's CSV (each day, each model) of ``view`` (default:
        the page's) to ``path``, in the saver's thread; True when it started (False: nothing
        to export, or a save runs).

        Meanwhile the page says "Saving <name>…" and Export is off (one write at a time).
        How it ended is said over the page's foot (and in ``export_done``): a success for
        ``EXPORT_SAVED_MS``, a failure until dismissed or until the next export.
        """
        if view is None:
            view = self.view
        if view is None or not view.csv_text:
            self._export_failed_with("Nothing to export yet.")
            return False
        # Whole or not at all (``paths.save_text``): a full disk must not leave half of a
        # file written over. A byte order mark first: Excel reads a CSV without one in the
        # system's code page, and a project named "café" or "プロジェクト" came out garbled
        # (LibreOffice, Numbers and Google Sheets take the mark as UTF-8's too).
        if not self.saver.save(path, CSV_FILE_MARK + view.csv_text):
            return False
        self.export_status_timer.stop()
        self._toast(f"Saving {path.name}…", paths=(path.name,))
        # Turned off with the keyboard on it, the button would hand it on to the next
        # control (the first total, ringed for the save's while): the page, which draws no
        # focus, holds it, and Export gets it back once the save ends, unless the user has
        # put it elsewhere meanwhile. The window's place for the keyboard, not the keyboard:
        # the save starts as the file dialog closes, before the window is active again.
        self._refocus_export = self.window().focusWidget() is self.export_button
        if self._refocus_export:
            give_focus(self)
        self._enable_export()
        return True

    @property
    def saving(self) -> bool:
        """True while an export is being written."""
        return self.saver.running

    def stop_export(self, timeout_ms: int) -> bool:
        """Give up an export in progress (the app quits): the file that was at its path stays
        as it was; True when its thread ended within ``timeout_ms`` (else it is kept until it
        ends, see ``services.worker``)."""
        if not self.saver.running:
            return True
        ended = self.saver.stop(timeout_ms)
        self._clear_export_status()
        self._enable_export()
        return ended

    def _enable_export(self) -> None:
        view = self.view
        ready = view is not None and view.ready and bool(view.csv_text)
        enabled = ready and not self.saver.running
        self.export_button.setEnabled(enabled)
        if enabled and self._refocus_export:
            self._refocus_export = False
            if self.window().focusWidget() in (None, self):
                give_focus(self.export_button)

    def _export_saved(self, path: Path) -> None:
        self._export_folder = path.parent
        self._enable_export()
        message = f"Saved {path}"
        self._toast(message, file=path, paths=(str(path),))
        self.export_status_timer.start(EXPORT_SAVED_MS)
        self.export_done.emit(message)

    def _export_failed(self, path: Path, reason: str) -> None:
        self._enable_export()
        self._export_failed_with(f"Could not write {path}: {reason}", paths=(str(path),))

    def _export_failed_with(self, message: str, *, paths: Sequence[str] = ()) -> None:
        self.say(message, problem=True, paths=paths)
        self.export_done.emit(message)

    def say(self, message: str, *, problem: bool = False, paths: Sequence[str] = ()) -> None:
        """Say something about the last export (over the page's foot) until it is dismissed;
        the ``paths`` in it drawn left to right (see ``path_isolated``)."""
        self.export_status_timer.stop()
        self._toast(message, problem=problem, paths=paths)

    def _toast(
        self,
        message: str,
        *,
        file: Path | None = None,
        problem: bool = False,
        paths: Sequence[str] = (),
    ) -> None:
        self.export_row.say(message, file=file, problem=problem, paths=paths)
        self._fit_foot_room()
        # The keyboard stays on Export CSV…: how the save went is said, not only shown.
        announce(self.export_row, message, urgent=problem)

    def _fit_foot_room(self) -> None:
        """Room under the page's last line while the message shows, so that the message never
        lies over it. On a page that scrolls, the room lengthens the scroll and moves
        nothing; on one that fits, the chart gives it up for the message's while (lying over
        the foot, the message had hidden the cost note but for the tops of its letters)."""
        shown = not self.export_row.isHidden()
        self._foot_room(self.export_row.sizeHint().height() + TOAST_MARGIN if shown else 0)

    def _saved_said(self) -> None:
        """The "Saved …" message's while is over: it goes, unless the pointer or the keyboard
        is on it (its Show file button would go from under them)."""
        toast = self.export_row
        shown = toast.isVisible()  # not with the page out of sight (the Live page, the tray)
        pointed = shown and toast.rect().contains(toast.mapFromGlobal(QCursor.pos()))
        if pointed or (shown and toast.keyboard_on_it):
            self.export_status_timer.start(EXPORT_STAY_MS)
            return
        self._clear_export_status()

    def _clear_export_status(self) -> None:
        self.export_status_timer.stop()
        self.export_row.clear()
        self._foot_room(0)

    def _foot_room(self, extra: int) -> None:
        margins = self.content_layout.contentsMargins()
        if margins.bottom() != CONTENT_MARGIN + extra:
            margins.setBottom(CONTENT_MARGIN + extra)
            self.content_layout.setContentsMargins(margins)
            self._fit_height()

    # -- layout ---------------------------------------------------------------------------

    def minimumSizeHint(self) -> QSize:
        # As wide as the content needs (it never scrolls sideways), as tall as a few lines:
        # the page scrolls up and down. Wide enough for the title and Export on one line
        # too, as a window narrowed by hand keeps them: Export goes under the title only in
        # a window cut to a screen narrower than that (see ``MainWindow._fit_width``).
        margins = self.content_layout.contentsMargins()
        line = self.header.sizeHint().width() + margins.left() + margins.right()
        content = max(self.content.minimumSizeHint().width(), line)
        width = content + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        height = 6 * self.fontMetrics().height()
        if self.chart.isHidden():
            # No chart to give up the pixels a page a little short lacks (no numbers yet, or
            # none to show): as tall as the few lines it says at its narrowest, whole at any
            # width, where a short window had scrolled it by a sliver.
            layout = self.content_layout
            height = layout.totalMinimumSize().height()
            if layout.hasHeightForWidth():
                height = max(height, layout.totalHeightForWidth(content))
            height += 2 * self.frameWidth()
        return QSize(width, height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()
        self._fit_height()
        self.export_row.place()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            # The content asks for other room (a text longer or wrapped anew, another font):
            # fitted before the scroll area reads it.
            self._fit_height()
        return super().event(event)

    def _fit_height(self) -> None:
        """The chart gives up the few pixels the page lacks, when it lacks less than a line:
        a scroll bar that moves the page by a sliver is no use (at 900x700, six projects had
        made the page scroll by 4 px). Lacking more, the page scrolls, by a line or more.

        The room is measured beside a scroll bar, shown or not: Qt keeps a bar shown while
        the page would not fit beside it, even when it would fit without it."""
        chart = self.chart
        if chart.isHidden():
            chart.give_up(0)
            return
        room = page_room(self, beside_bar=True)
        short = least_height(self.content_layout, room.width()) + chart.given_up - room.height()
        chart.give_up(short if 0 < short < chart.fontMetrics().height() else 0)

    def _arrange(self) -> None:
        """The period boxes side by side when each shows its numbers whole, else one under the
        other and flat; the tables side by side when the page is wide enough for both (and
        roomy), else one under the other."""
        margins = self.content_layout.contentsMargins()
        room = self.viewport().width() - margins.left() - margins.right()
        boxes = [box for box in self.periods if not box.isHidden()] or self.periods
        side_by_side = (
            room
            >= len(boxes) * max(box.whole_width(False) for box in boxes)
            + (len(boxes) - 1) * self.totals.spacing()
        )
        # Flat, one under the other, the tokens start in line: each caption as wide as the
        # widest ("Today" had left "124K tokens" a few pixels left of the others).
        caption = 0 if side_by_side else max(box.caption.full_width() for box in boxes)
        for box in boxes:
            box.set_flat(not side_by_side)
            box.set_caption_width(caption)
        totals = (
            QBoxLayout.Direction.LeftToRight if side_by_side else QBoxLayout.Direction.TopToBottom
        )
        if self.totals.direction() != totals:
            self.totals.setDirection(totals)
            self.totals.setSpacing(PERIOD_GAP if side_by_side else 4)
            self.totals_box.updateGeometry()
        # Each of the two halves must hold the wider of the two tables (the layout shares
        # the room out equally).
        half = max(table.comfortable_width() for table in (self.project_table, self.model_table))
        wide = room >= 2 * half + self.tables.spacing()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.tables.direction() != direction:
            self.tables.setDirection(direction)
            self.tables_box.updateGeometry()
        self.tables_box.ledger.join(not wide)
