"""The sessions table fits any width: no horizontal scroll, columns hidden by priority."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.dashboard import SessionShare
from codex_presence_gui.core.models import (
    Activity,
    ActivityKind,
    CodexSessionSnapshot,
    ContextUsage,
)
from codex_presence_gui.ui.sessions_table import (
    HIDE_ORDER,
    RowDelegate,
    SessionsTable,
    _shortened,
)
from codex_presence_gui.ui.theme import apply_theme, blend, contrast_ratio
from codex_presence_gui.viewmodels.session_table import (
    HEADERS,
    ActiveRole,
    Column,
    EndedRole,
    FastestRole,
    SessionRole,
    SessionTableModel,
)
from tests.helpers.bidi import reading_order
from tests.helpers.snapshots import NOW, session, tooltip_text

WIDTHS = (300, 420, 560, 820, 1600)
LONG_PROJECT = "a-very-long-project-name-" * 5  # 125 characters
LONG_BRANCH = "feature/" + "x" * 64  # with " (" and ")": a 200-character cell


def filled_model() -> SessionTableModel:
    model = SessionTableModel()
    model.update(
        [
            session("shop", activity=Activity(ActivityKind.EDITING, "checkout/payments.py")),
            session("long", project=LONG_PROJECT, git_branch=LONG_BRANCH, age=40),
            session("docs", age=5000, activity=Activity(ActivityKind.IDLE)),
        ],
        "shop",
        NOW,
        ended={"docs"},
    )
    return model


def shown_table(qtbot: QtBot, width: int, model: SessionTableModel | None = None) -> SessionsTable:
    table = SessionsTable(model if model is not None else filled_model())
    qtbot.addWidget(table)
    table.resize(width, 260)
    table.show()
    qtbot.waitExposed(table)
    return table


def visible(table: SessionsTable) -> list[Column]:
    return [c for c in Column if not table.isColumnHidden(c)]


def assert_fits(table: SessionsTable) -> None:
    """No horizontal scrolling, the visible columns fill the viewport, titles fit."""
    assert table.horizontalScrollBarPolicy() is Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert table.horizontalScrollBar().maximum() == 0
    header = table.horizontalHeader()
    assert header.length() == table.viewport().width()
    metrics = header.fontMetrics()
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    for column in visible(table):
        title = max(metrics.horizontalAdvance(line) for line in HEADERS[column].split("\n"))
        assert title + 2 * margin <= header.sectionSize(column), column


@pytest.mark.parametrize("width", WIDTHS)
def test_every_width_fits_without_horizontal_scrolling(qtbot: QtBot, width: int) -> None:
    """At every width: no scroll bar, Project and Activity shown, Activity at least its
    minimum, and the hidden columns are the first ones of the priority."""
    table = shown_table(qtbot, width)
    assert_fits(table)
    assert Column.PROJECT in visible(table)
    assert Column.ACTIVITY in visible(table)
    assert table.columnWidth(Column.ACTIVITY) >= table.minimum_column_width(Column.ACTIVITY)
    hidden = table.hidden_columns()
    assert hidden == list(HIDE_ORDER[: len(hidden)])
    if width >= 1600:
        assert hidden == []
    if width <= 300:
        assert hidden == list(HIDE_ORDER)


def test_columns_hide_in_priority_as_the_table_narrows(qtbot: QtBot) -> None:
    """Narrowing hides more and more columns, never showing one that a wider table hid."""
    table = shown_table(qtbot, 1600)
    previous: list[Column] = []
    for width in range(1600, 280, -20):
        table.resize(width, 260)
        hidden = table.hidden_columns()
        assert hidden[: len(previous)] == previous, width
        assert table.horizontalHeader().length() == table.viewport().width()
        assert table.columnWidth(Column.ACTIVITY) >= table.minimum_column_width(Column.ACTIVITY)
        previous = hidden
    assert previous == list(HIDE_ORDER)


def test_activity_has_the_most_room_and_fixed_columns_their_own(qtbot: QtBot) -> None:
    """Wide: no column is wider than Activity; tokens keep their measured width."""
    table = shown_table(qtbot, 1100)
    widths = {c: table.columnWidth(c) for c in visible(table)}
    assert widths[Column.ACTIVITY] == max(widths.values())
    assert widths[Column.TOKENS] == table.natural_column_width(Column.TOKENS)
    assert table.natural_column_width(Column.TOKENS) >= table.fontMetrics().horizontalAdvance(
        "26.4K | 26.4K | 52.4K"
    )


def test_a_long_project_is_elided_in_the_middle_with_the_full_name_in_its_tooltip(
    qtbot: QtBot,
) -> None:
    """The 200-character project (branch) gets no more than its share and is drawn elided
    in the middle; Activity at the end; the tooltip holds the whole name."""
    table = shown_table(qtbot, 820)
    full = f"{LONG_PROJECT} ({LONG_BRANCH})"
    assert len(full) == 200
    index = next(
        table.model().index(r, Column.PROJECT)
        for r in range(table.model().rowCount())
        if table.model().index(r, Column.PROJECT).data() == full
    )
    assert table.columnWidth(Column.PROJECT) < table.fontMetrics().horizontalAdvance(full)
    # Whole (a tooltip's long line is broken at a space: the name on a line of its own).
    tip = tooltip_text(index.data(Qt.ItemDataRole.ToolTipRole))
    assert " ".join(tip.split()).startswith(full)
    assert tip.splitlines()[0] == LONG_PROJECT
    option = QStyleOptionViewItem()
    table.itemDelegateForColumn(Column.PROJECT).initStyleOption(option, index)
    assert option.textElideMode is Qt.TextElideMode.ElideMiddle
    activity = index.siblingAtColumn(Column.ACTIVITY)
    table.itemDelegateForColumn(Column.ACTIVITY).initStyleOption(option, activity)
    assert option.textElideMode is Qt.TextElideMode.ElideRight
    # Never more room than the live Activity (an even share leaves them equal).
    assert table.columnWidth(Column.ACTIVITY) >= table.columnWidth(Column.PROJECT)


def test_minimum_size_hint_is_what_project_and_activity_need(qtbot: QtBot) -> None:
    """Project's and Activity's minimum, the frame and the vertical scroll bar; two rows."""
    table = shown_table(qtbot, 600)
    hint = table.minimumSizeHint()
    assert hint.width() == (
        table.minimum_column_width(Column.PROJECT)
        + table.minimum_column_width(Column.ACTIVITY)
        + 2 * table.frameWidth()
        + table.verticalScrollBar().sizeHint().width()
    )
    average = table.fontMetrics().averageCharWidth()
    assert table.minimum_column_width(Column.ACTIVITY) >= 18 * average
    assert table.minimum_column_width(Column.PROJECT) >= 10 * average
    rows = 2 * table.verticalHeader().defaultSectionSize()
    assert hint.height() >= table.horizontalHeader().sizeHint().height() + rows
    table.resize(hint.width(), 260)
    assert_fits(table)
    assert table.columnWidth(Column.ACTIVITY) >= table.minimum_column_width(Column.ACTIVITY)


def test_a_larger_font_scales_the_widths(qtbot: QtBot) -> None:
    """Twice the font: twice the minimums, and still no horizontal scrolling."""
    table = shown_table(qtbot, 820)
    before = table.minimum_column_width(Column.ACTIVITY)
    natural = table.natural_column_width(Column.TOKENS)
    font = QFont(table.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    table.setFont(font)
    assert table.minimum_column_width(Column.ACTIVITY) > 1.6 * before
    assert table.natural_column_width(Column.TOKENS) > 1.6 * natural
    assert_fits(table)
    assert table.columnWidth(Column.ACTIVITY) >= table.minimum_column_width(Column.ACTIVITY)


def test_cells_are_measured_when_rows_come_and_go_not_on_every_refresh(qtbot: QtBot) -> None:
    """A refresh that only changes texts keeps the measurement; a new row measures again."""
    model = filled_model()
    table = shown_table(qtbot, 820, model)
    measured = table._cells
    model.update([session("shop", age=9), session("long", age=41)], "shop", NOW + 60)
    assert table._cells is not measured  # a row went away
    measured = table._cells
    model.update([session("shop", age=9), session("long", age=42)], "shop", NOW + 62)
    assert table._cells is measured
    model.update([session("shop"), session("long"), session("wide-" * 20)], "shop", NOW + 64)
    assert table._cells is not measured
    assert_fits(table)


@pytest.mark.parametrize("active", ["shop", "long"])
def test_texts_that_grow_on_a_plain_refresh_are_not_cut(qtbot: QtBot, active: str) -> None:
    """A refresh that changes no rows does not measure the cells, but a text that outgrew
    its column (a session past a million tokens, a switch to a longer model name, a project
    renamed) widens it at once: the real app had shown "1.01M | 1.01M | 1.3…" for good."""
    model = filled_model()
    table = shown_table(qtbot, 1600, model)
    grown = {
        "session_total_tokens": 1_320_000,
        "last_turn_tokens": 1_010_000,
        "session_delta_tokens": 1_010_000,
    }
    model.update(
        [
            session("shop", age=9, **grown),
            session("long", age=41, model="gpt-5.6-sol-research-preview-2026-11", **grown),
            session("docs", age=5001, project="documentation-site-renamed"),
        ],
        active,
        NOW + 60,
    )
    header = table.horizontalHeader()
    for row in range(model.rowCount()):
        bold = QFont(table.font())
        bold.setBold(model.index(row, 0).data(ActiveRole))
        for column in (Column.TOKENS, Column.MODEL, Column.PROJECT):
            if column is Column.PROJECT and row == 1:
                continue  # the 200-character name is elided by design
            text = model.index(row, column).data()
            needed = QFontMetrics(bold).horizontalAdvance(text)
            assert needed < header.sectionSize(column), text
    assert_fits(table)


def test_a_share_that_comes_after_its_row_is_not_cut(qtbot: QtBot) -> None:
    """Shares arrive on a later refresh, which does not measure: the column has room for the
    widest usual share all along (in the real app it had been cut to "≈ 10 …")."""
    model = filled_model()
    table = shown_table(qtbot, 1600, model)
    sessions = [session("shop", age=9), session("long", age=41), session("docs", age=5001)]
    shares = {
        "shop": (SessionShare("Weekly", 100.0, True),),
        "long": (SessionShare("Monthly", 99.6, True),),
    }
    model.update(sessions, "shop", NOW + 60, shares, ended={"docs"})
    bold = QFont(table.font())
    bold.setBold(True)
    for row in range(model.rowCount()):
        text = model.index(row, Column.SHARE).data()
        needed = QFontMetrics(bold).horizontalAdvance(text)
        assert needed < table.horizontalHeader().sectionSize(Column.SHARE), text


#: A local model's name as ``codex --oss`` reports it, made 60 characters long.
LONG_MODEL = "hf.co/bartowski/Qwen2.5-Coder-32B-Instruct-GGUF:Q4_K_M-imatx"
assert len(LONG_MODEL) == 60

ORDINARY = (
    session("shop", activity=Activity(ActivityKind.EDITING, "checkout/payments.py")),
    session("api-gateway", age=40, model="gpt-5.1-codex-max"),
    session("docs", age=5000, activity=Activity(ActivityKind.IDLE)),
)
ORDINARY_SHARES = {"shop": (SessionShare("5h", 12.0, True),)}


def ordinary_model(*extra: CodexSessionSnapshot) -> SessionTableModel:
    """Sessions with everyday names (and ``extra`` ones), with a share of the 5h window;
    the ``oss`` session, if any, burns a window of its model's own."""
    shares = {**ORDINARY_SHARES, "oss": (SessionShare("GPT-5.3-Codex-Spark Weekly", 3.0, False),)}
    model = SessionTableModel()
    model.update([*ORDINARY, *extra], "shop", NOW, shares, ended={"docs"})
    return model


