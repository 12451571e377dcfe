"""The sessions table widget: sorted, elided per column, and fitted to its width with no scroll."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QKeyEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QWidget,
)

from codex_presence_gui.core.formatting import Level, format_age, token_triplet_text
from codex_presence_gui.ui.labels import (
    drawn_in,
    isolated,
    left_to_right,
    name_drawn_in,
    names_isolated,
)
from codex_presence_gui.ui.sort_menu import add_sort_menu
from codex_presence_gui.ui.theme import blend, level_text_color, muted_color
from codex_presence_gui.viewmodels.session_table import (
    HEADERS,
    NO_MODEL_CELL,
    Column,
    EndedRole,
    FastestRole,
    NamesRole,
    RowView,
    SessionSortProxy,
    SessionTableModel,
    ShortTextRole,
    SortRole,
    share_cell,
)
from codex_presence_gui.viewmodels.sorting import KeyedSortProxy

#: Rows the table asks room for at least (besides its header); in the compact layout, where
#: the window shows it only once it has room for it, one (the others scroll); one too when
#: it lists only the session the card shows (``set_lists_more``).
LEAST_ROWS = 2
COMPACT_LEAST_ROWS = 1
#: Secondary columns, hidden in this order as the table narrows; Project and Activity stay.
HIDE_ORDER = (Column.CONTEXT, Column.MODEL, Column.SHARE, Column.LAST_ACTIVITY, Column.TOKENS)
#: Minimum widths in average characters (the text; icon and margins come on top).
ACTIVITY_MIN_CHARS = 18
PROJECT_MIN_CHARS = 10
#: Activity's in the compact layout: a narrow window pinned beside an editor shows its
#: sessions as "api-gateway · ▶ Running c…" (the icon says what kind of work) rather than a
#: blank band where the table would not fit.
COMPACT_ACTIVITY_MIN_CHARS = 12
#: A secondary column shows only while Project and Activity keep this much (or all their text
#: needs): at their bare minimum ``sho…in)`` next to a token column reads worse than no tokens.
ACTIVITY_COMFORT_CHARS = 28
PROJECT_COMFORT_CHARS = 24
#: In the compact layout Activity yields to Project sooner: names read whole before the
#: activity does ("Running car…" beside its icon still says what goes on).
COMPACT_ACTIVITY_COMFORT_CHARS = 16
#: Model's cap, as wide as Codex's own model name in bold: past it a name (a local model's,
#: "hf.co/bartowski/Qwen2.5-Coder-32B-Instruct-GGUF:Q4_K_M") is elided when room is short,
#: whole in its tooltip, rather than have the column hidden from every row. No wider than
#: that name (or ``NO_MODEL_CELL``, the app's own words, never cut, in the regular weight it
#: is drawn in), so that the columns shown beside it are the same with or without a long one
#: or with none logged yet.
MODEL_CAP_TEXT = "gpt-5.3-codex"
#: The widest texts a few columns usually show once their numbers grow; measured so a cell
#: does not get elided between two measurements (columns are fitted to their cells when rows
#: come or go, and widened when a refresh makes a cell wider: see ``_cells_changed``).
_TEMPLATES = {
    Column.TOKENS: token_triplet_text(88_800, 88_800, 8_880_000),
    Column.CONTEXT: "100% left",
    Column.LAST_ACTIVITY: format_age(59 * 60),
    # Shares come in after the rows, on a refresh that does not measure: room for the usual
    # widest (a model's own window, named longer, may still be cut; its tooltip says it all).
    Column.SHARE: share_cell(100, "Monthly", fastest=True),
}
_ELIDE = {
    Column.PROJECT: Qt.TextElideMode.ElideMiddle,  # the branch at the end is as telling
    Column.MODEL: Qt.TextElideMode.ElideMiddle,
    Column.ACTIVITY: Qt.TextElideMode.ElideRight,  # "Editing che…": the verb leads
}

AnyIndex = QModelIndex | QPersistentModelIndex
#: Cell widths remembered by text at most (activity texts keep coming): forgotten past this.
_KNOWN_WIDTHS = 20_000


def _least_chars(column: Column, compact: bool) -> int | None:
    """Project's and Activity's least width in average characters; None for the others."""
    if column is Column.ACTIVITY:
        return COMPACT_ACTIVITY_MIN_CHARS if compact else ACTIVITY_MIN_CHARS
    if column is Column.PROJECT:
        return PROJECT_MIN_CHARS
    return None


#: The columns whose texts are the app's, of numbers and signs ("≈ 10% of 5h", "13s ago"):
#: read as written in a right-to-left window too (see ``left_to_right``).
WRITTEN_LEFT_TO_RIGHT = frozenset(
    {Column.TOKENS, Column.CONTEXT, Column.SHARE, Column.LAST_ACTIVITY}
)
#: The columns of names from the logs (and an activity's file or command): each laid out in
#: its own direction, in a view of either direction (see ``name_drawn_in``).
NAMED = frozenset({Column.PROJECT, Column.MODEL, Column.ACTIVITY})


def _rows_under(palette: QPalette, tint: QColor) -> QPalette:
    """``palette`` with its row colours as a row's translucent background ``tint`` draws
    them: the colours chosen for text against its rows are then readable on that row."""
    rows = QPalette(palette)
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
        rows.setColor(role, blend(palette.color(role), tint, tint.alphaF()))
    return rows


class RowDelegate(QStyledItemDelegate):
    """Draws the cells of ended sessions in the quieter text colour of the view's palette, and
    the share of the session that burns a window fastest in its amber for text. Numbers read
    as written in a right-to-left window: "13s ago" had been drawn "s ago 13", and "≈ 10% of
    5h" "of 5h 10% ≈"; names in their own direction, in either window, once cut to fit
    (``fit``): left to right, "שלום (main)" had its bracket on the wrong side of the name."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().initStyleOption(option, index)
        self.fit(option, index)
        if index.column() in WRITTEN_LEFT_TO_RIGHT:
            option.text = drawn_in(option.direction, option.text, left_to_right)
        elif index.column() in NAMED:
            names = index.data(NamesRole)
            if names:
                full = str(index.data())
                option.text = _sentence_drawn_in(option.direction, option.text, full, names)
            else:
                short = index.data(ShortTextRole)
                option.text = _names_drawn_in(option.direction, option.text, short)
        # Readable on the row as drawn: the active session's is tinted (and is often the one
        # that burns fastest), and its amber, chosen against the untinted rows, was 4.1:1.
        tint = index.data(Qt.ItemDataRole.BackgroundRole)
        rows = _rows_under(option.palette, tint) if isinstance(tint, QColor) else option.palette
        if index.data(EndedRole):
            option.palette.setColor(QPalette.ColorRole.Text, muted_color(rows))
        elif index.data(FastestRole):
            color = level_text_color(Level.WARN, rows)
            option.palette.setColor(QPalette.ColorRole.Text, color)

    def fit(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        """Cut the cell's text to its room, where a column needs more than the view's elision
        (see ``ElideDelegate``): before its marks are added."""


#: The least of a qualifier ("(feature/cart)") worth showing cut in its middle: "f…t" tells
#: nothing, and "(…)" says as much in less room.
QUALIFIER_LEAST_CHARS = 6


class ElideDelegate(RowDelegate):
    """Draws a column's cells elided with ``mode`` (the view has one mode for all columns).
    A cell with a shorter form (``ShortTextRole``: "shop" of "shop (feature/cart)") that does
    not fit whole keeps that form whole and cuts what follows it first: "shop (feat…cart)",
    then "shop (…)" (something is left out, in the tooltip), then the form alone, elided if
    need be; never "sh…rt)". A cell with names in it (``NamesRole``) is cut here too, not by
    the style: the end of a name's isolate must not go with the name's end."""

    def __init__(self, mode: Qt.TextElideMode, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = mode

    def fit(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        option.textElideMode = self.mode
        short = index.data(ShortTextRole)
        named = not short and index.data(NamesRole)
        if (short or named) and option.rect.width() > 0:
            # The room the style leaves the text (its margins on either side, and the icon's
            # room in an Activity cell).
            style = option.widget.style() if option.widget is not None else QApplication.style()
            margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
            if named:
                text_rect = style.subElementRect(
                    QStyle.SubElement.SE_ItemViewItemText, option, option.widget
                )
                room = text_rect.width() - 2 * margin
            else:
                room = option.rect.width() - 2 * margin
            # Measured in fractions of a pixel, as the style lays the text out: whole pixels
            # took "api-gateway (main)" (131.3 px) to fit 131, and the style cut it in its
            # project ("api-gate…y (main)").
            metrics = QFontMetricsF(option.font)
            if metrics.horizontalAdvance(option.text) > room:
                if short:
                    option.text = _shortened(option.text, short, metrics, room)
                else:
                    option.text = metrics.elidedText(option.text, self.mode, room)


def _names_drawn_in(direction: Qt.LayoutDirection, text: str, short: str | None) -> str:
    """A cell's name as a view of ``direction`` draws it (``name_drawn_in``); a project with
    its branch ("shop (ענף-)", or as ``_shortened`` cut it), the project and the branch each
    in its own direction, the brackets between them the app's: as one isolate, the branch
    had been laid out in the project's direction, its "-" on the wrong side."""
    if short and text.startswith(f"{short} (") and text.endswith(")"):
        branch = text[len(short) + 2 : -1]
        return f"{name_drawn_in(direction, short)} ({name_drawn_in(direction, branch)})"
    return name_drawn_in(direction, text)


def _sentence_drawn_in(
    direction: Qt.LayoutDirection, shown: str, full: str, names: Sequence[str]
) -> str:
    """A cell of the app's words with names in it ("Editing קובץ-", ``full``; ``shown`` as
    ``ElideDelegate`` cut it) as a view of ``direction`` draws it: the app's words left to
    right, as written, and each name in its own direction. As one isolate, the name had been
    laid out in the direction of "Editing", its "-" on the wrong side. Right to left, the
    whole text is an isolate too (led by the app's first word, it is laid out left to right),
    so within it a name needs marks only where a left-to-right paragraph would
    (``isolate_needed``)."""
    drawn = names_isolated(shown, full, names, Qt.LayoutDirection.LeftToRight)
    return isolated(drawn) if direction == Qt.LayoutDirection.RightToLeft else drawn


def _shortened(text: str, short: str, metrics: QFontMetrics | QFontMetricsF, room: int) -> str:
    """``text`` ("shop (feature/cart)") in ``room`` pixels, keeping ``short`` ("shop") whole
    as long as it fits (see ``ElideDelegate``)."""
    if not (text.startswith(f"{short} (") and text.endswith(")")):
        return short
    inner = text[len(short) + 2 : -1]
    frame = metrics.horizontalAdvance(f"{short} ()")
    cut = metrics.elidedText(inner, Qt.TextElideMode.ElideMiddle, int(room - frame))
    if len(cut) >= QUALIFIER_LEAST_CHARS:
        return f"{short} ({cut})"
    hinted = f"{short} (…)"
    return hinted if metrics.horizontalAdvance(hinted) <= room else short


def sort_again(view: QTableView, section: int, descending: bool) -> None:
    """Sort ``view`` by ``section`` in the order given: largest first, as a first sort by a
    column of ``sorted_rows_view``'s is, then turned round if asked."""
    view.sortByColumn(section, Qt.SortOrder.DescendingOrder)
    if not descending:
        view.sortByColumn(section, Qt.SortOrder.AscendingOrder)


def sorted_rows_view(
    view: QTableView,
    model: QAbstractItemModel,
    sort_role: int,
    sort_column: int,
    largest_first: Collection[int] = (),
    proxy: QSortFilterProxyModel | None = None,
) -> QSortFilterProxyModel:
    """Set ``view`` up as the app's tables are: rows of ``model`` sorted by ``sort_role``
    (newest or largest first in ``sort_column``), whole rows selected one at a time, plain
    alternating rows without grid or wrapping, never a horizontal scroll bar, no row header.
    A click on a column of ``largest_first`` (numbers, times) sorts it largest first, as file
    managers do; a second click turns it round. ``proxy``: a sorting proxy of the model's
    own, already over ``model`` (default: a plain one). Returns the proxy between them."""
    if proxy is None:
        proxy = KeyedSortProxy(model, sort_role, view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(sort_column, Qt.SortOrder.DescendingOrder)
    header = view.horizontalHeader()
    sorted_by = [sort_column]

    def largest_first_on_first_click(section: int, order: Qt.SortOrder) -> None:
        # Qt sorts a newly clicked column ascending: smallest first, rarely what is wanted.
        first_click = section != sorted_by[0]
        sorted_by[0] = section
        if first_click and order is Qt.SortOrder.AscendingOrder and section in largest_first:
            header.setSortIndicator(section, Qt.SortOrder.DescendingOrder)

    header.sortIndicatorChanged.connect(largest_first_on_first_click)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.verticalHeader().hide()
    # Tab moves on to the next control, as in a list: the rows are read, not edited, and
    # walking every cell trapped the keyboard (the arrows move between rows).
    view.setTabKeyNavigation(False)
    # Sorting from the keyboard too: a title's click is the only other way.
    add_sort_menu(view)
    return proxy


class SessionsTable(QTableView):
    """The sessions of a ``SessionTableModel``, sorted by a ``SessionSortProxy`` of its own
    (last activity first, the live sessions before the ended ones), with no horizontal scroll
    bar: the columns always share out the viewport's width, secondary columns hide as it
    narrows (``HIDE_ORDER``), and Activity gets the most room.

    Column widths come from the contents (header and cells): fitted to the widest cells when
    rows come or go or the font changes, and widened on a refresh whose cells outgrew them
    (never narrowed then: the ages tick every refresh). Each cell's width is kept, and only
    cells new or changed (``SessionTableModel.cells_changed``) are measured, each text once:
    measuring all of them on every row that came or went had frozen the window for 0.6 s
    with 3,000 sessions.
    """

    #: The user picked a row (a click, or a key that moved to it): its index in the view.
    #: Not when the current row moves by itself (focus coming in, rows going).
    row_picked = Signal(QModelIndex)
    #: The user left the row picked (Esc, or the window left for another).
    choice_left = Signal()

    def __init__(self, model: SessionTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source_model = model
        #: In the compact layout: fewer rows and narrower columns at least (``set_compact``).
        self.compact = False
        self._least_rows = LEAST_ROWS
        self.proxy = sorted_rows_view(
            self,
            model,
            SortRole,
            Column.LAST_ACTIVITY,
            largest_first=(Column.ACTIVITY, Column.TOKENS, Column.SHARE, Column.LAST_ACTIVITY),
            proxy=SessionSortProxy(model, self),
        )
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAccessibleName("Codex sessions")
        self.setItemDelegate(RowDelegate(self))
        self.clicked.connect(self._clicked)  # the left button only
        self._delegates = {column: ElideDelegate(mode, self) for column, mode in _ELIDE.items()}
        for column, delegate in self._delegates.items():
            self.setItemDelegateForColumn(column, delegate)
        header = self.horizontalHeader()
        # The widths are ours (see _fit): dragging a section would only push another one out.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(1)
        self._cells: dict[Column, int] = {}
        self._natural: dict[Column, int] = {}
        #: Each cell's width, by column, then by row of the model.
        self._widths: list[list[int]] = [[] for _ in Column]
        #: Widths measured, by what decides them (column, text, bold, icon): most texts come
        #: back (ages, models, projects), and the delegate is slow to ask.
        self._known: dict[tuple[int, str, bool, bool], int] = {}
        #: Rows went in the update under way: the columns are fitted once it is over.
        self._removed = False
        self._fitting = False
        model.rowsInserted.connect(self._rows_inserted)
        model.rowsRemoved.connect(self._rows_removed)
        model.modelReset.connect(self._measure)
        model.cells_changed.connect(self._cells_changed)
        model.updated.connect(self._updated)
        self._measure()

    # -- public -------------------------------------------------------------------------

    def hidden_columns(self) -> list[Column]:
        """The columns hidden for lack of width, in ``HIDE_ORDER``."""
        return [column for column in HIDE_ORDER if self.isColumnHidden(column)]

    def minimum_column_width(self, column: Column, compact: bool | None = None) -> int:
        """Activity's and Project's least width (in the compact layout's or the full one's
        terms; default: the table's own); the other columns' measured width."""
        chars = _least_chars(column, self.compact if compact is None else compact)
        if chars is None:
            return self._natural.get(column, 0)
        width = self.fontMetrics().averageCharWidth() * chars + self._padding()
        return width + self._icon() if column is Column.ACTIVITY else width

    def forget_choice(self) -> None:
        """No row picked any more (the card goes back to the active session). The keyboard's
        place goes to the active session's row, nothing picked: the next arrow key moves on
        from the session the card shows (it had picked that one first, and seemed to do
        nothing)."""
        self.clearSelection()
        self.selectionModel().setCurrentIndex(
            self._active_index(), QItemSelectionModel.SelectionFlag.NoUpdate
        )
        self.choice_left.emit()

    def keyboard_to_active(self) -> None:
        """With no row picked, the keyboard's place (the focus frame) moves to the active
        session's row, nothing picked: it had stayed on a row no longer active, and the next
        arrow key started from there."""
        current = self.currentIndex()
        if not current.isValid() or self.selectionModel().hasSelection():
            return
        active = self._active_index(current.column())
        if active.isValid() and active != current:
            self.selectionModel().setCurrentIndex(
                active, QItemSelectionModel.SelectionFlag.NoUpdate
            )

    def _active_index(self, column: int = 0) -> QModelIndex:
        """The active session's row (in ``column``), or no index when it is not listed."""
        row = self.source_model.active_row()
        if row is None:
            return QModelIndex()
        return self.proxy.mapFromSource(self.source_model.index(row, column))

    def _clicked(self, index: QModelIndex) -> None:
        if self.selectionModel().isRowSelected(index.row(), index.parent()):
            self.row_picked.emit(index)
        else:
            # Ctrl+click took the highlight off the row: the pick goes with it.
            self.forget_choice()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and QToolTip.isVisible():
            # Left to the window, which puts away what Show details showed: taken here, it
            # had let go of the row picked and left the tooltip over the table.
            event.ignore()
            return
        if event.key() == Qt.Key.Key_Escape and self.selectionModel().hasSelection():
            self.forget_choice()  # the card back to the active session
            return
        before = QPersistentModelIndex(self.currentIndex())
        super().keyPressEvent(event)
        current = self.currentIndex()
        if current.isValid() and before != QPersistentModelIndex(current):
            self.row_picked.emit(current)

    def natural_column_width(self, column: Column) -> int:
        """A column's width from its contents (header and cells) at the last measurement."""
        return self._natural.get(column, 0)

    # -- Qt overrides -------------------------------------------------------------------

    def least_width(self, compact: bool | None = None) -> int:
        """The width Project and Activity need at least, in the compact layout or the full
        one (default: the table's own)."""
        return (
            self.minimum_column_width(Column.PROJECT, compact)
            + self.minimum_column_width(Column.ACTIVITY, compact)
            + 2 * self.frameWidth()
            + self.verticalScrollBar().sizeHint().width()
        )

    def set_lists_more(self, more: bool) -> None:
        """Say whether the table lists more than the card above it shows: when it does not
        (one session, in the card too), the full layout asks room for one row, not two. With
        two sets of limits, the second row's 30 px had sent a window of the first size (820x
        580) to the compact layout, a blank band under its card."""
        rows = LEAST_ROWS if more else COMPACT_LEAST_ROWS
        if rows != self._least_rows:
            self._least_rows = rows
            self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        rows = COMPACT_LEAST_ROWS if self.compact else self._least_rows
        return QSize(self.least_width(), self.height_for_rows(rows))

    def height_for_rows(self, rows: int) -> int:
        """The height that shows the header and ``rows`` rows."""
        row = self.verticalHeader().defaultSectionSize()
        return self.horizontalHeader().sizeHint().height() + rows * row + 2 * self.frameWidth()

    def set_compact(self, compact: bool) -> None:
        """Ask for the compact layout's least room (one row, narrower columns) or the full
        layout's."""
        if compact != self.compact:
            self.compact = compact
            self.updateGeometry()
            self._fit()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        frame = 2 * self.frameWidth()
        width = (
            sum(max(self._natural.get(c, 0), self.minimum_column_width(c)) for c in Column)
            + frame
            + self.verticalScrollBar().sizeHint().width()
        )
        return QSize(max(width, self.minimumSizeHint().width()), hint.height())

    def sizeHintForColumn(self, column: int) -> int:
        # What resizeColumnToContents would use: the measured width (see _measure).
        if 0 <= column < len(Column):
            return max(
                self._natural.get(Column(column), 0), self.minimum_column_width(Column(column))
            )
        return super().sizeHintForColumn(column)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Also called when the viewport alone resizes (the vertical scroll bar came or went).
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._measure()

    # -- measuring and fitting ----------------------------------------------------------

    def _padding(self) -> int:
        # A cell's text margins as QStyledItemDelegate draws them (focus frame margin + 1).
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self)
        return 2 * (margin + 1)

    def _icon(self) -> int:
        size = self.iconSize().width()
        if size <= 0:
            size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, self)
        return size + self._padding() // 2

    def _header_width(self, column: Column) -> int:
        """The width the title needs, with room for the sort arrow.

        Every column keeps that room, sorted or not (as ``QHeaderView`` measures its
        sections): with it on the sorted column only, a click on another title had moved the
        columns by a few pixels."""
        header = self.horizontalHeader()
        metrics = header.fontMetrics()
        lines = HEADERS[column].split("\n")
        text = max(metrics.horizontalAdvance(line) for line in lines)
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        # As QHeaderView makes room for the arrow: the section's height plus a margin.
        return text + 4 * margin + metrics.height() * len(lines) + 3 * margin

    def _template_width(self, column: Column) -> int:
        template = _TEMPLATES.get(column)
        if template is None:
            return 0
        bold = QFont(self.font())
        bold.setBold(True)  # the active row is bold
        return QFontMetrics(bold).horizontalAdvance(template) + self._padding() + 2

    def _cell_width(
        self, option: QStyleOptionViewItem, row: RowView, number: int, column: int
    ) -> int:
        """The width the delegate asks for a cell, as ``QTableView.sizeHintForColumn`` has it
        measured; by what decides it, so each text is measured once."""
        icon = column == Column.ACTIVITY and row.icon_kind is not None
        key = (column, row.display[column], row.bold(column), icon)
        width = self._known.get(key)
        if width is None:
            if len(self._known) >= _KNOWN_WIDTHS:
                self._known.clear()
            index = self.source_model.index(number, column)
            width = self.itemDelegateForIndex(index).sizeHint(option, index).width()
            self._known[key] = width
        return width

    def _measure_rows(self, first: int, last: int) -> list[list[int]]:
        """The widths of the cells of rows ``first`` to ``last``, by column."""
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        model = self.source_model
        rows = [(number, model.row(number)) for number in range(first, last + 1)]
        return [
            [self._cell_width(option, row, number, column) for number, row in rows]
            for column in Column
        ]

    def _rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        for widths, added in zip(self._widths, self._measure_rows(first, last), strict=True):
            widths[first:first] = added
        self._fit_cells()

    def _rows_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        for widths in self._widths:
            del widths[first : last + 1]
        # Fitted once the update is over: rows that end apart go in a run each (300 rows
        # ending at midnight among 3,000 had the columns fitted 300 times, 0.1 s).
        self._removed = True

    def _updated(self) -> None:
        if self._removed:
            self._removed = False
            self._fit_cells()

    def _cells_changed(self, changed: list[tuple[int, list[int]]]) -> None:
        """A refresh changed some cells: keep their widths, and widen at once a column one
        outgrew (a total past a million, a longer model or project name) rather than show it
        elided until rows come or go. Activity is left alone: it takes the room left."""
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        model = self.source_model
        cells = self._cells
        grew = False
        for number, columns in changed:
            row = model.row(number)
            for column in columns:
                width = self._cell_width(option, row, number, column)
                self._widths[column][number] = width
                if column != Column.ACTIVITY and width > cells.get(Column(column), 0):
                    cells[Column(column)] = width
                    grew = True
        if grew:
            self._update_widths()

    def _fit_cells(self) -> None:
        """Rows came or went: each column as wide as its widest cell (or its template)."""
        self._cells = {
            column: max(max(self._widths[column], default=0), self._template_width(column))
            for column in Column
        }
        self._update_widths()

    def _measure(self) -> None:
        """Measure every cell again (another font or style, or a model reset), then fit."""
        self._known.clear()
        rows = self.source_model.rowCount()
        self._widths = self._measure_rows(0, rows - 1) if rows else [[] for _ in Column]
        self._fit_cells()

    def _update_widths(self) -> None:
        """Combine the cells' widths with the titles' (cheap), then fit the columns."""
        self._natural = {
            column: max(self._header_width(column), self._cells.get(column, 0)) for column in Column
        }
        self.updateGeometry()
        self._fit()

    def _comfortable(self, column: Column) -> int:
        """What Project or Activity should keep before a secondary column may show."""
        if column is Column.PROJECT:
            chars = PROJECT_COMFORT_CHARS
        else:
            chars = COMPACT_ACTIVITY_COMFORT_CHARS if self.compact else ACTIVITY_COMFORT_CHARS
        least = self.minimum_column_width(column)
        minimum_chars = _least_chars(column, self.compact) or 0
        roomy = least + self.fontMetrics().averageCharWidth() * (chars - minimum_chars)
        return max(least, min(self._natural[column], roomy))

    def _capped(self, column: Column) -> int:
        """A secondary column's width when deciding what shows: its measured width, but no more
        than its cap for Model and Share (whose cells can be names of any length), so that one
        long value does not hide the column; never narrower than its title."""
        natural = self._natural[column]
        if column is Column.MODEL:
            bold = QFont(self.font())
            bold.setBold(True)  # the active row is bold
            # A model not logged yet reads whole where the column shows, in the regular weight
            # it is drawn in (``RowView.bold``): in most fonts no wider than the cap's name.
            widest = max(
                QFontMetrics(bold).horizontalAdvance(MODEL_CAP_TEXT),
                self.fontMetrics().horizontalAdvance(NO_MODEL_CELL),
            )
            cap = widest + self._padding()
        elif column is Column.SHARE:
            cap = self._template_width(column)  # "▲ ≈ 100% of Monthly"; a bucket's window past it
        else:
            return natural
        return min(natural, max(cap, self._header_width(column)))

    def fit_to(self, width: int) -> None:
        """Fit the columns to an outer ``width`` the layout has yet to give the table (hidden
        behind another page, it is given none): the header's height, which decides whether
        the table has room, follows the titles of the columns kept."""
        self._fit(width - 2 * self.frameWidth() - self.verticalScrollBar().sizeHint().width())

    def _fit(self, width: int | None = None) -> None:
        """Share the viewport's width (or ``width``) out: hide what does not fit, in
        ``HIDE_ORDER``; fixed columns at their measured width (Model and Share at most their
        cap, unless room is left over); Project up to its share; Activity the rest."""
        if self._fitting or not self._natural:
            return
        self._fitting = True
        try:
            available = self.viewport().width() if width is None else width
            project_min = self.minimum_column_width(Column.PROJECT)
            activity_min = self.minimum_column_width(Column.ACTIVITY)
            fixed: list[Column] = [c for c in Column if c not in (Column.PROJECT, Column.ACTIVITY)]
            comfort = self._comfortable(Column.PROJECT) + self._comfortable(Column.ACTIVITY)
            widths = {column: self._capped(column) for column in fixed}
            for column in HIDE_ORDER:
                needed = sum(widths[c] for c in fixed) + comfort
                if needed <= available:
                    break
                fixed.remove(column)
            # Room past Project's and Activity's comfort widens a capped column towards its
            # whole text, by a third of it at most: Project and Activity get as much again.
            spare = available - sum(widths[c] for c in fixed) - comfort
            for column in (Column.MODEL, Column.SHARE):
                if column in fixed and spare > 2:
                    grown = min(self._natural[column] - widths[column], spare // 3)
                    widths[column] += grown
                    spare -= grown
            rest = available - sum(widths[c] for c in fixed)
            # Project gets its whole name as long as Activity keeps a comfortable width (its
            # text changes every refresh but is measured only when rows come or go, so it is
            # not sized to today's text); below that both shrink towards their minimums.
            activity_keeps = max(activity_min, self._comfortable(Column.ACTIVITY))
            project = min(
                max(self._natural[Column.PROJECT], project_min),
                rest - activity_keeps,
                rest // 2,  # a very long name never takes more room than the live Activity
            )
            # Narrower than the minimum size: Activity keeps its minimum as long as it can.
            project = max(
                project, min(project_min, rest - activity_min), min(project_min, rest // 3)
            )
            header = self.horizontalHeader()
            for column in Column:
                self.setColumnHidden(
                    column, column not in fixed and column not in (Column.PROJECT, Column.ACTIVITY)
                )
            for column in fixed:
                header.resizeSection(column, widths[column])
            header.resizeSection(Column.PROJECT, max(project, 1))
            header.resizeSection(Column.ACTIVITY, max(rest - project, 1))
            # The scroll range follows the sections only later otherwise; keep it at zero now.
            self.updateGeometries()
        finally:
            self._fitting = False
        if width is None and self.viewport().width() != available:
            # Fitting made the vertical scroll bar come or go (rows no longer fit, or now do):
            # the viewport's new width was not seen while fitting, so fit once more.
            self._fit()