def test_one_long_model_name_is_elided_rather_than_hide_the_model_column(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    """A local model's 60-character name had the Model column hidden from every row at
    820 px (the column was as wide as its longest cell): it shows, that name cut in the
    middle and whole in its tooltip, "gpt-5.3-codex" whole."""
    model = ordinary_model(session("oss", age=70, model=LONG_MODEL))
    qtmodeltester.check(model, force_py=True)
    table = shown_table(qtbot, 820, model)
    assert Column.MODEL in visible(table)
    assert_fits(table)
    proxy = table.model()
    cells = {
        proxy.index(r, Column.MODEL).data(): proxy.index(r, Column.MODEL)
        for r in range(proxy.rowCount())
    }
    width = table.columnWidth(Column.MODEL)
    assert table.fontMetrics().horizontalAdvance(LONG_MODEL) > width
    bold = QFont(table.font())
    bold.setBold(True)
    assert QFontMetrics(bold).horizontalAdvance("gpt-5.3-codex") < width
    long_cell = cells[LONG_MODEL]
    option = QStyleOptionViewItem()
    table.itemDelegateForColumn(Column.MODEL).initStyleOption(option, long_cell)
    assert option.textElideMode is Qt.TextElideMode.ElideMiddle
    tip = tooltip_text(long_cell.data(Qt.ItemDataRole.ToolTipRole))
    assert LONG_MODEL in "".join(tip.split())  # whole, if broken over lines


def test_a_model_not_logged_yet_reads_whole_where_the_model_column_shows(qtbot: QtBot) -> None:
    """A session whose log has not named its model yet: its Model cell had read "model
    not logged yet", cut to "model …ed yet" at 820 px in a column as wide as Codex's own
    model name (bold in the active row too). Wherever the column shows, the cell is whole,
    and its tooltip says it in full."""
    model = SessionTableModel()
    sessions = [session("shop", model=None), session("docs", age=5000, model=None)]
    model.update(sessions, "shop", NOW, ended={"docs"})
    table = shown_table(qtbot, 820, model)
    proxy = table.model()
    style = table.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
    shown_at = []
    for width in (820, 900, 1024, 1280, 1600):
        table.resize(width, 260)
        qtbot.waitUntil(lambda width=width: table.width() == width)
        if Column.MODEL not in visible(table):
            continue
        shown_at.append(width)
        for row in range(proxy.rowCount()):
            cell = proxy.index(row, Column.MODEL)
            option = QStyleOptionViewItem()
            table.initViewItemOption(option)
            option.rect = table.visualRect(cell)
            table.itemDelegateForIndex(cell).initStyleOption(option, cell)
            room = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, table)
            needed = QFontMetricsF(option.font).horizontalAdvance(cell.data())
            assert needed <= room.width() - 2 * margin, (width, cell.data())
            tip = tooltip_text(cell.data(Qt.ItemDataRole.ToolTipRole))
            assert tip == "Model: not logged yet"
    assert 820 in shown_at


def test_a_share_of_a_long_named_window_is_cut_rather_than_take_room_from_every_row(
    qtbot: QtBot,
) -> None:
    """A model's own limit window, named long, gets no more than the usual widest share
    when room is short (it had pushed Model out at 820 px): cut, and whole in its tooltip."""
    model = ordinary_model(session("oss", age=70))
    table = shown_table(qtbot, 820, model)
    assert {Column.MODEL, Column.SHARE} <= set(visible(table))
    proxy = table.model()
    cell = next(
        proxy.index(r, Column.SHARE)
        for r in range(proxy.rowCount())
        if "Spark" in proxy.index(r, Column.SHARE).data()
    )
    assert table.fontMetrics().horizontalAdvance(cell.data()) > table.columnWidth(Column.SHARE)
    tip = tooltip_text(cell.data(Qt.ItemDataRole.ToolTipRole))
    assert tip.splitlines()[0] == cell.data()


def test_the_columns_shown_depend_on_the_width_not_on_one_long_name(qtbot: QtBot) -> None:
    """At every width the same columns show with or without a session whose model and
    share window have long names; with room to spare the long name widens its column."""
    plain = shown_table(qtbot, 1600, ordinary_model())
    long = shown_table(qtbot, 1600, ordinary_model(session("oss", age=70, model=LONG_MODEL)))
    for width in range(1700, 280, -10):
        plain.resize(width, 260)
        long.resize(width, 260)
        assert visible(long) == visible(plain), width
        assert_fits(long)
    long.resize(1500, 260)
    plain.resize(1500, 260)
    assert long.columnWidth(Column.MODEL) > plain.columnWidth(Column.MODEL)
    # Past the cap, an everyday name is whole as soon as there is room.
    needed = QFontMetrics(plain.font()).horizontalAdvance("gpt-5.1-codex-max")
    assert needed < plain.columnWidth(Column.MODEL)
    assert long.columnWidth(Column.MODEL) < long.columnWidth(Column.ACTIVITY)


def test_sorting_is_by_last_activity_first_and_the_model_stays_valid(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    """Newest first by default, ended sessions after the live ones; the proxy stays valid."""
    table = shown_table(qtbot, 820)
    qtmodeltester.check(table.source_model, force_py=True)
    header = table.horizontalHeader()
    assert header.sortIndicatorSection() == Column.LAST_ACTIVITY
    assert header.sortIndicatorOrder() is Qt.SortOrder.DescendingOrder
    projects = [table.model().index(r, Column.PROJECT).data() for r in range(3)]
    assert projects[0] == "shop (main)"
    assert projects[-1] == "docs (main)"
    table.sortByColumn(Column.SHARE, Qt.SortOrder.AscendingOrder)
    assert_fits(table)


def _click_header(qtbot: QtBot, table: SessionsTable, column: Column) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_a_number_column_sorts_largest_first_on_its_first_click(qtbot: QtBot) -> None:
    """As file managers do: Tokens clicked shows the biggest sessions first (Qt's default
    is smallest first); a second click turns it round; text columns go A to Z."""
    table = shown_table(qtbot, 1600)
    header = table.horizontalHeader()
    _click_header(qtbot, table, Column.TOKENS)
    assert header.sortIndicatorSection() == Column.TOKENS
    assert header.sortIndicatorOrder() is Qt.SortOrder.DescendingOrder
    _click_header(qtbot, table, Column.TOKENS)
    assert header.sortIndicatorOrder() is Qt.SortOrder.AscendingOrder
    _click_header(qtbot, table, Column.PROJECT)
    assert header.sortIndicatorOrder() is Qt.SortOrder.AscendingOrder
    _click_header(qtbot, table, Column.LAST_ACTIVITY)
    assert header.sortIndicatorOrder() is Qt.SortOrder.DescendingOrder
    rows = [table.proxy.index(row, Column.PROJECT).data() for row in range(3)]
    assert rows[0].startswith("shop")  # the newest first


def column_widths(table: QTableView) -> list[int | None]:
    """Each column's width, None for a hidden one."""
    header = table.horizontalHeader()
    return [
        None if table.isColumnHidden(column) else header.sectionSize(column)
        for column in range(header.count())
    ]


@pytest.mark.parametrize("width", [300, 560, 700, 820, 1000, 1600])
def test_the_columns_stay_put_when_another_column_is_sorted(qtbot: QtBot, width: int) -> None:
    """Every title keeps room for the sort arrow: a click on another title sorts the rows
    and moves no column (only the sorted one had the room, and the others had shifted by a
    few pixels), nor makes the table scroll sideways."""
    table = shown_table(qtbot, width)
    before = column_widths(table)
    for column in (*Column, Column.LAST_ACTIVITY):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            table.sortByColumn(column, order)
            assert column_widths(table) == before, (column, order)
            assert table.horizontalScrollBar().maximum() == 0


def drawn_text_color(table: SessionsTable, index: QModelIndex) -> QColor:
    """The text colour the table's delegate draws ``index`` in."""
    option = QStyleOptionViewItem()
    option.palette = QPalette(table.palette())
    table.itemDelegateForIndex(index).initStyleOption(option, index)
    return option.palette.color(QPalette.ColorRole.Text)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_ended_rows_are_quieter_yet_readable(qtbot: QtBot, qapp: QApplication, theme: str) -> None:
    """An ended session's cells: at least 4.5:1 on both row colours, in either theme (a fixed
    mid grey was about 4:1 on white and on the dark rows); a live row keeps the text colour."""
    try:
        apply_theme(qapp, theme)
        table = shown_table(qtbot, 820)
        model = table.model()
        palette = table.palette()
        text = palette.color(QPalette.ColorRole.Text)
        for row in range(model.rowCount()):
            ended = model.index(row, 0).data(EndedRole)
            for column in Column:
                shown = drawn_text_color(table, model.index(row, column))
                if not ended:
                    assert shown == text, column
                    continue
                assert shown != text, column
                for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
                    assert contrast_ratio(shown, palette.color(role)) >= 4.5, (column, role)
    finally:
        apply_theme(qapp, "system")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_fastest_share_is_amber_and_readable(
    qtbot: QtBot, qapp: QApplication, theme: str
) -> None:
    """The share of the session that burns fastest is drawn in the amber for text: at least
    4.5:1 on both row colours in either theme (a fixed amber was 3.2:1 on the light rows).
    An ended session's share is quiet, not amber; every other cell keeps the text colour."""
    try:
        apply_theme(qapp, theme)
        model = SessionTableModel()
        model.update(
            [session("shop"), session("api", age=60), session("docs", age=5000)],
            "shop",
            NOW,
            {
                "shop": (SessionShare("5h", 60.0, True),),
                "api": (SessionShare("5h", 10.0, False),),
                "docs": (SessionShare("5h", 30.0, True),),
            },
            ended={"docs"},
        )
        table = shown_table(qtbot, 1600, model)
        palette = table.palette()
        text = palette.color(QPalette.ColorRole.Text)
        amber = []
        for row in range(model.rowCount()):
            for column in Column:
                index = model.index(row, column)
                shown = drawn_text_color(table, index)
                if not index.data(FastestRole):
                    assert index.data(EndedRole) or shown == text, (row, column)
                    continue
                amber.append((model.session_ids()[row], column))
                assert shown.red() > shown.blue(), column  # amber, not grey
                for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
                    assert contrast_ratio(shown, palette.color(role)) >= 4.5, role
        assert amber == [("shop", Column.SHARE)]
    finally:
        apply_theme(qapp, "system")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_active_row_s_amber_share_is_readable_on_its_tint(
    qtbot: QtBot, qapp: QApplication, theme: str
) -> None:
    """The active session's row is tinted; its share, when it burns fastest (the session at
    work often does), is at least 4.5:1 on that tint over either row colour: chosen against
    the untinted rows only, it was 4.1:1 in the light theme."""
    try:
        apply_theme(qapp, theme)
        model = SessionTableModel()
        model.update(
            [session("shop"), session("api", age=60)],
            "shop",
            NOW,
            {"shop": (SessionShare("5h", 60.0, True),), "api": (SessionShare("5h", 10.0, False),)},
        )
        table = shown_table(qtbot, 1600, model)
        palette = table.palette()
        row = model.session_ids().index("shop")
        index = model.index(row, Column.SHARE)
        assert index.data(FastestRole)
        tint = index.data(Qt.ItemDataRole.BackgroundRole)
        assert isinstance(tint, QColor)
        shown = drawn_text_color(table, index)
        for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
            under = blend(palette.color(role), tint, tint.alphaF())
            assert contrast_ratio(shown, under) >= 4.5, role
    finally:
        apply_theme(qapp, "system")


def drawn_text(table: SessionsTable, index: QModelIndex) -> str:
    """The text the table's delegate draws in ``index``'s cell, as wide as it is now."""
    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    option.rect = table.visualRect(index)
    table.itemDelegateForIndex(index).initStyleOption(option, index)
    return option.text


def test_a_narrow_project_cell_cuts_the_branch_before_the_project(qtbot: QtBot) -> None:
    """Too narrow for "project (branch)", the cell keeps the project whole and cuts the
    branch in its middle ("payments-service (fea…k-1)": rows of one project on different
    branches had all read "proj…k-1)"), then shows that a branch is left out ("(…)": the
    project alone had read as a row without one), then the project alone, elided only if that
    does not fit either; wide enough, the branch is back."""

    table = SessionsTable(SessionTableModel())
    qtbot.addWidget(table)
    metrics = table.fontMetrics()
    full, short = "payments-service (feature/task-1)", "payments-service"

    def width(text: str) -> int:
        return metrics.horizontalAdvance(text)

    cut = _shortened(full, short, metrics, width(full) - 1)
    assert cut.startswith(f"{short} (")
    assert cut.endswith("-1)")
    assert "…" in cut
    assert width(cut) <= width(full) - 1
    assert _shortened(full, short, metrics, width(f"{short} (…)")) == f"{short} (…)"
    assert _shortened(full, short, metrics, width(f"{short} (…)") - 1) == short
    assert _shortened("odd text", short, metrics, 10) == short  # not "short (…)": kept safe

    model = SessionTableModel()
    model.update(
        [
            session("a", project="payments-service", git_branch="feature/task-1"),
            session("b", project="payments-service", git_branch="feature/task-0", age=60),
        ],
        "a",
        NOW,
    )
    table = shown_table(qtbot, 300, model)
    proxy = table.model()
    for row in range(proxy.rowCount()):
        drawn = drawn_text(table, proxy.index(row, Column.PROJECT))
        assert drawn.startswith("payments-service"), drawn
        assert drawn != "payments-service (feature/task-0)", drawn
    table.resize(1600, 260)
    wide = table.fontMetrics().horizontalAdvance("payments-service (feature/task-0)") + 12
    qtbot.waitUntil(lambda: table.columnWidth(Column.PROJECT) >= wide)
    texts = [drawn_text(table, proxy.index(row, Column.PROJECT)) for row in range(2)]
    assert "payments-service (feature/task-0)" in texts


def test_a_cell_a_fraction_of_a_pixel_too_narrow_still_cuts_the_branch(qtbot: QtBot) -> None:
    """The style lays text out in fractions of a pixel: "api-gateway (main)" is 131.3 px wide
    in a bold font, and whole pixels (131) had said it fits a 131 px cell, so the style cut
    it in its project ("api-gate…y (main)") instead of the branch being left out."""
    candidates = [("api-gateway", "main"), ("payments-service", "feature/task-1"), ("shop", "dev")]
    model = SessionTableModel()
    model.update(
        [
            session(str(n), project=project, git_branch=branch, age=n)
            for n, (project, branch) in enumerate(candidates)
        ],
        "0",
        NOW,
    )
    table = shown_table(qtbot, 820, model)
    proxy = table.model()
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
    tried = 0
    for row in range(proxy.rowCount()):
        index = proxy.index(row, Column.PROJECT)
        option = QStyleOptionViewItem()
        table.initViewItemOption(option)
        option.rect = table.visualRect(index).adjusted(0, 0, 2000, 0)
        table.itemDelegateForIndex(index).initStyleOption(option, index)
        full = option.text
        exact = QFontMetricsF(option.font).horizontalAdvance(full)
        room = round(exact)
        if not exact > room:  # a whole number, or rounded up: no boundary to test here
            continue
        tried += 1
        option = QStyleOptionViewItem()
        table.initViewItemOption(option)
        option.rect = table.visualRect(index)
        option.rect.setWidth(room + 2 * margin)
        table.itemDelegateForIndex(index).initStyleOption(option, index)
        assert option.text != full, full
        assert option.text.startswith(full.split(" (")[0]), option.text
    if not tried:
        pytest.skip("no candidate's width has a fraction under one half in this font")


def test_rows_that_come_or_go_have_only_their_own_cells_measured(
    qtbot: QtBot, qtmodeltester: ModelTester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each cell's width is kept: a row that comes has its cells measured, each text once,
    and one that goes leaves the columns as wide as the cells left need (measuring every cell
    whenever a row came or went froze the window for 0.6 s with 3,000 sessions). The widths
    are those Qt measures."""
    measured: list[tuple[int, int]] = []
    real = RowDelegate.initStyleOption

    def counted(self: RowDelegate, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        measured.append((index.row(), index.column()))
        real(self, option, index)

    # Before the table is made: PySide keeps the method it first found for a delegate.
    monkeypatch.setattr(RowDelegate, "initStyleOption", counted)
    listed = [
        # Names wider than the title "Project" with room for the sort arrow, which the
        # column keeps whatever its cells.
        session(f"s{n}", age=3 * 3600 + n, project=f"shop-project-{n % 4}", git_branch=None)
        for n in range(60)
    ]
    model = SessionTableModel()
    model.update(listed, "s0", NOW)
    table = shown_table(qtbot, 1600, model)
    qtmodeltester.check(model, force_py=True)

    def qt_widths() -> dict[Column, int]:
        return {column: QTableView.sizeHintForColumn(table, column) for column in Column}

    wide = session("wide", age=3, project="a-much-longer-project-name-than-the-others")
    measured.clear()
    model.update([*listed, wide], "s0", NOW + 2)
    # Its project and its age ("just now") are texts not seen before.
    assert sorted(measured) == [(60, Column.PROJECT), (60, Column.LAST_ACTIVITY)]
    widths = qt_widths()
    assert table.natural_column_width(Column.PROJECT) == widths[Column.PROJECT]
    measured.clear()
    model.update(listed[1:], "s1", NOW + 4)  # the wide one and the first row gone
    assert len(measured) <= len(Column)  # the new active row's cells, in bold
    narrower = qt_widths()[Column.PROJECT]
    assert table.natural_column_width(Column.PROJECT) == narrower < widths[Column.PROJECT]
    assert_fits(table)


def test_rows_gone_apart_are_fitted_once(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every other row goes (sessions ended at midnight, apart in the list): one removal
    each, but the columns are fitted once, when the update is over (once per removal had
    cost 0.1 s with 300 of 3,000 rows), and then as the rows left need."""
    listed = [
        session(f"s{n}", age=60 + n, project=("long-project-" * 3 if n % 2 else "p") + str(n))
        for n in range(40)
    ]
    model = SessionTableModel()
    model.update(listed, "s0", NOW)
    table = shown_table(qtbot, 1600, model)
    fitted: list[int] = []
    real = SessionsTable._fit_cells
    monkeypatch.setattr(table, "_fit_cells", lambda: fitted.append(1) or real(table))
    wide = table.natural_column_width(Column.PROJECT)
    model.update(listed[::2], "s0", NOW + 2)
    assert fitted == [1]
    narrower = QTableView.sizeHintForColumn(table, Column.PROJECT)
    assert table.natural_column_width(Column.PROJECT) == narrower
    assert table.natural_column_width(Column.PROJECT) < wide
    model.update(listed[::2], "s0", NOW + 4)  # nothing gone: nothing fitted
    assert fitted == [1]


def test_activity_sorts_the_busiest_first_on_its_first_click(qtbot: QtBot) -> None:
    """A click on Activity groups the sessions by what they do, working ones first, then
    waiting, idle, and the ended ones last; a second click turns the live ones round, the
    ended ones still after them. (Its sort value had been a Python tuple, which the proxy
    cannot compare: the click left the rows as they came.)"""
    model = SessionTableModel()
    model.update(
        [
            session("quiet", age=30, activity=Activity(ActivityKind.IDLE)),
            session("gone", age=4000, activity=Activity(ActivityKind.EDITING, "a.py")),
            session("asks", age=20, activity=Activity(ActivityKind.WAITING)),
            session("edits", age=50, activity=Activity(ActivityKind.EDITING, "b.py")),
        ],
        "asks",
        NOW,
        ended={"gone"},
    )
    table = shown_table(qtbot, 1600, model)
    header = table.horizontalHeader()

    def order() -> list[str]:
        rows = range(table.proxy.rowCount())
        return [table.proxy.index(row, Column.PROJECT).data().split()[0] for row in rows]

    _click_header(qtbot, table, Column.ACTIVITY)
    assert header.sortIndicatorOrder() is Qt.SortOrder.DescendingOrder
    assert order() == ["edits", "asks", "quiet", "gone"]
    _click_header(qtbot, table, Column.ACTIVITY)
    # Turned round, the live ones are; the ended one stays below them (it had come first).
    assert order() == ["quiet", "asks", "edits", "gone"]


def sorted_ids(table: SessionsTable, column: Column, order: Qt.SortOrder) -> list[str]:
    """The session ids top to bottom once ``table`` is sorted by ``column`` in ``order``."""
    table.sortByColumn(column, order)
    table.sortByColumn(column, order)  # a first click on a number column sorts it largest first
    assert table.horizontalHeader().sortIndicatorOrder() is order
    proxy = table.proxy
    return [proxy.index(row, 0).data(SessionRole).session_id for row in range(proxy.rowCount())]


BOTH_WAYS = pytest.mark.parametrize(
    "order", [Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder], ids=["desc", "asc"]
)


@BOTH_WAYS
def test_last_activity_keeps_the_ended_sessions_below_the_live_ones_both_ways(
    qtbot: QtBot, order: Qt.SortOrder
) -> None:
    """Newest first the live sessions lead and the ended ones follow; oldest first, the same
    groups, each oldest first: the ended ones had come first, above every live session."""
    model = SessionTableModel()
    model.update(
        [
            session("new", age=5),
            session("waits", age=1800, activity=Activity(ActivityKind.WAITING)),
            session("ended-late", age=600, activity=Activity(ActivityKind.IDLE)),
            session("ended-early", age=7200, activity=Activity(ActivityKind.IDLE)),
        ],
        "new",
        NOW,
        ended={"ended-late", "ended-early"},
    )
    table = shown_table(qtbot, 1600, model)
    expected = {
        Qt.SortOrder.DescendingOrder: ["new", "waits", "ended-late", "ended-early"],
        Qt.SortOrder.AscendingOrder: ["waits", "new", "ended-early", "ended-late"],
    }
    assert sorted_ids(table, Column.LAST_ACTIVITY, order) == expected[order]


#: For each column, a live session that sorts high in it, one that sorts low, and a session
#: ended today whose value lies between theirs.
_HIGH_LOW_ENDED = {
    Column.PROJECT: ({"project": "zeta"}, {"project": "alpha"}, {"project": "mid"}),
    Column.MODEL: ({"model": "gpt-5.3-codex"}, {"model": "gpt-4.1"}, {"model": "gpt-5"}),
    Column.TOKENS: (
        {"session_total_tokens": 9000},
        {"session_total_tokens": 100},
        {"session_total_tokens": 5000},
    ),
    Column.CONTEXT: (
        {"context": ContextUsage(20_000, 258_400)},
        {"context": ContextUsage(200_000, 258_400)},
        {"context": ContextUsage(100_000, 258_400)},
    ),
    Column.SHARE: ({}, {}, {}),  # the shares come apart, below
    Column.ACTIVITY: (
        {"activity": Activity(ActivityKind.EDITING, "a.py")},
        {"activity": Activity(ActivityKind.IDLE)},
        {"activity": Activity(ActivityKind.WAITING)},
    ),
}


@BOTH_WAYS
@pytest.mark.parametrize("column", list(_HIGH_LOW_ENDED), ids=lambda column: column.name)
def test_every_column_keeps_the_ended_sessions_after_the_live_ones(
    qtbot: QtBot, column: Column, order: Qt.SortOrder
) -> None:
    """As a file manager keeps folders first whichever way a column is turned: whatever the
    column and direction, the live sessions come first and the greyed ended ones after them.
    Other columns had put an ended session among the live ones, or first of all."""
    high, low, ended = _HIGH_LOW_ENDED[column]
    model = SessionTableModel()
    shares = {
        "high": (SessionShare("5h", 20.0, False),),
        "low": (SessionShare("5h", 2.0, False),),
        "ended": (SessionShare("5h", 10.0, False),),
    }
    model.update(
        [
            session("high", age=40, **high),
            session("low", age=50, **low),
            session("ended", age=900, **ended),
        ],
        "high",
        NOW,
        shares,
        ended={"ended"},
    )
    table = shown_table(qtbot, 1600, model)
    live = ["high", "low"] if order is Qt.SortOrder.DescendingOrder else ["low", "high"]
    assert sorted_ids(table, column, order) == [*live, "ended"]


#: A session with nothing to show yet in each column ("–", "unknown", "No activity yet").
_NOTHING = {
    Column.ACTIVITY: {"activity": None},
    Column.MODEL: {"model": None},
    Column.TOKENS: {"session_total_tokens": None},
    Column.CONTEXT: {"context": None},
    Column.SHARE: {},  # no share measured
    Column.LAST_ACTIVITY: {"last_activity_at": None},
}


@BOTH_WAYS
@pytest.mark.parametrize("column", list(_NOTHING), ids=lambda column: column.name)
def test_a_cell_with_nothing_to_show_sorts_last_both_ways(
    qtbot: QtBot, column: Column, order: Qt.SortOrder
) -> None:
    """The common desktop rule: rows with no value in the sorted column come after the ones
    with a value, whichever way it is turned (they came first smallest first: -1 stood for
    nothing; and Last activity sorted a "–" by its file's time, among the ages)."""
    model = SessionTableModel()
    valued = {"high": (SessionShare("5h", 20.0, False),), "low": (SessionShare("5h", 2.0, False),)}
    model.update(
        [
            session("high", age=20, **_HIGH_LOW_ENDED.get(column, ({}, {}, {}))[0]),
            session("nothing", age=30, **_NOTHING[column]),
            session("low", age=40, **_HIGH_LOW_ENDED.get(column, ({}, {}, {}))[1]),
        ],
        "high",
        NOW,
        valued,
    )
    table = shown_table(qtbot, 1600, model)
    assert sorted_ids(table, column, order)[-1] == "nothing"


#: The columns whose values the sessions below share (Tokens and Last activity tell them apart).
_TIED = [Column.PROJECT, Column.ACTIVITY, Column.MODEL, Column.CONTEXT, Column.SHARE]


@pytest.mark.parametrize("column", _TIED, ids=lambda column: column.name)
def test_tied_sessions_keep_one_order_newest_started_first(qtbot: QtBot, column: Column) -> None:
    """Sessions a column cannot tell apart (one model, no share yet) read in one order, the
    newest started first, in both directions, whatever was sorted before, and still after a
    refresh in which one of them worked: they had kept the order the previous sort left."""
    started = {"first": 3 * 3600, "second": 2 * 3600, "third": 3600}
    model = SessionTableModel()

    def listed(busy: str | None = None) -> list[CodexSessionSnapshot]:
        return [
            session(
                name,
                # The oldest start wrote last: the default sort (newest first) turns them round.
                age=1 if name == busy else 10 * n,
                project="shop",
                git_branch="main",
                started_at=NOW - started[name],
                session_total_tokens=5000 + (100 if name == busy else 0),
                activity=Activity(ActivityKind.EDITING, "a.py"),
            )
            for n, name in enumerate(started, 1)
        ]

    model.update(listed(), None, NOW)
    table = shown_table(qtbot, 1600, model)
    newest_first = ["third", "second", "first"]
    for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
        assert sorted_ids(table, column, order) == newest_first, order
    model.update(listed(busy="second"), None, NOW + 2)
    shown = [table.proxy.index(r, 0).data(SessionRole).session_id for r in range(3)]
    assert shown == newest_first


def test_numbers_read_left_to_right_in_a_right_to_left_window(qtbot: QtBot) -> None:
    """In a right-to-left window the columns are mirrored, but the app's texts of numbers and
    signs read as written: "5s ago" and "▲ ≈ 12% of 5h" had been drawn "s ago 5" and
    "of 5h 12% ≈ ▲" (their ends took the window's direction). Names keep Qt's own handling."""
    table = SessionsTable(ordinary_model())
    qtbot.addWidget(table)
    table.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    table.resize(1600, 260)
    table.show()
    qtbot.waitExposed(table)
    checked = set()
    for row in range(table.proxy.rowCount()):
        for column in (Column.TOKENS, Column.CONTEXT, Column.SHARE, Column.LAST_ACTIVITY):
            index = table.proxy.index(row, column)
            option = QStyleOptionViewItem()
            table.initViewItemOption(option)
            option.rect = table.visualRect(index)
            table.itemDelegateForIndex(index).initStyleOption(option, index)
            assert option.direction == Qt.LayoutDirection.RightToLeft
            written = index.data()
            shown = reading_order(option.text, option.font, option.direction)
            assert shown == written, (shown, written)
            checked.add(written)
    assert {"5s ago", "94% left", "▲ ≈ 12% of 5h", "26.4K | 26.4K | 52.4K"} <= checked
    assert any(text.endswith("% left") for text in checked)
