"""The Usage page: its tables (checked by Qt's model tester), the chart's hover values and
modes, the export to CSV, its states, and its place in the main window."""

from __future__ import annotations

import itertools
import math
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, QThread, QTimer
from PySide6.QtGui import (
    QCursor,
    QFocusEvent,
    QFontMetricsF,
    QHelpEvent,
    QPalette,
    QResizeEvent,
    QTextDocument,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QDialog,
    QFileDialog,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)
from pytestqt.qtbot import QtBot

from codex_presence_gui.app import settle
from codex_presence_gui.core.formatting import Level
from codex_presence_gui.core.usage_index import SlotUsage
from codex_presence_gui.core.usage_report import spoken_lines
from codex_presence_gui.services import file_saver
from codex_presence_gui.services.worker import join_parked, parked_threads
from codex_presence_gui.ui.accessible import RingsKept
from codex_presence_gui.ui.layout_check import check_layout
from codex_presence_gui.ui.main_window import DEFAULT_SIZE, LIVE_PAGE, USAGE_PAGE, MainWindow
from codex_presence_gui.ui.theme import (
    MIN_TEXT_CONTRAST,
    apply_theme,
    contrast_ratio,
    level_text_color,
)
from codex_presence_gui.ui.usage_chart import (
    UNPRICED_LEGEND,
    WORD_JOINER,
    ChartMode,
    UsageChart,
    legend_html,
    nice_ceiling,
)
from codex_presence_gui.ui.usage_view import (
    DEFAULT_CSV_NAME,
    NUMBER_COLUMNS,
    TABLE_ROWS,
    UsagePage,
    UsageTable,
    csv_name,
)
from codex_presence_gui.ui.window_state import LayoutMode
from codex_presence_gui.viewmodels.usage import (
    BUILDING_MESSAGE,
    EMPTY_MESSAGE,
    UsageState,
    UsageView,
    loading_view,
    usage_view,
)
from codex_presence_gui.viewmodels.usage_table import (
    COST_HEADER,
    RowRole,
    SortRole,
    UsageColumn,
    UsageTableModel,
)
from tests.helpers.bidi import reading_order
from tests.helpers.rings import ringed
from tests.unit.viewmodels.test_usage import TODAY, recent, slot

UTC = UTC


def full_view() -> UsageView:
    slots = [
        slot(TODAY, 1_075_000, 125_000, project="shop"),
        slot(TODAY, 200_000, 1000, project="api", model="gpt-b"),
        slot(TODAY - timedelta(days=3), 500_000, 2000, cached=400_000, project="api"),
        slot(TODAY - timedelta(days=20), 90_000, project="docs", model="mystery"),
    ]
    return usage_view(recent(slots))


# -- the tables ---------------------------------------------------------------------------


def test_table_model_passes_the_model_tester(qtmodeltester: object) -> None:
    """Filled, checked by Qt's tester, then changed in place and replaced under its eyes."""
    view = full_view()
    model = UsageTableModel("Project")
    model.show_rows(view.projects)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    changed = (replace(view.projects[0], tokens_text="9.99M", tokens=9_990_000), *view.projects[1:])
    model.show_rows(changed)
    assert model.index(0, UsageColumn.TOKENS).data() == "9.99M"
    model.show_rows(view.projects[1:])
    assert model.rowCount() == len(view.projects) - 1
    model.show_rows(())
    assert model.rowCount() == 0


def test_look_alike_models_read_apart_in_the_table(qtmodeltester: object) -> None:
    """Two models whose names differ in a bidi override or a zero-width space are two rows
    that read differently (the name escaped: ``\\u202egpt-5``), in the cell, its tooltip
    and what a screen reader says."""
    names = ["gpt-5", "\u202egpt-5", "gpt-5\u200b", "gpt\u00a05"]
    view = usage_view(recent([slot(TODAY, 1000 * (n + 1), model=m) for n, m in enumerate(names)]))
    model = UsageTableModel("Model")
    model.show_rows(view.models)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleDescriptionRole):
        shown = [model.index(row, UsageColumn.NAME).data(role) for row in range(len(names))]
        assert len(set(shown)) == len(names), shown
    tips = [
        model.index(row, UsageColumn.NAME).data(Qt.ItemDataRole.ToolTipRole)
        for row in range(len(names))
    ]
    assert len(set(tips)) == len(names)
    assert "\\u202egpt-5" in {model.index(row, UsageColumn.NAME).data() for row in range(4)}


def test_a_change_in_every_row_is_one_signal(qtbot: QtBot) -> None:
    """The shares move in every row whenever the total does: one ``dataChanged`` for the lot,
    so the table measures its cells once (once per row had made an update cost rows²: 1.2 s
    of a frozen window with 100 projects, 5 s with 200)."""
    rows = [
        replace(full_view().projects[0], name=f"project-{n}", tokens=n, share=(n + 1) / 100)
        for n in range(100)
    ]
    model = UsageTableModel("Project")
    model.show_rows(rows)
    spans: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last, _roles: spans.append((first.row(), last.row())))
    model.show_rows([replace(row, share=row.share / 2) for row in rows])
    assert spans == [(0, 99)]
    assert model.index(99, UsageColumn.SHARE).data(SortRole)[1] == rows[99].share / 2
    spans.clear()
    model.show_rows([*model.rows[:10], replace(model.rows[10], tokens=7), *model.rows[11:]])
    assert spans == [(10, 10)]


def test_a_table_tells_its_token_counts_in_words(qtbot: QtBot) -> None:
    """A screen reader hears "1.2 million tokens", not "1.2 M tokens" (or "kelvin")."""
    model = UsageTableModel("Project")
    model.show_rows([replace(full_view().projects[0], tokens_text="1.2M", tokens=1_200_000)])
    told = model.index(0, UsageColumn.TOKENS).data(Qt.ItemDataRole.AccessibleTextRole)
    assert told == "1.2 million"


def test_a_period_total_is_told_in_words(qtbot: QtBot) -> None:
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    told = page.periods[2].accessibleName()
    assert told.startswith(f"{page.periods[2].caption.full_text}: "), told
    assert " million tokens, about $" in told or " thousand tokens, about $" in told, told
    assert "~" not in told
    assert not any(f"{digit}M " in told for digit in "0123456789")


def test_the_page_keeps_each_models_colour_when_the_period_changes(qtbot: QtBot) -> None:
    """Shown at 30 days, then at 7 where the models rank otherwise: the chart and its legend
    draw each model as before."""
    from datetime import timedelta

    page = UsagePage()
    qtbot.addWidget(page)
    slots = [
        slot(TODAY - timedelta(days=20), 9_000_000, model="gpt-a"),
        slot(TODAY, 1_000_000, model="gpt-a"),
        slot(TODAY, 2_000_000, model="gpt-b"),
    ]
    page.show_view(usage_view(recent(slots)))
    assert page.chart.chart is not None
    month = page.chart.chart.stacking(cost=False)
    page.show_view(usage_view(recent(slots, days=7)))
    assert page.chart.chart is not None
    week = page.chart.chart.stacking(cost=False)
    assert dict(zip(*week, strict=True)) == dict(zip(*month, strict=True))
    assert page.legend.chart is page.chart.chart


def test_table_model_roles(qtbot: QtBot) -> None:
    """Text, raw values to sort on, the row itself, the tooltip, and the cost's header tip."""
    view = full_view()
    model = UsageTableModel("Model")
    model.show_rows(view.models)
    first = view.models[0]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Model"
    assert model.headerData(UsageColumn.COST, Qt.Orientation.Horizontal) == COST_HEADER
    tip = model.headerData(UsageColumn.COST, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "API-equivalent cost (estimate)" in tip
    assert model.index(0, UsageColumn.NAME).data() == first.name
    assert model.index(0, UsageColumn.COST).data() == first.cost_text
    assert model.index(0, UsageColumn.TOKENS).data(SortRole)[1] == first.tokens
    assert model.index(0, UsageColumn.SHARE).data(SortRole)[1] == first.share
    assert model.index(0, 0).data(RowRole) == first
    assert first.name in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    unpriced = next(i for i, row in enumerate(view.models) if row.cost_usd is None)
    assert model.index(unpriced, UsageColumn.COST).data(SortRole)[1] is None


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_an_unpriced_cost_sorts_last_both_ways_and_ties_go_by_name(
    qtbot: QtBot, order: Qt.SortOrder
) -> None:
    """A cost with nothing to show ("–") goes after the priced ones, smallest first too (as
    -1 it came first); equal tokens read A to Z whichever way the column is turned."""
    page = UsagePage()
    qtbot.addWidget(page)
    base = full_view().models[0]
    rows = [
        replace(base, name="b", tokens=5, cost_usd=None, cost_text="–"),
        replace(base, name="c", tokens=5, cost_usd=2.0),
        replace(base, name="a", tokens=5, cost_usd=1.0),
        replace(base, name="d", tokens=9, cost_usd=None, cost_text="–"),
    ]
    table = page.model_table
    table.source_model.show_rows(rows)
    table.proxy.sort(UsageColumn.COST, order)
    names = [table.proxy.index(n, 0).data() for n in range(4)]
    priced = ["a", "c"] if order is Qt.SortOrder.AscendingOrder else ["c", "a"]
    assert names == [*priced, "b", "d"]
    table.proxy.sort(UsageColumn.TOKENS, order)
    names = [table.proxy.index(n, 0).data() for n in range(4)]
    assert names == (
        ["a", "b", "c", "d"] if order is Qt.SortOrder.AscendingOrder else ["d", "a", "b", "c"]
    )


def test_tables_sort_by_tokens_and_never_scroll_sideways(qtbot: QtBot) -> None:
    page = settled_page(qtbot, 560, 700)
    table = page.project_table
    names = [table.model().index(row, 0).data() for row in range(table.model().rowCount())]
    assert names == ["shop", "api", "docs"]
    assert table.horizontalScrollBar().maximum() == 0
    # Sorted by name, then by cost: the cost is largest first on its first click.
    header = table.horizontalHeader()
    for column, order in (
        (UsageColumn.NAME, Qt.SortOrder.AscendingOrder),
        (UsageColumn.COST, Qt.SortOrder.DescendingOrder),
    ):
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (column, order)


def cost_ink_end(table: UsageTable, name: str) -> int:
    """Where the text drawn in the cost cell of ``name``'s row ends, in the table's
    viewport (dark text on a light theme)."""
    proxy = table.proxy
    row = next(n for n in range(proxy.rowCount()) if proxy.index(n, 0).data() == name)
    image = table.viewport().grab().toImage()
    rect = table.visualRect(proxy.index(row, UsageColumn.COST))
    rows = range(rect.top() + 2, rect.bottom() - 1)
    inked = [
        x
        for x in range(rect.left(), rect.right() + 1)
        if any(image.pixelColor(x, y).lightness() < 128 for y in rows)
    ]
    return max(inked)


def test_stacked_tables_line_their_costs_up_when_one_has_a_partial_mark(qtbot: QtBot) -> None:
    """One under the other, the tables read as one ledger: a cost of the model table (none
    of whose costs is marked) ends where the project table's unmarked ones do, a mark's
    width in, and the column is wide enough for it."""
    page = UsagePage()
    qtbot.addWidget(page)
    slots = [
        slot(TODAY, 900_000_000, project="api"),  # ~$1,800.00, the widest, in both tables
        slot(TODAY, 400_000, project="docs", model="gpt-b"),  # ~$0.40+ (with mystery's)
        slot(TODAY, 300_000, project="docs", model="mystery"),
    ]
    page.show_view(usage_view(recent(slots)))
    page.resize(420, 900)
    page.show()
    settle()
    projects, models = page.project_table, page.model_table
    assert page.tables_box.ledger.joined
    assert projects.proxy.index(1, UsageColumn.COST).data() == "~$0.40+"
    assert models.proxy.index(0, UsageColumn.COST).data() == "~$1,800.00"
    assert abs(cost_ink_end(projects, "api") - cost_ink_end(models, "gpt-a")) <= 1
    assert cost_ink_end(projects, "docs") > cost_ink_end(models, "gpt-a") + 3
    option = QStyleOptionViewItem()
    models.initViewItemOption(option)
    delegate = models.itemDelegateForColumn(UsageColumn.COST)
    text = delegate.sizeHint(option, models.proxy.index(0, UsageColumn.COST)).width()
    mark = math.ceil(QFontMetricsF(models.font()).horizontalAdvance("+"))
    assert models.horizontalHeader().sectionSize(UsageColumn.COST) >= text + mark


def test_costs_line_up_on_their_points_beside_one_marked_partial(qtbot: QtBot) -> None:
    """In a table where a cost leaves unpriced tokens out ("~$3.43+"), the costs without
    the mark end a mark's width in from the edge, so that the column lines up on its
    points (they had ended at the edge, under the "+"); and the widest of them, so moved,
    is still whole."""
    page = UsagePage()
    qtbot.addWidget(page)
    slots = [
        slot(TODAY, 2_000_000, project="api"),  # ~$4.00
        slot(TODAY, 400_000, project="docs"),  # ~$0.80+ (and mystery's tokens)
        slot(TODAY, 300_000, project="docs", model="mystery"),
        slot(TODAY, 900_000_000, project="big"),  # ~$1,800.00: the widest
    ]
    page.show_view(usage_view(recent(slots)))
    page.resize(900, 700)
    page.show()
    settle()
    table = page.project_table
    proxy = table.proxy
    costs = {proxy.index(row, 0).data(): row for row in range(proxy.rowCount())}
    assert proxy.index(costs["docs"], UsageColumn.COST).data() == "~$0.80+"
    mark = QFontMetricsF(table.font()).horizontalAdvance("+")
    partial = cost_ink_end(table, "docs")
    for name in ("api", "big"):
        assert partial - cost_ink_end(table, name) >= mark - 1, name
    # The widest, moved in, is drawn whole (not elided to "~$1,80…").
    rect = table.visualRect(proxy.index(costs["big"], UsageColumn.COST))
    delegate = table.itemDelegateForColumn(UsageColumn.COST)
    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    assert delegate.sizeHint(option, proxy.index(costs["big"], UsageColumn.COST)).width() <= (
        rect.width()
    )


@pytest.mark.parametrize("width", [420, 560, 700, 900, 1200])
def test_the_tables_columns_stay_put_when_another_column_is_sorted(
    qtbot: QtBot, width: int
) -> None:
    """As in the sessions table: every title keeps room for the sort arrow, so sorting by
    another column moves none, hides none, and never makes a table scroll sideways."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    page.resize(width, 700)
    page.show()
    settle()
    for table in (page.project_table, page.model_table):
        header = table.horizontalHeader()

        def widths(table: UsageTable = table) -> list[int | None]:
            return [
                None if table.isColumnHidden(column) else table.columnWidth(column)
                for column in UsageColumn
            ]

        before = widths()
        for column in (*UsageColumn, UsageColumn.TOKENS):
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                table.sortByColumn(column, order)
                settle()
                assert widths() == before, (table.accessibleName(), column, order)
                assert table.horizontalScrollBar().maximum() == 0
        assert header.sortIndicatorSection() == UsageColumn.TOKENS


def test_the_period_totals_show_whole_at_any_width(qtbot: QtBot) -> None:
    """Side by side while each box shows its numbers whole; one under the other, each on one
    line, when the page is narrower: a cost is never cut to "~$9,300,00…"."""
    huge = [
        slot(TODAY - timedelta(days=back), 4_000_000_000_000, 290_000_000_000) for back in range(30)
    ]
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(usage_view(recent(huge)))
    page.show()
    for width, flat in ((1280, False), (360, True)):
        page.resize(width, 700)
        settle()
        for box in page.periods:
            assert box.flat is flat, width
            for label in (box.caption, box.tokens, box.cost):
                assert label.text() == label.full_text, (width, label.full_text)
    assert page.periods[2].cost.full_text.startswith("~$")
    assert page.periods[2].cost.full_text.endswith(" est.")  # said to be an estimate
    tops = [box.geometry().top() for box in page.periods]
    assert tops == sorted(set(tops))  # one under the other


def test_flat_period_totals_start_their_tokens_in_line(qtbot: QtBot) -> None:
    """One under the other, the three totals' tokens start at one x ("Today" is shorter
    than "30 days": its tokens had started further left); side by side, each caption is
    as wide as its own text again."""
    page = settled_page(qtbot, 420, 700)
    assert all(box.flat for box in page.periods)
    starts = {box.tokens.mapTo(page, QPoint(0, 0)).x() for box in page.periods}
    assert len(starts) == 1, starts
    page.resize(1280, 700)
    settle()
    assert not any(box.flat for box in page.periods)
    assert all(box.caption.sizeHint().width() == box.caption.full_width() for box in page.periods)


# -- the chart ----------------------------------------------------------------------------


def shown_chart(qtbot: QtBot) -> UsageChart:
    chart = UsageChart()
    qtbot.addWidget(chart)
    chart.set_chart(full_view().chart)
    chart.resize(600, 200)
    chart.show()
    settle()
    return chart


@pytest.mark.parametrize(("width", "mondays"), [(1600, True), (820, True), (300, False)])
def test_the_dates_mark_the_weeks_where_there_is_room(
    qtbot: QtBot, width: int, mondays: bool
) -> None:
    """Wide enough, each Monday between the first day and "Today" is named (the weeks read
    at a glance; a maximised window had three labels under 30 bars); narrow, the middle day
    only, or nothing between. No two labels ever touch."""
    chart = shown_chart(qtbot)
    chart.resize(width, 200)
    labels = chart.date_labels()
    texts = [text for _box, _alignment, text in labels]
    assert texts[0] == "Today"
    first = chart.chart.days[0].label
    between = [text for text in texts[1:] if text != first]
    if mondays:
        assert len(between) >= 3
        assert all(text.startswith("Mon ") for text in between)
        # Every Monday from the first (only one crowding "Today" may be left out): none is
        # left out beside the first day (the weeks read uneven: "Sun 1 Nov", "Mon 9 Nov").
        every = [day.label for day in chart.chart.days[1:-1] if day.day.weekday() == 0]
        assert between == every[: len(between)]
        assert len(between) >= len(every) - 1
    else:
        assert len(between) <= 1
    boxes = sorted((box for box, _alignment, _text in labels), key=lambda box: box.left())
    for earlier, later in itertools.pairwise(boxes):
        assert later.left() > earlier.right()
    assert all(box.left() >= 0 and box.right() <= chart.width() for box in boxes)


def settled_page(qtbot: QtBot, width: int, height: int) -> UsagePage:
    """A page of ``full_view`` shown at ``width`` x ``height``, its layout settled."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    page.resize(width, height)
    page.show()
    settle()
    return page


def active_page(qtbot: QtBot, width: int, height: int) -> UsagePage:
    """A page of ``full_view`` shown at ``width`` x ``height``, its window active (for the
    keyboard's focus)."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    page.resize(width, height)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    return page


def test_a_monday_the_day_after_the_first_is_named(qtbot: QtBot) -> None:
    """30 days from Sunday 1 November: "Mon 2 Nov" is named, not "Sun 1 Nov" beside it (which
    made the first week look two weeks long: "Sun 1 Nov", then "Mon 9 Nov")."""
    today = date(2026, 11, 30)
    chart = shown_chart(qtbot)
    chart.set_chart(usage_view(recent([slot(today, 1000)], today=today)).chart)
    chart.resize(820, 200)
    texts = [text for _box, _alignment, text in chart.date_labels()]
    assert "Mon 2 Nov" in texts
    assert "Sun 1 Nov" not in texts
    assert [text for text in texts if text.startswith("Mon ")] == [
        "Mon 2 Nov",
        "Mon 9 Nov",
        "Mon 16 Nov",
        "Mon 23 Nov",
    ]


def test_the_days_can_be_read_with_the_keyboard(qtbot: QtBot) -> None:
    """Tab reaches the chart; the arrows walk the days (from today), Home and End jump, each
    day's values said by it and to a screen reader; leaving the chart clears the day."""
    page = active_page(qtbot, 600, 700)
    chart = page.chart
    assert chart.focusPolicy() & Qt.FocusPolicy.TabFocus
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)
    assert chart.chart is not None
    days = chart.chart.days
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    assert chart.hovered == len(days) - 1  # the first arrow starts from today
    assert chart.accessibleDescription() == spoken_lines(days[-1].tooltip)
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    assert chart.hovered == len(days) - 2
    assert chart.accessibleDescription() == spoken_lines(days[-2].tooltip)
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    qtbot.keyClick(chart, Qt.Key.Key_Left)  # no further than the first day
    assert chart.hovered == 0
    qtbot.keyClick(chart, Qt.Key.Key_End)
    assert chart.hovered == len(days) - 1
    # Page Down scrolls the page from the chart (the page itself is no Tab stop: nothing
    # showed the focus on it).
    assert page.focusPolicy() == Qt.FocusPolicy.NoFocus
    page.resize(600, 300)
    qtbot.waitUntil(lambda: page.verticalScrollBar().maximum() > 0)
    top = page.verticalScrollBar().value()
    qtbot.keyClick(chart, Qt.Key.Key_PageDown)
    assert page.verticalScrollBar().value() > top
    page.project_table.setFocus()
    qtbot.waitUntil(lambda: not chart.hasFocus())
    assert chart.hovered is None
    assert chart.accessibleDescription() != spoken_lines(days[-1].tooltip)


def test_the_keyboard_s_day_is_told_under_the_chart_clear_of_the_bars(qtbot: QtBot) -> None:
    """The values of the day the arrows are on show under the chart, by the day, not over
    the bars: by the day's top, they hid the days around it as the arrows walked them."""
    page = active_page(qtbot, 600, 420)
    page.move(0, 0)
    chart = page.chart
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)
    plot = chart.plot_rect().toAlignedRect()
    bars = QRect(chart.mapToGlobal(plot.topLeft()), plot.size())
    assert chart.mapToGlobal(QPoint(0, chart.height())).y() + 100 < chart.screen().size().height()
    for key in (Qt.Key.Key_End, Qt.Key.Key_Left, Qt.Key.Key_Home):
        qtbot.keyClick(chart, key)
        assert QToolTip.isVisible()
        (tip,) = [w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel")]
        assert tip.isVisible()
        assert not tip.geometry().intersects(bars), (key, tip.geometry(), bars)
        day = chart.mapToGlobal(chart.bar_rect(chart.hovered).toAlignedRect().topLeft())
        assert abs(tip.geometry().left() - day.x()) < 40 or tip.geometry().right() >= bars.right()


def test_usage_coming_in_leaves_the_keyboard_s_day_told(qtbot: QtBot) -> None:
    """Usage read again while the keyboard is on a day (as sessions write, every few seconds)
    leaves that day's values as the chart's description, today's as they now are: the
    description had gone back to the 30 days' summary under the day still highlighted, and
    a screen reader read that out in the middle of the days."""
    page = active_page(qtbot, 600, 700)
    chart = page.chart
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)
    assert chart.chart is not None
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    today = chart.chart.days[-1]
    grown = replace(today, tokens=today.tokens + 1000, tooltip=f"{today.tooltip} (more)")
    assert QToolTip.isVisible()
    chart.set_chart(replace(chart.chart, days=(*chart.chart.days[:-1], grown)))
    assert chart.hovered == len(chart.chart.days) - 1
    assert chart.accessibleDescription() == spoken_lines(grown.tooltip)
    assert "(more)" in QToolTip.text()  # the values by the bar too, as they now are
    page.project_table.setFocus()
    qtbot.waitUntil(lambda: not chart.hasFocus())
    chart.set_chart(replace(chart.chart, days=(*chart.chart.days[:-1], today)))
    assert chart.accessibleDescription() != spoken_lines(today.tooltip)  # the summary


def test_hovering_a_day_tells_its_values(qtbot: QtBot) -> None:
    """Over today's bar: the date, each model, the total; between bars of the plot's edge,
    nothing."""
    chart = shown_chart(qtbot)
    assert chart.chart is not None
    today = chart.bar_rect(29).center().toPoint()
    assert chart.bar_at(today) == 29
    assert chart.text_at(today) == chart.chart.days[-1].tooltip
    assert chart.text_at(today).splitlines() == [
        "Today, Wednesday 20 May 2026",
        "gpt-a: 1.2M tokens · ~$3.40",
        "gpt-b: 201K tokens · ~$0.20",
        "Total: 1.4M tokens · ~$3.60",
    ]
    assert chart.text_at(QPoint(2, 100)) == ""  # over the scale, left of the bars
    chart.set_mode(ChartMode.COST)  # the cost bar's hover: its models in its own order
    assert chart.text_at(today) == chart.chart.days[-1].tip(cost=True)
    chart.set_mode(ChartMode.TOKENS)
    qtbot.mouseMove(chart, today)
    qtbot.waitUntil(lambda: chart.hovered == 29)
    empty = chart.bar_rect(10).center().toPoint()
    qtbot.mouseMove(chart, empty)
    qtbot.waitUntil(lambda: chart.hovered == 10)
    assert chart.text_at(empty).endswith("No usage")


def test_the_tooltip_event_shows_the_days_values(qtbot: QtBot) -> None:
    chart = shown_chart(qtbot)
    assert chart.chart is not None
    where = chart.bar_rect(26).center().toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, where, chart.mapToGlobal(where))
    QApplication.sendEvent(chart, event)
    qtbot.waitUntil(lambda: "Sunday 17 May 2026" in QToolTip.text())
    assert "gpt-a: 502K tokens" in QToolTip.text()
    assert chart.hovered == 26
    QToolTip.hideText()


def test_tokens_or_cost(qtbot: QtBot) -> None:
    """The page's buttons switch the bars; without any price the cost is not offered, and
    its button says why (greyed out alone, it had read as broken)."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    assert page.chart.mode is ChartMode.TOKENS
    page.cost_button.click()
    assert page.chart.mode is ChartMode.COST
    assert page.chart._top() == nice_ceiling(3.604)
    page.tokens_button.click()
    assert page.chart.mode is ChartMode.TOKENS
    page.set_mode(ChartMode.COST)
    assert page.chart.mode is ChartMode.COST
    unpriced = usage_view(recent([slot(TODAY, 1000, model="mystery")]))
    page.show_view(unpriced)
    assert not page.cost_button.isEnabled()
    assert page.chart.mode is ChartMode.TOKENS
    why = "none of the models used in the last 30 days has a known price"
    assert why in page.cost_button.accessibleDescription()
    assert "known price" in page.cost_button.toolTip()
    page.show_view(full_view())  # the prices known again: the bars asked for come back
    assert page.chart.mode is ChartMode.COST
    assert "known price" not in page.cost_button.toolTip()


def test_share_is_of_the_cost_while_the_page_shows_cost(
    qtbot: QtBot, qtmodeltester: object
) -> None:
    """Switched to cost, the tables' Share is each row's share of the cost ("Cost %", its
    tooltip says so), sorted by it, a row with no known price a dash sorted last; back
    to tokens, the share of the tokens. Without any price the page stays on tokens. The
    rows in the first order of one mode take the other's (most cost first, most tokens
    first); an order the user picked stays."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    table = page.model_table
    model = page.model_model
    header = table.horizontalHeader()

    def shares() -> dict[str, str]:
        proxy = table.proxy
        return {
            proxy.index(row, UsageColumn.NAME).data(): proxy.index(row, UsageColumn.SHARE).data()
            for row in range(proxy.rowCount())
        }

    def title() -> str:
        return str(model.headerData(UsageColumn.SHARE, Qt.Orientation.Horizontal))

    def tip() -> str:
        return str(
            model.headerData(
                UsageColumn.SHARE, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
            )
        )

    by_tokens = shares()
    assert by_tokens == {"gpt-a": "85%", "gpt-b": "10%", "mystery": "5%"}
    assert title() == "Share"
    assert "all tokens" in tip()

    def order() -> list[str]:
        return [table.proxy.index(row, 0).data() for row in range(table.proxy.rowCount())]

    assert order() == ["gpt-a", "gpt-b", "mystery"]  # most tokens first
    page.cost_button.click()
    assert shares() == {"gpt-a": "95%", "gpt-b": "5%", "mystery": "–"}
    assert title() == "Cost %"
    assert header.sortIndicatorSection() == UsageColumn.COST
    assert order() == ["gpt-a", "gpt-b", "mystery"]  # most cost first, the unpriced last
    assert "API-equivalent cost" in tip()
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    # Its title measured anew: "Cost %" whole over its column.
    width = header.sectionSizeFromContents(UsageColumn.SHARE).width()
    assert header.sectionSize(UsageColumn.SHARE) >= width
    for _ in range(2):  # as two clicks: the first sorts a column of numbers largest first
        table.sortByColumn(UsageColumn.SHARE, Qt.SortOrder.AscendingOrder)
    assert order() == ["gpt-b", "gpt-a", "mystery"]
    page.tokens_button.click()
    assert shares() == by_tokens
    assert title() == "Share"
    assert header.sortIndicatorSection() == UsageColumn.SHARE  # the user's order stays
    table.sortByColumn(UsageColumn.TOKENS, Qt.SortOrder.DescendingOrder)
    page.cost_button.click()
    page.tokens_button.click()
    assert header.sortIndicatorSection() == UsageColumn.TOKENS  # and back
    # The most tokens are not the most cost: gpt-b's 900K cost $0.90, gpt-a's 200K $1.20.
    page.show_view(
        usage_view(recent([slot(TODAY, 900_000, model="gpt-b"), slot(TODAY, 100_000, 100_000)]))
    )
    assert order() == ["gpt-b", "gpt-a"]
    page.cost_button.click()
    assert order() == ["gpt-a", "gpt-b"]
    page.tokens_button.click()
    assert order() == ["gpt-b", "gpt-a"]
    page.cost_button.click()
    page.show_view(usage_view(recent([slot(TODAY, 1000, model="mystery")])))  # no price
    assert page.chart.mode is ChartMode.TOKENS
    assert shares() == {"mystery": "100%"}
    assert title() == "Share"


def test_the_bars_chosen_are_kept_for_the_next_run(qtbot: QtBot, tmp_path: Path) -> None:
    """Cost bars chosen once come back at the next start (it always began with tokens)."""
    from codex_presence_gui.ui.main_window import MainWindow
    from codex_presence_gui.ui.window_state import WindowState

    first = MainWindow(WindowState(tmp_path / "ui.ini"))
    qtbot.addWidget(first)
    first.show_usage(full_view())
    first.usage_page.cost_button.click()
    again = MainWindow(WindowState(tmp_path / "ui.ini"))
    qtbot.addWidget(again)
    again.show_usage(full_view())
    assert again.usage_page.chart.mode is ChartMode.COST
    again.usage_page.tokens_button.click()
    assert WindowState(tmp_path / "ui.ini").chart_mode is ChartMode.TOKENS


def test_scale_and_legend() -> None:
    assert [nice_ceiling(v) for v in (0.004, 0.7, 1.0, 3.61, 22e6, 4e6, 2.9e6, 5.42e9)] == [
        0.004,
        0.8,
        1.0,
        4.0,
        25e6,
        4e6,
        3e6,
        6e9,
    ]
    for value in (0.0123, 1.01, 2.9e6, 7.7e8):  # the tallest bar fills at least 3/4 of it
        assert value <= nice_ceiling(value) <= value * 4 / 3 + 1e-9
    view = full_view()
    page_palette = QApplication.palette()
    legend = legend_html(view.chart, page_palette).replace(WORD_JOINER, "")
    assert "gpt-a" in legend
    assert "mystery" in legend
    assert legend_html(None, page_palette) == ""
    many = usage_view(recent([slot(TODAY, 1000 * (n + 1), model=f"m{n}") for n in range(8)]))
    assert "Other&nbsp;models" in legend_html(many.chart, page_palette).replace(WORD_JOINER, "")
    # The cost bars' legend names only the models with a cost.
    assert "mystery" not in legend_html(view.chart, page_palette, ChartMode.COST).replace(
        WORD_JOINER, ""
    )
    assert "gpt-a" in legend_html(view.chart, page_palette, ChartMode.COST).replace(WORD_JOINER, "")


def test_the_legend_follows_the_bars_mode(qtbot: QtBot) -> None:
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    assert "mystery" in page.legend.text().replace(WORD_JOINER, "")
    assert "known&nbsp;price" not in page.legend.text()
    page.cost_button.click()
    assert page.chart.mode is ChartMode.COST
    legend = page.legend.text().replace(WORD_JOINER, "")
    assert "mystery" not in legend
    # A day of "mystery" alone is drawn as an outline in cost mode: the legend says what it is.
    assert UNPRICED_LEGEND.replace(" ", "&nbsp;") in legend
    page.tokens_button.click()
    assert "mystery" in page.legend.text().replace(WORD_JOINER, "")


def test_tab_leaves_a_table_after_one_stop(qtbot: QtBot) -> None:
    """Tab goes from a table to the next control, not from cell to cell (the last cell wrapped
    to the first: the tables after it and the Cost button could not be reached)."""
    page = active_page(qtbot, 520, 900)
    for table in (page.project_table, page.model_table):
        table.setFocus()
        qtbot.waitUntil(table.hasFocus)
        qtbot.keyClick(table, Qt.Key.Key_Tab)
        assert not table.hasFocus()
        table.setFocus()
        qtbot.waitUntil(table.hasFocus)
        qtbot.keyClick(table, Qt.Key.Key_Backtab)
        assert not table.hasFocus()


# -- export -------------------------------------------------------------------------------


def export(qtbot: QtBot, page: UsagePage, path: Path) -> bool:
    """Export to ``path`` and wait until the page says how it ended; True when saved."""
    with qtbot.waitSignal(page.export_done, timeout=10_000) as blocker:
        page.export_csv(path)
    return str(blocker.args[0]).startswith("Saved ")


class SlowFolder:
    """Stands in for ``save_text`` in the saver's thread: it waits there until ``release``
    (a hung network folder), then writes, or fails with ``error``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, error: Exception | None = None) -> None:
        self.entered = threading.Event()
        self.released = threading.Event()
        self.error = error
        self.thread: threading.Thread | None = None
        self.pages: list[UsagePage] = []
        self.real = file_saver.save_text
        monkeypatch.setattr(file_saver, "save_text", self.save)

    def save(
        self, path: str, text: str, *, cancelled: Callable[[], bool], made: Callable[[str], None]
    ) -> None:
        self.thread = threading.current_thread()
        self.entered.set()
        assert self.released.wait(10)
        if self.error is not None:
            raise self.error
        self.real(path, text, cancelled=cancelled, made=made)

    def release(self) -> None:
        self.released.set()

    def page(self, qtbot: QtBot) -> UsagePage:
        """A page with numbers to export, whose save is ended with the test."""
        page = UsagePage()
        qtbot.addWidget(page)
        page.show_view(full_view())
        self.pages.append(page)
        return page

    def close(self) -> None:
        """Release the folder and end every save (none is left running after the test)."""
        self.release()
        for page in self.pages:
            page.stop_export(5000)
        assert join_parked(5.0)


@pytest.fixture
def slow_folder(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowFolder]:
    """A hung folder, released at the end whatever the test did."""
    folder = SlowFolder(monkeypatch)
    yield folder
    folder.close()


def test_a_slow_folder_leaves_the_window_responsive_while_it_saves(
    qtbot: QtBot, tmp_path: Path, slow_folder: SlowFolder
) -> None:
    """The file is written in a thread of its own: while the folder takes its time the
    window goes on (events served, the page painted), says it is saving, and offers no second
    export to the same file; then it says "Saved" as before. Written in the window's thread,
    a hung network folder had frozen the window for as long as it hung."""
    page = slow_folder.page(qtbot)
    view = page.view
    assert view is not None
    page.show()
    qtbot.waitExposed(page)
    target = tmp_path / "usage.csv"
    assert page.export_csv(target)
    qtbot.waitUntil(slow_folder.entered.is_set)
    assert slow_folder.thread is not threading.main_thread()
    ticks: list[int] = []
    timer = QTimer(page)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=3000)  # the event loop runs meanwhile
    assert page.saving
    assert page.export_status.full_text == "Saving usage.csv…"
    assert page.export_row.isVisible()
    assert not page.export_show.isVisible()
    assert not page.export_button.isEnabled()
    assert not page.export_csv(target)  # one write at a time
    page.show_view(replace(view, notice="newer numbers"))  # an update meanwhile
    assert not page.export_button.isEnabled()
    assert not target.exists()
    with qtbot.waitSignal(page.export_done, timeout=5000) as blocker:
        slow_folder.release()
    assert blocker.args == [f"Saved {target}"]
    assert page.export_status.full_text == f"Saved {target}"
    assert page.export_show.isVisible()
    assert page.export_button.isEnabled()
    assert not page.saving
    assert target.read_text(encoding="utf-8-sig") == view.csv_text


def test_export_gets_the_keyboard_back_once_saved(
    qtbot: QtBot, tmp_path: Path, slow_folder: SlowFolder
) -> None:
    """Turned off while it saves, Export lets go of the keyboard without handing it on (Qt
    would give it to the first total, ringed for the save's while): the page, which draws no
    focus, holds it. Export takes it back once the save ends, so that Tab goes on from where
    the user was."""
    page = slow_folder.page(qtbot)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    page.export_button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(page.export_button.hasFocus)
    assert page.export_csv(tmp_path / "usage.csv")
    qtbot.waitUntil(slow_folder.entered.is_set)
    assert not page.export_button.hasFocus()
    assert QApplication.focusWidget() is page
    # Where the keyboard waits, a screen reader names the page, not a bare "scroll pane".
    assert page.accessibleName() == "Usage"
    assert not page.focus_ring.isVisible()
    with qtbot.waitSignal(page.export_done, timeout=5000):
        slow_folder.release()
    assert page.export_button.hasFocus()


def test_export_gets_the_keyboard_back_after_its_file_dialog(
    qtbot: QtBot, tmp_path: Path, slow_folder: SlowFolder
) -> None:
    """As Export is used: the save starts as the file dialog closes, the page's window not
    yet active again (the keyboard is the dialog's, Export only the window's place for it).
    The window, made active, rings no total, and Export has the keyboard once the save ends.
    Export had been taken for not having the keyboard: turned off, it handed the window's
    place to the first total, which the window came back with, ringed ("Today")."""
    page = slow_folder.page(qtbot)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    page.export_button.setFocus(Qt.FocusReason.MouseFocusReason)  # clicked
    qtbot.waitUntil(page.export_button.hasFocus)
    dialog = QDialog()  # stands for the file dialog, closed as the save starts
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert not page.export_button.hasFocus()
    assert page.focusWidget() is page.export_button
    assert page.export_csv(tmp_path / "usage.csv")
    dialog.close()
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    qtbot.waitUntil(slow_folder.entered.is_set)
    assert not any(box.hasFocus() for box in page.periods)
    assert not page.focus_ring.isVisible()
    with qtbot.waitSignal(page.export_done, timeout=5000):
        slow_folder.release()
    assert page.export_button.hasFocus()


@pytest.mark.parametrize("saved", [False, True], ids=["cancelled", "saved"])
def test_export_reached_with_tab_is_ringed_again_after_its_file_dialog(
    qtbot: QtBot,
    tmp_path: Path,
    slow_folder: SlowFolder,
    monkeypatch: pytest.MonkeyPatch,
    saved: bool,
) -> None:
    """Reached with Tab and pressed with Enter, Export shows its focus ring again once its
    file dialog has closed (cancelled, or saved and the button given the keyboard back). Qt
    stops drawing focus rings as it gives the window the focus back, and at any move of the
    focus but Tab's: on a real X11 desktop Export had the keyboard with no sign of it.
    (The page stands alone here: the main window keeps its rings so, ``RingsKept``.)"""
    page = slow_folder.page(qtbot)
    RingsKept(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    while QApplication.focusWidget() is not page.export_button:  # Tab round to Export
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert ringed(page.export_button)

    def dialog_then_back(*_args: object) -> str:
        dialog = QDialog(page)  # stands for the file dialog
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        dialog.close()
        dialog.deleteLater()
        return str(tmp_path / "usage.csv") if saved else ""

    monkeypatch.setattr("codex_presence_gui.ui.usage_view.choose_save_file", dialog_then_back)
    qtbot.keyClick(page.export_button, Qt.Key.Key_Return)
    page.activateWindow()  # as the window manager does once the dialog has gone
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    if saved:
        qtbot.waitUntil(slow_folder.entered.is_set)
        with qtbot.waitSignal(page.export_done, timeout=5000):
            slow_folder.release()
    qtbot.waitUntil(page.export_button.hasFocus)
    assert ringed(page.export_button)


def test_a_save_that_fails_in_its_thread_says_why(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure met by the saver's thread is said as one met at once was, and Export comes
    back for another try."""
    import errno

    folder = SlowFolder(monkeypatch, OSError(errno.EIO, "Input/output error"))
    page = folder.page(qtbot)
    target = tmp_path / "usage.csv"
    assert page.export_csv(target)
    qtbot.waitUntil(folder.entered.is_set)
    assert not page.export_button.isEnabled()
    with qtbot.waitSignal(page.export_done, timeout=5000) as blocker:
        folder.release()
    assert blocker.args == [f"Could not write {target}: Input/output error"]
    assert page.export_status.full_text == blocker.args[0]
    assert page.export_button.isEnabled()
    assert not page.export_show.isVisible()
    folder.close()


def test_a_save_that_breaks_unexpectedly_in_its_thread_gives_export_back(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error nobody foresaw in the saver's thread (a bug, not the folder's failing) is
    said as a failure, and Export comes back: the page had said "Saving usage.csv…" with
    Export off until the app was restarted (no result ever came from the thread)."""
    folder = SlowFolder(monkeypatch, ValueError("embedded null byte"))
    page = folder.page(qtbot)
    target = tmp_path / "usage.csv"
    assert page.export_csv(target)
    qtbot.waitUntil(folder.entered.is_set)
    with qtbot.waitSignal(page.export_done, timeout=5000) as blocker:
        folder.release()
    assert blocker.args == [f"Could not write {target}: embedded null byte"]
    assert not page.saving
    assert page.export_button.isEnabled()
    assert page.export_csv(target)  # and a second try starts
    folder.close()


def test_quitting_while_a_save_hangs_keeps_the_file_that_was_there(
    qtbot: QtBot, tmp_path: Path, slow_folder: SlowFolder
) -> None:
    """The app quits while the folder hangs: the quit does not wait for it (the thread is
    kept until it ends, never destroyed while it runs), and once the folder answers the save
    is given up: the user's file stays whole, nothing is left beside it, nothing is said."""
    page = slow_folder.page(qtbot)
    target = tmp_path / "usage.csv"
    target.write_text("kept,1\n")
    said: list[str] = []
    page.export_done.connect(said.append)
    assert page.export_csv(target)
    qtbot.waitUntil(slow_folder.entered.is_set)
    started = time.monotonic()
    assert not page.stop_export(100)  # still hung: kept, not waited for
    assert time.monotonic() - started < 2
    assert parked_threads() == ["file-save"]
    assert join_parked(0.0, leavable_s=0.0)  # the exit need not wait for it (but 1 s)
    assert not page.saving
    assert not page.export_row.isVisible()  # "Saving …" is over
    slow_folder.release()
    assert join_parked(5.0)
    qtbot.wait(50)  # a result queued meanwhile would be delivered now
    assert said == []
    assert target.read_text() == "kept,1\n"
    assert [path.name for path in tmp_path.iterdir()] == ["usage.csv"]


def test_quitting_while_a_save_hangs_in_its_write_leaves_no_new_file_beside(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder hangs while the new file takes the text (its ``.usage.csv.xxxx.tmp``
    exists): the quit gives the save up and removes that file, which had stayed beside the
    user's when the process left without the hung thread (after ``EXIT_WAIT_S``). The user's
    file stays whole, and the rename that follows once the folder answers fails harmlessly."""
    writing = threading.Event()
    answered = threading.Event()
    real_fsync = os.fsync

    def hung_fsync(handle: int) -> None:
        if QThread.currentThread().objectName() == "file-save":
            writing.set()
            assert answered.wait(10)
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", hung_fsync)
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    target = tmp_path / "usage.csv"
    target.write_text("kept,1\n")
    said: list[str] = []
    page.export_done.connect(said.append)
    try:
        assert page.export_csv(target)
        qtbot.waitUntil(writing.is_set)
        assert len(list(tmp_path.glob(".usage.csv.*.tmp"))) == 1
        assert not page.stop_export(100)  # still hung: kept, not waited for
        assert [path.name for path in tmp_path.iterdir()] == ["usage.csv"]
        assert target.read_text() == "kept,1\n"
    finally:
        answered.set()
        assert join_parked(5.0)
    qtbot.wait(50)  # a result queued meanwhile would be delivered now
    assert said == []
    assert target.read_text() == "kept,1\n"
    assert [path.name for path in tmp_path.iterdir()] == ["usage.csv"]


def test_export_writes_the_daily_csv(qtbot: QtBot, tmp_path: Path) -> None:
    """The daily report's lines, after UTF-8's byte order mark: without it, Excel read the
    file in the system's code page, and a project named "café" came out as "cafÃ©"."""
    page = UsagePage()
    qtbot.addWidget(page)
    view = full_view()
    page.show_view(view)
    target = tmp_path / "usage.csv"
    with qtbot.waitSignal(page.export_done) as blocker:
        assert page.export_csv(target)
    assert target.read_bytes() == b"\xef\xbb\xbf" + view.csv_text.encode()
    assert blocker.args == [f"Saved {target}"]
    assert page.export_status.full_text == f"Saved {target}"


def test_exports_tooltip_names_the_pages_homes(qtbot: QtBot, tmp_path: Path) -> None:
    """The report of every day it points to reads the window's ``--codex-home`` folders: it
    had named none, and read others."""
    page = UsagePage()
    qtbot.addWidget(page)
    assert page.export_button.toolTip().endswith("codex-presence-gui report daily --csv")
    home = str(tmp_path / "my codex")
    page.show_view(usage_view(recent([slot(TODAY, 10, 5)], homes=(home,))))
    assert page.export_button.toolTip().endswith(
        f"codex-presence-gui report daily --csv --codex-home '{home}'"
    )


def test_export_into_a_missing_folder_says_why(qtbot: QtBot, tmp_path: Path) -> None:
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    assert not export(qtbot, page, tmp_path / "missing" / "usage.csv")
    assert page.export_status.full_text.startswith("Could not write")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_export_onto_a_pipe_says_so_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    """A pipe chosen as the file (or a device): opening a pipe waits for a reader, and the
    window froze for good; with one there, the numbers went into it and "Saved" was said."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    pipe = tmp_path / "usage.csv"
    os.mkfifo(pipe)
    # A reader at the other end: an export that opened the pipe returns (and fails the test).
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        assert not export(qtbot, page, pipe)
        assert os.read(reader, 100) == b""
    finally:
        os.close(reader)
    assert page.export_status.full_text == (
        f"Could not write {pipe}: not a file (a pipe or a device)"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="a limit on file sizes is POSIX's")
def test_a_failed_export_leaves_the_file_it_was_to_replace_whole(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Written over once the dialog had asked, a file is replaced only by a whole CSV: a disk
    that filled up on the way (here, a limit on file sizes) left half a CSV in its place."""
    import resource
    import signal

    page = UsagePage()
    qtbot.addWidget(page)
    view = full_view()
    page.show_view(replace(view, csv_text=view.csv_text * 100))
    target = tmp_path / "usage.csv"
    target.write_text("kept,1\n")
    limit = 4096
    assert page.view is not None
    assert len(page.view.csv_text) > limit
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    before = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not the end
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        written = export(qtbot, page, target)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, before)
    assert not written
    assert target.read_text() == "kept,1\n"
    assert [path.name for path in tmp_path.iterdir()] == ["usage.csv"]  # nothing left beside
    assert page.export_status.full_text == f"Could not write {target}: File too large"


def test_a_failed_export_keeps_its_reason_in_sight_in_a_narrow_window(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A long path is cut in its middle: the reason at the end stays on the page."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    page.resize(420, 600)
    page.show()
    qtbot.waitExposed(page)
    assert not export(qtbot, page, tmp_path / ("a" * 300 + ".csv"))
    shown, whole = page.export_status.text(), page.export_status.full_text
    reason = whole[whole.rindex(": ") :]  # the system's words, after the path
    assert "…" in shown
    assert shown.startswith("Could not write")
    assert shown.endswith(reason)


def shown_page(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, saved_ms: int) -> UsagePage:
    """A page with numbers to export, saying "Saved …" for ``saved_ms`` only."""
    monkeypatch.setattr("codex_presence_gui.ui.usage_view.EXPORT_SAVED_MS", saved_ms)
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    page.show()
    qtbot.waitExposed(page)
    # The pointer away from the page (an earlier test may have left it anywhere): "Saved …"
    # stays while the pointer is on it.
    QCursor.setPos(page.mapToGlobal(QPoint(page.width() + 200, -200)))
    return page


def test_a_saved_export_says_so_for_a_moment(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Saved …" goes by itself (it stayed for good and pushed the page down)."""
    page = shown_page(qtbot, monkeypatch, 50)
    assert export(qtbot, page, tmp_path / "usage.csv")
    assert page.export_status.isVisible()
    assert page.export_dismiss.isVisible()  # or sooner, as the user likes
    qtbot.waitUntil(lambda: not page.export_row.isVisible())
    assert page.export_status.full_text == ""


def test_saved_stays_while_the_pointer_or_the_keyboard_is_on_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its Show file button does not go from under the pointer, nor from the keyboard (focus
    had jumped to Export CSV…, and Space opened the dialog again)."""
    monkeypatch.setattr("codex_presence_gui.ui.usage_view.EXPORT_STAY_MS", 30)
    page = shown_page(qtbot, monkeypatch, 50)
    page.activateWindow()
    assert export(qtbot, page, tmp_path / "usage.csv")
    toast = page.export_row
    QCursor.setPos(toast.mapToGlobal(toast.rect().center()))
    qtbot.wait(250)
    assert toast.isVisible()
    page.export_button.setFocus()
    QCursor.setPos(page.mapToGlobal(QPoint(page.width() + 200, -200)))
    qtbot.waitUntil(lambda: not toast.isVisible())
    assert export(qtbot, page, tmp_path / "usage.csv")
    page.export_show.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(page.export_show.hasFocus)
    qtbot.wait(250)
    assert toast.isVisible()
    # The window losing the focus and getting it back (Show file opened a file manager):
    # the keyboard is still on the message, which stays.
    for kind in (QEvent.Type.FocusOut, QEvent.Type.FocusIn):
        event = QFocusEvent(kind, Qt.FocusReason.ActiveWindowFocusReason)
        QApplication.sendEvent(page.export_show, event)
    qtbot.wait(250)
    assert toast.isVisible()
    page.export_button.setFocus(Qt.FocusReason.BacktabFocusReason)
    qtbot.waitUntil(lambda: not toast.isVisible())
    # Out of sight (the Live page shown, the window in the tray), the pointer where the
    # message was does not keep it.
    assert export(qtbot, page, tmp_path / "usage.csv")
    QCursor.setPos(toast.mapToGlobal(toast.rect().center()))
    page.hide()
    qtbot.waitUntil(lambda: not page.export_status_timer.isActive())
    page.show()
    assert not toast.isVisible()


def test_the_message_never_lies_over_the_page_s_last_line(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tall enough not to scroll, the page's chart gives up the message's room for its while
    (over the foot, the message had hidden the cost note but for the tops of its letters);
    the totals stay where they were, and the chart takes its room back once it goes. Made
    short, the page scrolls, and its last line is clear of the message at the scroll's end."""
    page = shown_page(qtbot, monkeypatch, 60_000)
    page.resize(1000, 1100)
    settle()
    totals, chart = page.totals_box.geometry(), page.chart.geometry()

    def last_line_clear() -> bool:
        last = page.footnote.geometry().translated(page.content.pos())  # in viewport terms
        return last.bottom() < page.export_row.geometry().top() - page.viewport().geometry().top()

    assert export(qtbot, page, tmp_path / "usage.csv")
    settle()
    assert last_line_clear()
    assert page.totals_box.geometry() == totals
    assert page.verticalScrollBar().maximum() == 0
    page.resize(1000, 500)
    settle()
    page.verticalScrollBar().setValue(page.verticalScrollBar().maximum())
    settle()
    assert last_line_clear()
    page.resize(1000, 1100)
    settle()
    qtbot.mouseClick(page.export_dismiss, Qt.MouseButton.LeftButton)
    settle()
    assert page.chart.geometry() == chart


def test_each_export_shows_its_message_for_the_whole_while(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second export starts the while again: its message does not go with the first's."""
    page = shown_page(qtbot, monkeypatch, 1000)
    timer = page.export_status_timer
    assert export(qtbot, page, tmp_path / "first.csv")
    qtbot.waitUntil(lambda: timer.remainingTime() < 800)  # a while into the first's time
    assert export(qtbot, page, tmp_path / "second.csv")
    # Started again, whole (the machine may be slow: asked at once, nothing waited for).
    assert timer.remainingTime() > 800
    assert page.export_status.isVisible()
    assert page.export_status.full_text.endswith("second.csv")
    qtbot.waitUntil(lambda: not page.export_row.isVisible())


def test_a_failed_export_stays_until_dismissed(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure outlasts a success's while (even one just started), and goes on Dismiss."""
    page = shown_page(qtbot, monkeypatch, 50)
    assert export(qtbot, page, tmp_path / "usage.csv")
    assert not export(qtbot, page, tmp_path / "missing" / "usage.csv")
    qtbot.wait(250)  # five times as long as a success is shown
    assert page.export_status.isVisible()
    assert page.export_status.full_text.startswith("Could not write")
    failure = page.export_status.palette().color(QPalette.ColorRole.WindowText)
    # Said as a problem, readable on the message's own fill.
    assert failure == level_text_color(Level.LOW, page.export_row.palette())
    fill = page.export_row.palette().color(QPalette.ColorRole.Window)
    assert fill != page.palette().color(QPalette.ColorRole.Window)  # apart from the page
    assert contrast_ratio(failure, fill) >= MIN_TEXT_CONTRAST
    assert page.export_dismiss.isVisible()
    qtbot.mouseClick(page.export_dismiss, Qt.MouseButton.LeftButton)
    assert not page.export_row.isVisible()


def test_the_next_export_replaces_a_failure(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = shown_page(qtbot, monkeypatch, 50)
    assert not export(qtbot, page, tmp_path / "missing" / "usage.csv")
    assert export(qtbot, page, tmp_path / "usage.csv")
    assert page.export_status.full_text == f"Saved {tmp_path / 'usage.csv'}"
    assert page.export_show.isVisible()
    qtbot.waitUntil(lambda: not page.export_row.isVisible())


def test_an_export_message_does_not_move_the_page(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The message lies over the page's foot: the numbers stay where they were (a line under
    the title pushed them down, and up again 8 s later)."""
    page = shown_page(qtbot, monkeypatch, 60_000)
    page.resize(520, 600)
    qtbot.wait(10)
    before = [widget.geometry() for widget in (page.totals_box, page.chart, page.tables_box)]
    assert export(qtbot, page, tmp_path / "usage.csv")
    qtbot.wait(10)
    after = [widget.geometry() for widget in (page.totals_box, page.chart, page.tables_box)]
    assert after == before
    toast, viewport = page.export_row.geometry(), page.viewport().geometry()
    assert viewport.contains(toast)
    assert viewport.bottom() - toast.bottom() < 20  # at the foot, not the top
    assert toast.width() > viewport.width() // 2
    # Scrolled to the end, the page's last line is clear of it.
    page.verticalScrollBar().setValue(page.verticalScrollBar().maximum())
    qtbot.wait(10)
    last = page.footnote.geometry().translated(page.content.pos())  # in the viewport's terms
    assert last.bottom() < page.export_row.geometry().top() - page.viewport().geometry().top()
    # It follows the window's size.
    page.resize(400, 450)
    qtbot.waitUntil(lambda: page.viewport().geometry().contains(page.export_row.geometry()))
    assert page.export_row.geometry().width() > page.viewport().width() // 2


def test_show_file_asks_for_the_exported_file(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = shown_page(qtbot, monkeypatch, 60_000)
    target = tmp_path / "usage.csv"
    assert export(qtbot, page, target)
    assert page.export_show.isVisible()
    with qtbot.waitSignal(page.reveal) as blocker:
        qtbot.mouseClick(page.export_show, Qt.MouseButton.LeftButton)
    assert blocker.args == [target]
    # A failure names no file to show.
    assert not export(qtbot, page, tmp_path / "missing" / "usage.csv")
    assert not page.export_show.isVisible()


def test_export_button_asks_where(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The button opens a save dialog (run here without its event loop) and writes where it
    says: a name typed without ".csv" gets it, and Qt's own dialog opens roomy enough. The
    name offered is the page's 30 days, up to their last (each export had been offered
    "codex-usage-last-30-days.csv", the last one's name to save over)."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    seen: list[dict[str, object]] = []
    typed = ["chosen"]

    def accept(dialog: QFileDialog) -> int:
        seen.append(
            {
                "title": dialog.windowTitle(),
                "folder": dialog.directory().absolutePath(),
                "offered": dialog.selectedFiles(),
                "roomy": dialog.width() >= 760 and dialog.height() >= 480,
                "saves": dialog.acceptMode() is QFileDialog.AcceptMode.AcceptSave,
            }
        )
        dialog.selectFile(str(tmp_path / typed[0]))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QFileDialog, "exec", accept)
    with qtbot.waitSignal(page.export_done, timeout=10_000):
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    target = tmp_path / "chosen.csv"
    # What it holds, said (not every day).
    assert seen[0]["title"] == "Export the last 30 days"
    # Named by its last day: a second day's export is not offered the first one's name.
    last_day = full_view().chart.days[-1].day  # type: ignore[union-attr]
    assert [Path(str(name)).name for name in seen[0]["offered"]] == [  # type: ignore[attr-defined]
        f"codex-usage-30-days-to-{last_day.isoformat()}.csv"
    ]
    assert seen[0]["folder"] == str(Path.home())
    assert seen[0]["roomy"]
    assert seen[0]["saves"]
    assert "30 days" in page.export_button.toolTip()
    assert target.read_text(encoding="utf-8-sig").startswith("date,model,")
    # The next export starts in the folder of the last one.
    typed[0] = "again.csv"
    with qtbot.waitSignal(page.export_done, timeout=10_000):
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert seen[1]["folder"] == str(tmp_path)
    assert (tmp_path / "again.csv").exists()
    assert not (tmp_path / "again.csv.csv").exists()
    monkeypatch.setattr(QFileDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected.value)
    target.unlink()
    page.export_button.click()  # cancelled: nothing written
    assert not target.exists()


def test_an_export_holds_the_days_its_name_says_when_the_day_turns_in_its_dialog(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next day's numbers arrive while the file dialog is open (its event loop runs the
    usage feed's deliveries): the file offered as "…-to-<day>.csv" holds the 30 days to that
    day, as the page showed them when Export was pressed (it had held the next 30)."""
    page = UsagePage()
    qtbot.addWidget(page)
    shown = full_view()
    page.show_view(shown)
    slots = [slot(TODAY + timedelta(days=1), 3000, project="shop")]
    offered: list[str] = []

    def accept(dialog: QFileDialog) -> int:
        offered.extend(Path(name).name for name in dialog.selectedFiles())
        page.show_view(usage_view(recent(slots, today=TODAY + timedelta(days=1))))
        dialog.selectFile(str(tmp_path / offered[0]))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QFileDialog, "exec", accept)
    with qtbot.waitSignal(page.export_done, timeout=10_000):
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert offered == [f"codex-usage-30-days-to-{TODAY.isoformat()}.csv"]
    assert (tmp_path / offered[0]).read_text(encoding="utf-8-sig") == shown.csv_text


# -- states -------------------------------------------------------------------------------


def test_states_without_numbers(qtbot: QtBot) -> None:
    page = UsagePage()
    qtbot.addWidget(page)
    page.show()
    assert page.view == loading_view()
    assert page.message.isVisible()
    assert not page.chart.isVisible()
    assert not page.export_button.isEnabled()
    page.show_view(usage_view(recent([], building=True)))
    assert page.message.text() == BUILDING_MESSAGE
    page.show_view(usage_view(recent([])))
    assert page.view is not None
    assert page.view.state is UsageState.EMPTY
    assert page.message.text() == EMPTY_MESSAGE
    assert not page.project_table.isVisible()
    page.show_view(full_view())
    assert not page.message.isVisible()
    assert page.chart.isVisible()
    assert page.project_table.isVisible()
    assert page.export_button.isEnabled()
    assert "API-equivalent" in page.footnote.text()
    assert "No API price is known for mystery" in page.footnote.text()
    assert "time zone" not in page.footnote.text()


def test_days_in_utc_for_a_tz_the_system_lacks_are_said_in_the_notes(qtbot: QtBot) -> None:
    """``TZ`` naming a zone the system does not have: the page's notes say its days are
    UTC's, first, as ``report`` warns (they had silently followed UTC)."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show()
    page.show_view(replace(full_view(), zone_note="TZ=Mars/Olympus names a time zone …"))
    assert page.footnote.accessibleName().startswith("TZ=Mars/Olympus names a time zone …\n")
    assert page.footnote.isVisible()


# -- in the window ------------------------------------------------------------------------


def usage_of(projects: int, models: int) -> UsageView:
    """``projects`` projects and ``models`` models over the month, each of another size (the
    models past two have no price: the page says so under the tables)."""
    slots = [
        slot(
            TODAY - timedelta(days=(3 * project + model) % 30),
            100_000 * (project + 1) + 7_000 * model,
            1000 * (model + 1),
            project=f"project-{project}",
            model=("gpt-a", "gpt-b")[model] if model < 2 else f"model-{model}",
            session=f"s{project}-{model}",
        )
        for project in range(projects)
        for model in range(models)
    ]
    return usage_view(recent(slots))


def usage_page_window(qtbot: QtBot, view: UsageView) -> MainWindow:
    """A shown window on its Usage page, showing ``view``."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.set_layout_mode(LayoutMode.FULL)
    window.show_usage(view)
    window.set_page(USAGE_PAGE)
    window.show()
    settle()
    return window


def scrolled_by_slivers(
    window: MainWindow, sizes: Iterable[tuple[int, int]], *, check_every: int = 0
) -> list[str]:
    """The sizes (as the window has them: not under its least one) at which the Usage page
    scrolls by less than a line, or, every ``check_every``-th size, has a layout problem."""
    page = window.usage_page
    bar = page.verticalScrollBar()
    line = page.chart.fontMetrics().height()
    found = []
    for number, (width, height) in enumerate(sizes):
        asked = QSize(width, height).expandedTo(window.minimumSize())
        window.resize(asked)
        settle()
        if bar.isVisible() and bar.maximum() < line:
            found.append(f"{asked.width()}x{asked.height()}: scrolls {bar.maximum()} px")
        # Never more than a line off the chart's height.
        assert page.chart.height() >= page.chart.full_height() - line
        if check_every and number % check_every == 0:
            found += [
                f"{asked.width()}x{asked.height()}: {problem}"
                for problem in check_layout(window, asked)
            ]
    return found


def test_the_page_does_not_scroll_by_a_sliver(qtbot: QtBot) -> None:
    """At 900x700 six projects had left the page 4 px short, and it scrolled by as much:
    the chart gives those pixels up instead. A page short of a line or more still scrolls."""
    window = usage_page_window(qtbot, usage_of(6, 4))
    page = window.usage_page
    window.resize(900, 700)
    settle()
    assert not page.verticalScrollBar().isVisible()
    assert 0 < page.chart.given_up < page.chart.fontMetrics().height()
    assert check_layout(window, QSize(900, 700)) == []
    window.resize(900, 650)
    settle()
    assert page.verticalScrollBar().maximum() >= page.chart.fontMetrics().height()
    assert page.chart.given_up == 0
    # Across the heights about that one (by 3 px: a sliver spans up to a line, 14 px or so).
    sizes = [(width, height) for width in (620, 840, 900) for height in range(620, 760, 3)]
    assert scrolled_by_slivers(window, sizes, check_every=7) == []


@pytest.mark.slow
@pytest.mark.parametrize(("projects", "models"), [(1, 1), (3, 2), (10, 6)])
def test_the_page_scrolls_by_a_line_or_more_at_any_size(
    qtbot: QtBot, projects: int, models: int
) -> None:
    """Widths 420 to 1200 and heights 400 to 900 (by 7 px: a sliver spans up to a line), the
    heights growing then shrinking (a scroll bar shown stays while the page would not fit
    beside it): no scroll bar, or one that moves the page by a line at least; nothing
    clipped."""
    window = usage_page_window(qtbot, usage_of(projects, models))
    for width in (420, 640, 840, 1200):
        heights = [*range(400, 901, 7), *range(900, 399, -7)]
        sizes = [(width, height) for height in heights]
        assert scrolled_by_slivers(window, sizes, check_every=13) == [], width


def test_the_usage_page_beside_the_live_view(qtbot: QtBot) -> None:
    """Live by default; Usage from the toolbar; the compact layout shows the live view with
    the day's line under the limits, and the Usage page comes back with the full layout."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.set_layout_mode(LayoutMode.FULL)
    window.resize(820, 580)
    window.show()
    window.show_usage(full_view())
    settle()
    assert window.page == LIVE_PAGE
    assert window.pages.currentWidget() is window.live_page
    assert not window.usage_line.isVisible()
    window.usage_action.trigger()
    assert window.page == USAGE_PAGE
    assert window.pages.currentWidget() is window.usage_page
    assert window.usage_page.isVisible()
    window.set_layout_mode(LayoutMode.COMPACT)
    settle()
    assert window.pages.currentWidget() is window.live_page
    assert window.usage_line.isVisible()
    assert window.usage_line.full_text == "today: 1.4M tokens · ~$3.60"
    assert "estimate" in window.usage_line.toolTip()
    window.set_layout_mode(LayoutMode.FULL)
    settle()
    assert window.pages.currentWidget() is window.usage_page
    window.live_action.trigger()
    assert window.pages.currentWidget() is window.live_page
    with pytest.raises(ValueError, match="no page"):
        window.set_page("elsewhere")
    # Asked for in the compact layout (Ctrl+U), the Usage page brings the full layout back:
    # the window grows to it, and the layout is automatic again (never pinned to full).
    # Back to the live view (Ctrl+L), the compact window comes back at its size: a chosen
    # compact layout, and an automatic one compact by its size (it had stayed 820 px wide,
    # over the editor it was kept small beside); an automatic one stays automatic.
    for mode in (LayoutMode.COMPACT, LayoutMode.AUTO):
        window.set_layout_mode(mode)
        window.resize(window.needed_size(True).width(), 300)
        qtbot.waitUntil(lambda: window.compact)
        small = window.size()
        window.usage_action.trigger()
        qtbot.waitUntil(lambda: not window.compact)
        assert window.layout_actions[LayoutMode.AUTO].isChecked()
        assert window.pages.currentWidget() is window.usage_page
        window.live_action.trigger()
        assert window.pages.currentWidget() is window.live_page
        assert window.layout_actions[mode].isChecked()
        qtbot.waitUntil(lambda: window.compact)
        assert window.width() == small.width()
    # Resized on the Usage page, the window keeps the user's size back on the live view.
    window.usage_action.trigger()
    qtbot.waitUntil(lambda: not window.compact)
    window.resize(window.width() + 40, window.height() + 20)
    resized = window.size()
    window.live_action.trigger()
    settle()
    assert window.size() == resized
    assert not window.compact
    # A layout chosen while the Usage page shows is the one kept.
    window.set_layout_mode(LayoutMode.COMPACT)
    qtbot.waitUntil(lambda: window.compact)
    window.usage_action.trigger()
    window.set_layout_mode(LayoutMode.FULL)
    window.live_action.trigger()
    assert window.layout_actions[LayoutMode.FULL].isChecked()
    assert not window.compact


@pytest.mark.parametrize("mode", [LayoutMode.COMPACT, LayoutMode.AUTO])
def test_a_look_at_the_usage_page_leaves_the_compact_window_where_it_stood(
    qtbot: QtBot, mode: LayoutMode
) -> None:
    """A compact window kept at the screen's right edge grows for the Usage page (Ctrl+U) and
    is moved in to fit on the screen; back to the live view (Ctrl+L), it goes back where it
    stood, not only to its size (the window manager had moved it, and it came back small in
    the middle of the screen). Moved by the user meanwhile, it stays where it was put."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_usage(full_view())
    window.show()
    screen = window.screen()
    assert screen is not None
    room = screen.availableGeometry()
    window.set_layout_mode(mode)
    window.resize(window.needed_size(True).width(), 300)
    qtbot.waitUntil(lambda: window.compact)
    small = window.size()
    at_the_edge = QPoint(room.right() + 1 - window.frameGeometry().width(), room.y() + 40)
    window.move(at_the_edge)
    qtbot.waitUntil(lambda: window.pos() == at_the_edge)
    window.usage_action.trigger()
    qtbot.waitUntil(lambda: not window.compact)
    # As far in as it takes (up to the screen's left edge, for a screen narrower than it).
    fits_at = max(room.right() + 1 - window.frameGeometry().width(), room.x())
    assert window.pos() == QPoint(fits_at, at_the_edge.y())
    window.live_action.trigger()
    qtbot.waitUntil(lambda: window.compact)
    assert window.size() == small
    assert window.pos() == at_the_edge
    # Moved while the Usage page shows: the window stays where the user put it.
    window.usage_action.trigger()
    qtbot.waitUntil(lambda: not window.compact)
    put = window.pos() + QPoint(-30, 20)
    window.move(put)
    qtbot.waitUntil(lambda: window.pos() == put)
    window.live_action.trigger()
    qtbot.waitUntil(lambda: window.compact)
    assert window.pos() == put


def test_the_full_layout_holds_at_every_width_above_its_least(qtbot: QtBot) -> None:
    """Tall enough for the full layout, the Usage page stays at every width from its least
    up (between 440 and 454 px it had flipped to the compact layout: the period boxes' old
    least width, flat, was read after they stood up)."""
    window = usage_window(qtbot, LayoutMode.AUTO)
    window.set_page(USAGE_PAGE)
    least = window.needed_size(False).width()
    flipped = []
    for width in range(least, least + 240, 2):
        window.resize(width, 900)
        settle()
        if window.compact:
            flipped.append(width)
    assert flipped == []


def test_the_page_never_asks_for_more_than_it_has(qtbot: QtBot) -> None:
    """Without a scroll bar (a tall page), the arrangement chosen in the room there is one
    whose least width, which counts a bar, is never more than the page's own: the boxes and
    tables ask for much less than the room they are put side by side in (else the window's
    full layout would give way to the compact one)."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    page.show()
    qtbot.waitExposed(page)
    least = page.minimumSizeHint().width()
    over = []
    for width in range(least, least + 300, 2):
        page.resize(width, 2000)
        settle()
        assert page.verticalScrollBar().maximum() == 0
        if page.minimumSizeHint().width() > width:
            over.append(width)
    assert over == []


def usage_window(qtbot: QtBot, mode: LayoutMode) -> MainWindow:
    """A shown window with ``full_view``'s numbers, in layout ``mode``."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_usage(full_view())
    window.set_layout_mode(mode)
    window.show()
    return window


def test_out_of_compact_the_window_takes_back_a_roomy_size(qtbot: QtBot) -> None:
    """Full at 760x560, compact (Ctrl+2), full again (Ctrl+1): 760x560, not the full layout's
    least size (493 px high). Started compact, the Usage page (Ctrl+U) opens at a comfortable
    size, not the least one, where only the totals and the chart fitted."""
    window = usage_window(qtbot, LayoutMode.FULL)
    window.resize(760, 560)
    qtbot.waitUntil(lambda: window.size() == QSize(760, 560))
    window.set_layout_mode(LayoutMode.COMPACT)
    qtbot.waitUntil(lambda: window.compact and window.height() < 560)
    window.set_layout_mode(LayoutMode.FULL)
    qtbot.waitUntil(lambda: window.size() == QSize(760, 560))
    # Compact from the start (a saved layout): no size to take back; a comfortable one.
    started = usage_window(qtbot, LayoutMode.COMPACT)
    started.resize(340, 300)
    qtbot.waitUntil(lambda: started.compact and started.width() == 340)
    started.usage_action.trigger()
    qtbot.waitUntil(lambda: not started.compact)
    # The screen's room for the window within its frame.
    room = started.screen().availableGeometry().size() - (
        started.frameGeometry().size() - started.size()
    )
    assert started.width() >= min(DEFAULT_SIZE[0], room.width())
    assert started.height() >= min(DEFAULT_SIZE[1], room.height())
    assert started.width() <= room.width()
    assert started.height() <= room.height()

    # Compact by size (automatic), pinned (Ctrl+2), automatic again (Ctrl+0): the size it had,
    # not one left from an earlier pinning.
    started.set_layout_mode(LayoutMode.AUTO)
    started.resize(330, 600)
    qtbot.waitUntil(lambda: started.size() == QSize(330, 600) and started.compact)
    started.set_layout_mode(LayoutMode.COMPACT)
    qtbot.waitUntil(lambda: started.height() < 600)
    started.set_layout_mode(LayoutMode.AUTO)
    qtbot.waitUntil(lambda: started.size() == QSize(330, 600))
    # A look at the Usage page from the pinned layout (Ctrl+U, Ctrl+L) keeps that size to
    # take back, and goes to the roomy size at once (not through 330x600 first).
    started.set_layout_mode(LayoutMode.COMPACT)
    qtbot.waitUntil(lambda: started.height() < 600)
    sizes: list[QSize] = []
    original = started.resizeEvent

    def remember(event: QResizeEvent) -> None:
        sizes.append(event.size())
        original(event)

    started.resizeEvent = remember  # type: ignore[method-assign]
    started.usage_action.trigger()
    qtbot.waitUntil(lambda: not started.compact)
    assert QSize(330, 600) not in sizes
    started.resizeEvent = original  # type: ignore[method-assign]
    started.live_action.trigger()
    qtbot.waitUntil(lambda: started.compact)
    started.set_layout_mode(LayoutMode.AUTO)
    qtbot.waitUntil(lambda: started.size() == QSize(330, 600))
    # Shrunk to compact after that, the Usage page (Ctrl+U) still opens roomy, not at 330x600.
    started.resize(300, 412)
    qtbot.waitUntil(lambda: started.compact)
    started.usage_action.trigger()
    qtbot.waitUntil(lambda: not started.compact)
    assert started.width() >= min(DEFAULT_SIZE[0], room.width())
    assert started.height() >= min(DEFAULT_SIZE[1], room.height())


def test_compact_line_waits_for_the_numbers(qtbot: QtBot) -> None:
    """Before the first view, while building and on failure: no line; the line takes its
    room in the compact layout when it comes."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.set_layout_mode(LayoutMode.COMPACT)
    window.show()
    window.show_usage(usage_view(recent([], building=True)))
    settle()
    assert not window.usage_line.isVisible()
    before = window.needed_size(True, 340).height()
    window.show_usage(full_view())
    settle()
    assert window.usage_line.isVisible()
    assert window.needed_size(True, 340).height() > before


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_usage_page_lays_out(qtbot: QtBot, theme: str) -> None:
    """No clipped text, overlap or cut-off content, from the full layout's least size up."""
    from codex_presence_gui.app import application

    apply_theme(application(), theme)
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        window.set_layout_mode(LayoutMode.FULL)
        window.show_usage(full_view())
        window.set_page(USAGE_PAGE)
        window.show()
        settle()
        least = window.minimumSize()
        for size in [(least.width(), least.height()), (640, 480), (820, 580), (1280, 800)]:
            window.resize(*size)
            settle()
            assert check_layout(window) == [], size
            content = window.usage_page.widget()
            assert content.width() <= window.usage_page.viewport().width()
    finally:
        apply_theme(application(), "system")


def test_a_huge_model_name_keeps_the_page_narrow(qtbot: QtBot) -> None:
    """The legend and the note of unpriced models never hold a name unbroken: one
    10,000-character model name made the page (and so the window) 65,000 px wide."""
    name = "m" + "x" * 10_000
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(usage_view(recent([slot(TODAY, 1000, model=name), slot(TODAY, 10)])))
    page.show()
    settle()
    assert page.minimumSizeHint().width() < 1000
    assert page.content.minimumSizeHint().width() < 1000


def _least_width(qtbot: QtBot, view: UsageView) -> int:
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(view)
    page.show()
    settle()
    return page.minimumSizeHint().width()


@pytest.mark.parametrize(
    "name",
    ["m" * 120, "acme_internal.codex_finetune.v2:" * 3],
    ids=["letters", "dots-and-underscores"],
)
def test_a_long_unpriced_model_name_leaves_the_page_as_narrow_as_a_short_one(
    qtbot: QtBot, name: str
) -> None:
    """The note on models without a price breaks a long name where it must: a 120-character
    proxy model name, whole in it and with no place to break, had made the full layout's
    least width 1,330 px, and a window of 1,000 px had shown the compact layout instead."""
    short = _least_width(qtbot, usage_view(recent([slot(TODAY, 1000, model="m"), slot(TODAY, 9)])))
    view = usage_view(recent([slot(TODAY, 1000, model=name), slot(TODAY, 9)]))
    assert name in view.unpriced_text
    assert _least_width(qtbot, view) == short


def test_a_missing_folder_with_a_long_name_leaves_the_page_narrow(qtbot: QtBot) -> None:
    """The message naming a Codex folder that is not there breaks a long folder name: one
    called by a hash had made the page (and the window) as wide as the name."""
    short = _least_width(qtbot, usage_view(recent([], missing_homes=("/home/me/.codex",))))
    long = "/home/me/" + "q" * 150
    view = usage_view(recent([], missing_homes=(long,)))
    assert long in view.message
    assert _least_width(qtbot, view) == short


def _span(widget: QWidget, page: UsagePage) -> QRect:
    """Where ``widget`` is on ``page``'s content."""
    return QRect(widget.mapTo(page.content, QPoint(0, 0)), widget.size())


@pytest.mark.parametrize("numbers", [True, False], ids=["numbers", "loading"])
@pytest.mark.parametrize(
    "direction", [Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft]
)
def test_export_goes_under_the_title_where_their_line_has_no_room(
    qtbot: QtBot, direction: Qt.LayoutDirection, numbers: bool
) -> None:
    """A window cut to a 320-px screen is narrower than the page's least width: the title
    and Export on one line had been 13 px wider than the page's view, which scrolled
    sideways. Export (with the period chooser before it) goes under the title there, at its
    start, and the page only scrolls down; at the page's least width and wider, both stay on
    one line, Export at its end."""
    page = _shown_page(qtbot, [slot(TODAY, 1000)] if numbers else [], 700, 400)
    if not numbers:
        page.show_view(loading_view())
    page.setLayoutDirection(direction)
    # As a window cut to a screen narrower than the page sets it (``_fit_width``).
    page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    least = page.minimumSizeHint().width()
    # The narrowest page that holds its content (the tables, the totals) without the title
    # row's one line: its controls go under the title there.
    margins = page.content_layout.contentsMargins()
    line = page.header.sizeHint().width() + margins.left() + margins.right()
    content = page.content.minimumSizeHint().width()
    assert line > content
    right_to_left = direction == Qt.LayoutDirection.RightToLeft
    for width in (least, least + 40, least - (line - content)):
        page.resize(width, 400)
        qtbot.waitUntil(lambda width=width: page.width() == width)
        settle()
        title, export = _span(page.title, page), _span(page.title_controls, page)
        assert not title.intersects(export), width
        period, button = _span(page.period, page), _span(page.export_button, page)
        assert not period.intersects(button), width
        assert (period.left() > button.left()) == right_to_left, width  # the period first
        assert page.title.width() >= page.title.sizeHint().width(), width  # whole
        assert not page.horizontalScrollBar().isVisible(), width
        assert page.content.width() <= page.viewport().width(), width
        assert check_layout(page) == [], width
        # Mirrored right to left: measured from the content's right edge.
        if right_to_left:
            edge = page.content.width() - 1
            title = QRect(edge - title.right(), title.top(), title.width(), title.height())
            export = QRect(edge - export.right(), export.top(), export.width(), export.height())
        if width >= least:  # one line, Export as far in from the end as the title from the start
            assert export.top() < title.bottom(), width
            assert title.top() < export.bottom(), width
            assert page.content.width() - 1 - export.right() == title.left(), width
        else:
            assert export.top() > title.bottom(), width
            assert export.left() == title.left(), width


def _column_colours(chart: UsageChart, index: int) -> set[int]:
    """The colours drawn in day ``index``'s column, in the bottom 6 px of the plot."""
    image = chart.grab().toImage()
    plot, rect = chart.plot_rect(), chart.bar_rect(index)
    x = int(rect.center().x())
    bottom = int(plot.bottom())
    return {image.pixel(x, y) for y in range(bottom - 6, bottom - 1)}


def _chart_of(qtbot: QtBot, slots: list[SlotUsage]) -> UsageChart:
    """A 600x200 chart of these calls' 30 days."""
    chart = UsageChart()
    qtbot.addWidget(chart)
    chart.resize(600, 200)
    chart.set_chart(usage_view(recent(slots)).chart)
    return chart


def test_a_tiny_day_beside_a_huge_one_is_still_seen(qtbot: QtBot) -> None:
    """830 tokens beside 5 billion draw a sliver, not nothing; in cost mode a day of unpriced
    models alone is outlined."""
    slots = [
        slot(TODAY, 5_000_000_000, project="shop"),
        slot(TODAY - timedelta(days=2), 830, project="shop"),
        slot(TODAY - timedelta(days=4), 50_000, project="shop", model="mystery"),
    ]
    chart = _chart_of(qtbot, slots)
    days = len(chart.chart.days) if chart.chart is not None else 0
    idle = _column_colours(chart, days - 2)  # a day without use
    assert len(idle) == 1
    assert _column_colours(chart, days - 3) != idle  # the 830 tokens
    chart.set_mode(ChartMode.COST)
    assert _column_colours(chart, days - 5) != idle  # the unpriced model's day
    assert _column_colours(chart, days - 3) != idle  # a cost of a thousandth of a cent


def test_the_outline_of_unpriced_use_stays_within_the_scale(qtbot: QtBot) -> None:
    """A cost bar that reaches the scale's top, with unpriced use beside it: its outline is
    drawn over the bar's top, not above the scale's top line."""
    slots = [
        slot(TODAY, 2_500_000, project="shop"),  # $5.00: the scale's top
        slot(TODAY, 50_000, project="shop", model="mystery"),
    ]
    chart = _chart_of(qtbot, slots)
    chart.set_mode(ChartMode.COST)
    assert chart.scale_labels()[2] == "$5"
    image = chart.grab().toImage()
    days = len(chart.chart.days) if chart.chart is not None else 0
    top = int(chart.plot_rect().top())
    today, idle = (int(chart.bar_rect(i).center().x()) for i in (days - 1, days - 2))
    assert image.pixel(today, top + 3) != image.pixel(idle, top + 3)  # the bar is there
    above = [y for y in range(top - 1) if image.pixel(today, y) != image.pixel(idle, y)]
    assert above == []


def test_a_sliver_of_cost_beside_unpriced_use_is_outlined_too(qtbot: QtBot) -> None:
    """A day whose priced cost is a sliver beside the tallest day, with unpriced use beside
    it: the outline of the unpriced use stands on the sliver (it had been left out)."""
    slots = [
        slot(TODAY, 5_000_000_000, project="shop"),
        slot(TODAY - timedelta(days=2), 830, project="shop"),
        slot(TODAY - timedelta(days=2), 50_000, project="shop", model="mystery"),
    ]
    chart = _chart_of(qtbot, slots)
    chart.set_mode(ChartMode.COST)
    image = chart.grab().toImage()
    days = len(chart.chart.days) if chart.chart is not None else 0
    bottom = int(chart.plot_rect().bottom())
    day, idle = (int(chart.bar_rect(i).center().x()) for i in (days - 3, days - 2))
    above = range(bottom - 9, bottom - 2)  # over the sliver of 2 px
    assert any(image.pixel(day, y) != image.pixel(idle, y) for y in above)


def _shown_page(qtbot: QtBot, slots: list[SlotUsage], width: int, height: int) -> UsagePage:
    """A Usage page of these calls, shown at this size."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(usage_view(recent(slots)))
    page.resize(width, height)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_share_hides_before_the_names_get_cut(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Narrow, the model table drops Share so that "gpt-5.3-codex" and "gpt-5.2-codex" read
    whole; wide, Share is back. (Priced: with no cost known, Cost would go first.)"""
    prices = {"gpt-5.3-codex": (2e-6, 0.5e-6, 10e-6), "gpt-5.2-codex": (1e-6, 0.1e-6, 4e-6)}
    monkeypatch.setattr("tests.unit.viewmodels.test_usage.PRICES", prices)
    slots = [
        slot(TODAY, 2_000_000, project="shop", model="gpt-5.3-codex"),
        slot(TODAY, 1_000_000, project="shop", model="gpt-5.2-codex"),
    ]
    page = _shown_page(qtbot, slots, 360, 700)
    table = page.model_table
    assert table.isColumnHidden(UsageColumn.SHARE)
    name_width = table.horizontalHeader().sectionSize(UsageColumn.NAME)
    assert table.fontMetrics().horizontalAdvance("gpt-5.3-codex") + 8 <= name_width
    page.resize(1400, 700)
    qtbot.waitUntil(lambda: not table.isColumnHidden(UsageColumn.SHARE))


def test_with_no_cost_known_cost_hides_before_share(qtbot: QtBot) -> None:
    """No model of the period has a price: the tables show no Cost column (a column of
    dashes had kept its room while Share went), and Share stays where the names leave it
    room; a priced model brings Cost back."""
    slots = [
        slot(TODAY, 2_000_000, project="a-project-of-some-length", model="local-llama-70b"),
        slot(TODAY, 1_000_000, project="another-project-name", model="our-own-model-v2"),
    ]
    page = _shown_page(qtbot, slots, 820, 700)
    for table in (page.project_table, page.model_table):
        assert table.isColumnHidden(UsageColumn.COST)
        assert not table.isColumnHidden(UsageColumn.SHARE)
    page.show_view(usage_view(recent([*slots, slot(TODAY, 10, model="gpt-a")])))
    for table in (page.project_table, page.model_table):
        qtbot.waitUntil(lambda table=table: not table.isColumnHidden(UsageColumn.COST))


@pytest.mark.parametrize("mode", [ChartMode.TOKENS, ChartMode.COST])
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_sorted_by_share_as_it_hides_the_arrow_goes_to_what_it_is_a_share_of(
    qtbot: QtBot, mode: ChartMode, order: Qt.SortOrder
) -> None:
    """Sorted by Share (or Cost %) and made narrow, the rows kept their order with no title
    telling it: Share's arrow goes to Tokens (or Cost), whose order is the same."""
    page = settled_page(qtbot, 1400, 700)
    page.set_mode(mode)
    table = page.project_table
    qtbot.waitUntil(lambda: not table.isColumnHidden(UsageColumn.SHARE))
    table.sortByColumn(UsageColumn.SHARE, order)
    if table.horizontalHeader().sortIndicatorOrder() != order:
        table.sortByColumn(UsageColumn.SHARE, order)  # a first click sorts largest first

    def names() -> list[str]:
        return [
            str(table.model().index(row, UsageColumn.NAME).data())
            for row in range(table.model().rowCount())
        ]

    rows = names()
    page.resize(360, 700)
    qtbot.waitUntil(lambda: table.isColumnHidden(UsageColumn.SHARE))
    header = table.horizontalHeader()
    of = UsageColumn.COST if mode is ChartMode.COST else UsageColumn.TOKENS
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (of, order)
    assert names() == rows


def test_a_twenty_character_name_shows_whole_before_share_does(qtbot: QtBot) -> None:
    """Side by side at 780 px, "codex-experimental-9" read "codex-e…ental-9" while the
    Share column stayed: Share goes first."""
    slots = [
        slot(TODAY, 3_000_000, project="shop", model="codex-experimental-9"),
        slot(TODAY, 2_000_000, project="shop", model="gpt-5.3-codex"),
        *(slot(TODAY, 1_000_000 - n, project=f"service-{n:02}") for n in range(12)),
    ]
    page = _shown_page(qtbot, slots, 780, 700)
    table = page.model_table
    qtbot.waitUntil(lambda: page.tables.direction() == QBoxLayout.Direction.LeftToRight)
    name_width = table.horizontalHeader().sectionSize(UsageColumn.NAME)
    assert table.fontMetrics().horizontalAdvance("codex-experimental-9") + 8 <= name_width
    # Measured, not counted: 25 wide capitals read whole too, at any width.
    wide = "MOBILE-WEB-DASHBOARD-MWDX"
    slots.append(slot(TODAY, 4_000_000, project=wide))
    page.show_view(usage_view(recent(slots)))
    table = page.project_table
    for width in (700, 900, 1100):
        page.resize(width, 700)
        settle()
        name_width = table.horizontalHeader().sectionSize(UsageColumn.NAME)
        assert table.fontMetrics().horizontalAdvance(wide) + 8 <= name_width, width


#: A month whose project table has long costs ("~$100,000.00+": two models and one without a
#: price in one project) and a long name, and whose model table short costs and short names:
#: alone, each table had sized its numbers and chosen its Share for itself.
LEDGER_SLOTS = [
    slot(TODAY, 30_000_000_000, project="storefront-checkout-service"),
    slot(TODAY, 40_000_000_000, project="storefront-checkout-service", model="gpt-b"),
    slot(TODAY, 5_000_000, project="storefront-checkout-service", model="mystery"),
    slot(TODAY, 9_000, project="api", model="gpt-b"),
    slot(TODAY, 2_000, project="docs"),
]


def _number_widths(table: UsageTable) -> list[int | None]:
    """The number columns' widths as shown (``None``: hidden)."""
    return [
        None if table.isColumnHidden(column) else table.columnWidth(column)
        for column in NUMBER_COLUMNS
    ]


def test_the_stacked_tables_read_as_one_ledger(qtbot: QtBot, qtmodeltester: object) -> None:
    """One under the other, the tables' number columns are as wide in both (the wider of the
    two), Share shows in both or in neither, and the names are as wide in both; so the
    columns line up at every width from the page's least to where the tables stand side by
    side, with nothing cut. Side by side, each keeps its own widths."""
    page = _shown_page(qtbot, LEDGER_SLOTS, 1600, 1400)
    settle()
    projects, models = page.project_table, page.model_table
    assert page.tables.direction() == QBoxLayout.Direction.LeftToRight
    # Side by side, each table's numbers are as wide as its own cells ask.
    cost = UsageColumn.COST
    own = {table: table.columnWidth(cost) for table in (projects, models)}
    assert own[models] < own[projects]
    least = page.minimumSizeHint().width()
    shares = set()
    width = least
    for width in range(least, least + 600, 4):
        page.resize(width, 1400)
        settle()
        if page.tables.direction() == QBoxLayout.Direction.LeftToRight:
            break
        assert _number_widths(projects) == _number_widths(models), width
        assert projects.columnWidth(cost) == own[projects], width
        name = UsageColumn.NAME
        assert projects.columnWidth(name) == models.columnWidth(name), width
        for column in NUMBER_COLUMNS:
            assert projects.columnViewportPosition(column) == models.columnViewportPosition(
                column
            ), (width, column)
        assert check_layout(page) == [], width
        shares.add(projects.isColumnHidden(UsageColumn.SHARE))
    assert shares == {True, False}  # both choices met, and made alike
    # Side by side again, each has its own widths back.
    page.resize(width + 200, 1400)
    settle()
    assert page.tables.direction() == QBoxLayout.Direction.LeftToRight
    assert {table: table.columnWidth(cost) for table in own} == own
    for table in (projects, models):
        qtmodeltester.check(table.model())  # type: ignore[attr-defined]


def test_side_by_side_tables_show_share_both_or_neither(qtbot: QtBot) -> None:
    """Side by side, where a long project's name leaves no room for Share in its table
    while the models' names would keep it, neither table shows Share (the two had shown
    different columns); where both fit, both show it."""
    page = _shown_page(qtbot, LEDGER_SLOTS, 500, 1400)
    projects, models = page.project_table, page.model_table
    met: set[tuple[bool, bool]] = set()
    for width in range(page.minimumSizeHint().width(), 1900, 8):
        page.resize(width, 1400)
        settle()
        if page.tables.direction() != QBoxLayout.Direction.LeftToRight:
            continue
        hidden = projects.isColumnHidden(UsageColumn.SHARE)
        assert models.isColumnHidden(UsageColumn.SHARE) == hidden, width
        assert hidden == (not (projects.share_fits() and models.share_fits())), width
        met.add((projects.share_fits(), models.share_fits()))
    assert (False, True) in met  # the case of one table alone short of room was met
    assert (True, True) in met


def test_a_refresh_keeps_the_ledger_without_measuring_the_other_table(qtbot: QtBot) -> None:
    """When one table's numbers change (the page refreshes as sessions write), the other
    table follows its new widths without measuring its own cells again; the long cost gone,
    both narrow back."""
    page = _shown_page(qtbot, LEDGER_SLOTS, 500, 1400)
    settle()
    projects, models = page.project_table, page.model_table
    assert page.tables.direction() == QBoxLayout.Direction.TopToBottom
    assert _number_widths(projects) == _number_widths(models)
    cost = UsageColumn.COST
    wide = models.columnWidth(cost)
    measured = []
    delegate = models.itemDelegateForColumn(UsageColumn.TOKENS)
    original = delegate.sizeHint

    def counted(option: QStyleOptionViewItem, index: object) -> QSize:
        measured.append(index)
        return original(option, index)

    delegate.sizeHint = counted  # type: ignore[method-assign]
    rows = page.project_model.rows
    shorter = (replace(rows[0], cost_text="~$9.00+"), *rows[1:])
    page.project_model.show_rows(shorter)
    settle()
    assert measured == []
    assert models.columnWidth(cost) < wide
    assert _number_widths(projects) == _number_widths(models)


def test_stacked_beside_a_table_that_scrolls_the_other_keeps_its_scroll_bar_s_room(
    qtbot: QtBot,
) -> None:
    """Past ``TABLE_ROWS`` projects their table scrolls: one under it, the model table keeps
    the scroll bar's room (blank), so that their numbers still line up; side by side it
    gives the room back to its names."""
    slots = [
        *LEDGER_SLOTS,
        *(slot(TODAY, 1000 + n, project=f"svc-{n:02}") for n in range(TABLE_ROWS)),
    ]
    page = _shown_page(qtbot, slots, 500, 1600)
    settle()
    projects, models = page.project_table, page.model_table
    assert page.tables.direction() == QBoxLayout.Direction.TopToBottom
    assert projects.verticalScrollBar().isVisible()
    assert models.verticalScrollBar().isVisible()
    gutter = models.verticalScrollBar()
    assert gutter.maximum() == 0  # nothing to scroll: a blank strip, no arrows or groove
    image = gutter.grab().toImage()
    drawn = {image.pixel(x, y) for x in range(image.width()) for y in range(0, image.height(), 3)}
    assert drawn == {models.palette().color(QPalette.ColorRole.Base).rgb()}
    assert projects.viewport().width() == models.viewport().width()
    for column in NUMBER_COLUMNS:
        assert projects.columnViewportPosition(column) == models.columnViewportPosition(column)
    assert check_layout(page) == []
    page.resize(1600, 1600)
    settle()
    assert page.tables.direction() == QBoxLayout.Direction.LeftToRight
    assert not models.verticalScrollBar().isVisible()
    assert projects.verticalScrollBar().isVisible()


def test_many_projects_do_not_squeeze_the_chart(qtbot: QtBot) -> None:
    """Twenty projects make the page scroll; the chart keeps a height to read days by."""
    slots = [slot(TODAY, 1000 * (n + 1), project=f"svc-{n:02}") for n in range(20)]
    page = _shown_page(qtbot, slots, 1400, 800)
    table = page.project_table
    qtbot.waitUntil(lambda: table.height() >= table.sizeHint().height())  # laid out, 20 rows
    assert page.chart.height() >= 13 * page.chart.fontMetrics().height(), page.chart.height()


def test_every_colour_the_chart_can_be_given_is_its_own() -> None:
    """The chart's colours, the grey of "Other models" and the cost bars' own: no index
    wraps around onto another model's colour."""
    from codex_presence_gui.ui.usage_chart import SERIES_COLORS
    from codex_presence_gui.viewmodels.usage import CHART_MODELS, COST_COLORS, OTHER_COLOR

    indices = {*range(CHART_MODELS), OTHER_COLOR, *COST_COLORS}
    assert max(indices) < len(SERIES_COLORS)
    assert len({light for light, _ in SERIES_COLORS}) == len(SERIES_COLORS)


def _lab(color: str) -> tuple[float, float, float]:
    """``#rrggbb`` in CIE L*a*b* (D65): distances there are as the eye tells colours apart."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(color[i : i + 2], 16) / 255) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(value: float) -> float:
        return value ** (1 / 3) if value > 0.008856 else 7.787 * value + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_the_chart_s_colours_are_told_apart_in_either_palette(palette: str) -> None:
    """Any two of the chart's colours can stand side by side (the cost bars give models
    beyond the token bars' the later ones): in the dark palette the amber and the ochre had
    been all but the same yellow (a distance of 9.6, where the others keep 27 or more)."""
    from codex_presence_gui.ui.usage_chart import SERIES_COLORS

    colors = [pair[palette == "dark"] for pair in SERIES_COLORS]
    closest = min((math.dist(_lab(a), _lab(b)), a, b) for a, b in itertools.combinations(colors, 2))
    assert closest[0] >= 20, closest


@pytest.mark.parametrize(
    ("mode", "largest", "labels"),
    [
        (ChartMode.COST, 0.0111, ("$0.012", "$0.006")),
        (ChartMode.COST, 0.14, ("$0.15", "$0.075")),
        (ChartMode.COST, 0.17, ("$0.20", "$0.10")),  # whole cents as the costs read: not "$0.2"
        (ChartMode.COST, 2.9, ("$3", "$1.50")),
        (ChartMode.TOKENS, 15, ("16", "8")),
        (ChartMode.TOKENS, 1, ("2", "1")),
        (ChartMode.TOKENS, 2_900_000, ("3M", "1.5M")),
        # A few hundred tokens of a small model a day: decimals, not "$4e-05".
        (ChartMode.COST, 0.0000371, ("$0.00004", "$0.00002")),
        # Large amounts as the token counts read: "$2,500,000,000" took a third of a
        # narrow chart's width.
        (ChartMode.COST, 2.1e9, ("$2.5B", "$1.25B")),
        (ChartMode.COST, 1400, ("$1.5K", "$750")),
        # Past the largest count said, a line says it as the totals do: ">999T" (it had
        # read "1,200T" beside totals of ">999T").
        (ChartMode.TOKENS, 1.1e15, (">999T", "600T")),
        # A cost has no such bound (the totals say "$5,000.00T").
        (ChartMode.COST, 4.2e15, ("$5,000T", "$2,500T")),
    ],
)
def test_the_scale_says_its_lines_right_for_small_and_large_amounts(
    qtbot: QtBot, mode: ChartMode, largest: float, labels: tuple[str, str]
) -> None:
    """The top and middle lines' labels are their values, not rounded onto each other."""
    chart = UsageChart()
    qtbot.addWidget(chart)
    view = full_view().chart
    assert view is not None
    chart.chart = replace(view, max_tokens=int(largest), max_cost=largest)
    chart.mode = mode
    top = chart._top()
    assert (chart._axis_text(top), chart._axis_text(top / 2)) == labels


def test_a_scale_past_the_largest_count_reads_as_the_totals(qtbot: QtBot) -> None:
    """A hostile log's day of quadrillions: the top line says ">999T", as the totals beside
    it do (it had read "5,000T"); the middle line, past the bound too, says nothing rather
    than repeat it."""
    chart = UsageChart()
    qtbot.addWidget(chart)
    view = full_view().chart
    assert view is not None
    chart.chart = replace(view, max_tokens=4 * 10**15)
    chart.mode = ChartMode.TOKENS
    assert chart.scale_labels() == ("0", "", ">999T")
    chart.chart = replace(view, max_tokens=2_900_000)
    assert chart.scale_labels() == ("0", "1.5M", "3M")


def test_legend_lines_break_between_entries_only(qapp: QApplication) -> None:
    """A swatch never stays behind at a line's end: where each entry fits on a line, a name
    breaks neither at its spaces, hyphens, dashes nor between ideographs; the lines break
    between entries."""
    names = [
        "gpt-5.3-codex",
        "gpt-5.3-codex-ultra-long-2026-11-01",
        "acme local model",
        "model\u2014with\u2014dashes",
        "模型名称模型名称",
    ]
    view = usage_view(recent([slot(TODAY, 1000 + n, model=name) for n, name in enumerate(names)]))
    document = QTextDocument()
    document.setHtml(legend_html(view.chart, QApplication.palette()))
    metrics = QFontMetricsF(document.defaultFont())
    widest = max(metrics.horizontalAdvance(f"\u25a0 {name}  ") for name in names)
    for width in (widest * 1.1, widest * 1.6, widest * 2.5):
        document.setTextWidth(width)
        document.documentLayout().documentSize()  # lays the text out
        block = document.firstBlock()
        layout = block.layout()
        assert layout is not None
        starts = [
            block.text()[layout.lineAt(n).textStart() :].lstrip()[:1]
            for n in range(layout.lineCount())
        ]
        assert layout.lineCount() > 1
        assert set(starts) == {"\u25a0"}, (width, starts)


def test_what_holds_a_legend_name_together_leaves_its_characters_whole() -> None:
    """Word joiners go between grapheme clusters: an emoji sequence (counted by Qt in UTF-16
    units), a letter with its accent and an escaped ``&`` stay as they were."""
    family = "\U0001f469\u200d\U0001f4bb"  # woman technologist: one cluster of three
    name = f"bot {family} e\u0301 R&D"
    view = usage_view(recent([slot(TODAY, 1000, model=name)]))
    html = legend_html(view.chart, QApplication.palette())
    assert family in html
    assert "e\u0301" in html
    # The name in its isolate (it is not ASCII), at the end of the legend's paragraph.
    assert html.endswith(
        "\u2068"
        + WORD_JOINER.join(["b", "o", "t", "&nbsp;", family, "&nbsp;", "e\u0301", "&nbsp;"])
        + WORD_JOINER
        + WORD_JOINER.join(["R", "&amp;", "D"])
        + "\u2069</p>"
    )


@pytest.mark.parametrize("theme", ["light", "dark", "system"])
def test_the_export_message_is_readable_on_its_fill_in_every_theme(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, theme: str
) -> None:
    """The quieter text of "Saved …" keeps the contrast the app asks of text, on the
    message's own fill, in each theme, also when the theme changes while it shows."""
    from codex_presence_gui.app import application

    apply_theme(application(), theme)
    try:
        page = shown_page(qtbot, monkeypatch, 60_000)
        assert export(qtbot, page, tmp_path / "usage.csv")
        for switched in (theme, "dark" if theme != "dark" else "light"):
            apply_theme(application(), switched)
            settle()
            text = page.export_status.palette().color(QPalette.ColorRole.WindowText)
            fill = page.export_row.palette().color(QPalette.ColorRole.Window)
            assert contrast_ratio(text, fill) >= MIN_TEXT_CONTRAST, (switched, text.name())
    finally:
        apply_theme(application(), "system")


def test_problems_in_the_logs_show_on_the_page_in_a_warning_colour(qtbot: QtBot) -> None:
    """Said under the title in the warning colour, each problem in the tooltip; gone with
    them; the page still lays out."""
    from dataclasses import replace

    page = UsagePage()
    qtbot.addWidget(page)
    page.resize(700, 700)
    view = replace(
        full_view(),
        problems_text="⚠ 1 problem in Codex's logs: some calls may be missing here.",
        problems_tooltip="2 malformed lines skipped in rollout-a.jsonl",
    )
    page.show_view(view)
    page.show()
    settle()
    assert page.problems.isVisible()
    assert page.problems.text() == view.problems_text
    # Read out without the sign ("warning sign, 1 problem…"), as the status bar's item is.
    assert page.problems.accessibleName() == (
        "1 problem in Codex's logs: some calls may be missing here."
    )
    assert "2 malformed lines skipped in rollout-a.jsonl" in page.problems.toolTip()
    color = page.problems.palette().color(QPalette.ColorRole.WindowText)
    assert color == level_text_color(Level.WARN, page.palette())
    assert check_layout(page) == []
    page.show_view(full_view())
    assert not page.problems.isVisible()


def test_a_table_left_by_the_keyboard_keeps_no_highlight(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables are for reading: a row highlighted while the keyboard is in one goes when
    the focus moves on (both tables had looked picked at once)."""
    from PySide6.QtGui import QFocusEvent

    page = shown_page(qtbot, monkeypatch, 1000)
    models = page.model_table
    models.setFocus(Qt.FocusReason.TabFocusReason)
    models.selectRow(0)
    assert models.selectionModel().hasSelection()
    QApplication.sendEvent(models, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason))
    assert not models.selectionModel().hasSelection()
    # Another window taking the focus (a tooltip, a menu, the file manager) leaves it.
    models.selectRow(0)
    QApplication.sendEvent(
        models, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.ActiveWindowFocusReason)
    )
    assert models.selectionModel().hasSelection()


def test_numbers_read_left_to_right_in_a_right_to_left_window(qtbot: QtBot) -> None:
    """In a right-to-left window the tables' columns are mirrored, but each number reads as
    written: "~$8.09" and "<$0.01" had been drawn "$8.09~" and "$0.01>" (the signs took the
    window's direction)."""
    slots = [
        slot(TODAY, 9_000_000, 200_000, project="shop"),
        slot(TODAY, 400_000, project="shop", model="mystery"),  # "~$20.00+"
        slot(TODAY, 1000, project="api", model="gpt-b"),  # "<$0.01"
        slot(TODAY, 300_000, project="docs", model="mystery"),  # "–"
    ]
    table = UsageTable(UsageTableModel("Project"))
    qtbot.addWidget(table)
    table.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    view = usage_view(recent(slots))
    table.source_model.show_rows(view.projects)
    table.show()
    texts = []
    for row in range(table.proxy.rowCount()):
        for column in (UsageColumn.TOKENS, UsageColumn.COST, UsageColumn.SHARE):
            index = table.proxy.index(row, column)
            option = QStyleOptionViewItem()
            table.initViewItemOption(option)
            option.rect = table.visualRect(index)
            delegate = table.itemDelegateForColumn(column) or table.itemDelegate()
            assert isinstance(delegate, QStyledItemDelegate)
            delegate.initStyleOption(option, index)
            written = index.data()
            shown = reading_order(option.text, option.font, option.direction)
            assert shown == written, (shown, written)
            texts.append(written)
    assert {"<$0.01", "–"} <= set(texts)
    assert any(text.startswith("~$") and text.endswith("+") for text in texts)


def test_the_chart_is_drawn_the_same_in_a_right_to_left_window(qtbot: QtBot) -> None:
    """The days run left to right whatever the window's direction, and so do the scale's
    values beside their lines: in a right-to-left window they had been drawn against the
    widget's left edge, "0" a plot's margin away from its line."""
    chart = UsageChart()
    qtbot.addWidget(chart)
    chart.resize(600, 240)
    chart.set_chart(full_view().chart)
    left_to_right = chart.grab().toImage()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # as ``-reverse`` does
    try:
        assert chart.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert chart.grab().toImage() == left_to_right
    finally:
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def test_a_long_model_name_is_cut_to_the_legend_not_the_page_widened(qtbot: QtBot) -> None:
    """The legend asks for no more width than the rest of the page: a name wider than it is
    cut in its middle (whole in the tooltip). Unbroken, a 300-character name (cut to 48
    characters) had made the window 31 px wider than its least."""
    short = usage_view(recent([slot(TODAY, 1000, model="gpt-5.4"), slot(TODAY, 10)]))
    long_name = "custom-model-" * 23
    middling = "WIDE-MODEL-NAME-IN-CAPITALS-FOR-THE-LEGEND-TEST"  # under the 48-character cut
    named = [slot(TODAY, 1000, model=long_name), slot(TODAY, 10, model=middling)]
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(short)
    page.show()
    settle()
    least = page.minimumSizeHint().width()
    page.show_view(usage_view(recent(named)))
    settle()
    assert page.minimumSizeHint().width() == least
    page.resize(least, 900)
    settle()
    assert check_layout(page) == []
    legend = page.legend
    document = QTextDocument()
    document.setDefaultFont(legend.font())
    document.setDocumentMargin(0)
    document.setHtml(legend.text())
    document.setTextWidth(legend.contentsRect().width())
    assert document.idealWidth() <= legend.contentsRect().width()  # no entry overflows
    shown = legend.text().replace(WORD_JOINER, "")
    assert middling not in shown
    assert middling in legend.toolTip()
    page.resize(1200, 900)  # room again: whole
    settle()
    assert middling in legend.text().replace(WORD_JOINER, "")
    assert middling not in legend.toolTip()


def test_legend_names_cut_to_fit_are_whole_in_its_tooltip(qtbot: QtBot) -> None:
    long_name = "gpt-5" + "\u200b" * 20
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(usage_view(recent([slot(TODAY, 30, model=long_name)])))
    assert "gpt-5" + "\\u200b" * 20 in page.legend.toolTip()
    page.show_view(full_view())
    assert page.legend.toolTip() == ""


def test_card_details_cut_to_fit_are_whole_in_their_tooltip(qtbot: QtBot) -> None:
    from pathlib import Path

    from codex_presence_gui.core.models import CodexSessionSnapshot
    from codex_presence_gui.ui.session_card import SessionCard
    from codex_presence_gui.viewmodels.card import card_view

    card = SessionCard()
    qtbot.addWidget(card)
    snapshot = CodexSessionSnapshot(
        session_id="s", file=Path("s"), cwd="/p", project="p", model="gpt-5" + "\u202e" * 30
    )
    card.show_view(card_view(snapshot))
    assert card.details.toolTip()  # the text, as a tooltip shows it (its lines broken)
    assert card.details.accessibleDescription() == "Model: gpt-5" + "\\u202e" * 30
    card.show_view(card_view(snapshot._replace(model="o3")))
    assert card.details.toolTip() == ""


def test_a_name_elided_in_a_table_keeps_its_escapes_whole(qtbot: QtBot) -> None:
    """Qt's middle elision had drawn ``o9\\u200b\\…00b\\u200b`` in the By model table."""
    from codex_presence_gui.ui.labels import elided_key
    from tests.unit.core.test_shown_key import escapes_are_whole

    names = ["o9" + "\u200b" * 20, "gpt-5" + "\u202e" * 30]
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(usage_view(recent([slot(TODAY, 30 + n, model=m) for n, m in enumerate(names)])))
    page.resize(600, 900)
    page.show()
    qtbot.waitExposed(page)
    table = page.model_table
    for row in range(table.proxy.rowCount()):
        index = table.proxy.index(row, UsageColumn.NAME)
        option = QStyleOptionViewItem()
        table.initViewItemOption(option)
        option.rect = table.visualRect(index)
        table.itemDelegateForIndex(index).initStyleOption(option, index)
        room = option.rect.width() - 2 * (
            table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
        )
        # What the view draws: the text as the style elides it (it fits: left as it is).
        drawn = QFontMetricsF(option.font).elidedText(
            option.text, Qt.TextElideMode.ElideMiddle, room
        )
        assert "…" in drawn
        assert escapes_are_whole(drawn)
    metrics = QFontMetricsF(QApplication.font())
    shown = "gpt-5" + "\\u202e" * 30
    for room in range(0, int(metrics.horizontalAdvance(shown)) + 20, 7):
        cut = elided_key(shown, metrics, room)
        assert escapes_are_whole(cut)
        assert cut == shown or metrics.horizontalAdvance(cut) <= max(
            room, metrics.horizontalAdvance("…")
        )


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.0000371, "0.0000371"), (0.99996, "1"), (0.5, "0.5"), (0.0, "0")],
)
def test_decimals_below_a_cent_never_end_in_a_point(value: float, text: str) -> None:
    """Four significant figures in decimals; a value that rounds up to 1 is "1", not "1."
    (and no value, not even 0, raises)."""
    from codex_presence_gui.ui.usage_chart import _decimals

    assert _decimals(value) == text


@pytest.mark.parametrize("state", ["empty-folder", "no-codex-folder"])
def test_a_page_without_numbers_reads_whole_in_a_short_window(
    qtbot: QtBot, tmp_path: Path, state: str
) -> None:
    """The full layout needs only a few of the Usage page's lines in height (it scrolls); a
    page without numbers has no chart to give up the pixels it lacks by a little, and a
    window made as short as that had scrolled it by a sliver. It is as tall as it says."""
    from codex_presence_gui.app import read_usage_view
    from tests.helpers.layout_states import write_state

    window = MainWindow()
    qtbot.addWidget(window)
    window.show_usage(read_usage_view([write_state(state, tmp_path)]))
    window.set_layout_mode(LayoutMode.FULL)
    window.set_page(USAGE_PAGE)
    window.show()
    least = window.minimumWidth()
    for width in (least, least + 20, least + 70, 800):
        window.resize(width, 100)
        settle()
        assert check_layout(window) == [], width


def test_the_footnote_names_no_price_library_when_nothing_is_priced(qtbot: QtBot) -> None:
    """With no model priced, the footnote is the one plain note that says so: no empty line
    where the library's caption was, to screen readers either."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(usage_view(recent([slot(TODAY, 1000, model="mystery")])))
    note = (
        "The model used in the last 30 days has no known API price: mystery. No cost is "
        "estimated; its tokens are counted."
    )
    assert page.footnote.text() == note
    assert page.footnote.accessibleName() == note


def test_an_export_without_days_is_offered_the_plain_name() -> None:
    """Nothing read yet (no chart): the name says the 30 days without a date."""
    assert csv_name(None) == DEFAULT_CSV_NAME
    assert csv_name(UsageView(UsageState.LOADING)) == DEFAULT_CSV_NAME


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX home")
def test_export_without_a_home_opens_its_dialog(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No home at all (the window run with --base-dir and --codex-home, as a container's
    user without one): Export opens its file dialog, in the working folder. pathlib's
    RuntimeError for the home it opened in had ended the click in the error box."""
    import pwd

    def no_user(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(full_view())
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_user)
    asked: list[str] = []

    def cancelled(_parent: object, _title: str, folder: str, *_rest: object) -> str:
        asked.append(folder)
        return ""

    monkeypatch.setattr("codex_presence_gui.ui.usage_view.choose_save_file", cancelled)
    page._choose_export()
    assert asked == [""]


def test_a_narrow_page_keeps_the_command_s_options_whole(qtbot: QtBot, tmp_path: Path) -> None:
    """Only older usage, at 360 px: the command to see it had broken as "report daily --"
    over "codex-home '/tmp/…'", which reads as another option."""
    home = tmp_path / "my codex homes" / "old-home-with-a-rather-long-folder-name"
    page = UsagePage()
    qtbot.addWidget(page)
    page.resize(360, 480)
    page.show_view(usage_view(recent([], recorded=True, homes=(str(home),))))
    page.show()
    qtbot.waitExposed(page)
    label = page.message
    layout = QTextLayout(label.text(), label.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    ends = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(label.contentsRect().width())
        ends.append(line.textStart() + line.textLength())
    layout.endLayout()
    text = label.text()
    assert len(ends) > 2  # wrapped
    found = re.search("-\u2060?-\u2060?codex-\u2060?home", text)
    assert found is not None
    assert not any(found.start() < end < found.end() for end in ends), text


# -- the period -----------------------------------------------------------------------------


TOOLTIP = Qt.ItemDataRole.ToolTipRole


def quarter_view(days: int = 90) -> UsageView:
    """Calls over the last 90 days, read for a period of ``days`` days."""
    slots = [slot(TODAY - timedelta(days=back), 1000 + back) for back in range(0, 90, 3)]
    return usage_view(recent(slots, days=days))


def test_table_model_of_a_new_period_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: object
) -> None:
    """The titles' tooltips name the period's days; a new period says so to the views."""
    model = UsageTableModel("Project")
    model.show_rows(full_view().projects)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    tip = model.headerData(UsageColumn.TOKENS, Qt.Orientation.Horizontal, TOOLTIP)
    assert "last 30 days" in tip
    with qtbot.waitSignal(model.headerDataChanged, timeout=1000):
        model.set_days(90)
    model.show_rows(quarter_view().projects)
    for column in (UsageColumn.TOKENS, UsageColumn.SHARE):
        assert "last 90 days" in model.headerData(column, Qt.Orientation.Horizontal, TOOLTIP)
    model.show_cost_shares(True)
    assert "last 90 days" in model.headerData(UsageColumn.SHARE, Qt.Orientation.Horizontal, TOOLTIP)


@pytest.mark.parametrize("days", [7, 30, 90])
def test_the_page_shows_the_period_of_its_view(qtbot: QtBot, days: int) -> None:
    """Totals (two for the week, else three, the period named last), one bar a day, the
    export's name and tooltip, and the chart's name all say the view's period."""
    page = _shown_page(qtbot, [slot(TODAY, 1000)], 820, 700)
    view = quarter_view(days)
    page.show_view(view)
    settle()
    shown = [box for box in page.periods if box.isVisible()]
    assert [box.caption.full_text for box in shown] == [t.label for t in view.totals]
    assert shown[-1].caption.full_text == f"{days} days"
    assert len(shown) == (2 if days == 7 else 3)
    assert page.chart.chart is view.chart
    assert page.chart.accessibleName() == f"Daily usage, last {days} days"
    assert f"last {days} days" in page.export_button.toolTip()
    assert csv_name(view) == f"codex-usage-{days}-days-to-{TODAY.isoformat()}.csv"
    assert f"over {days} days" in page.cache.text()
    assert check_layout(page) == []


def test_the_period_is_chosen_with_the_keyboard(qtbot: QtBot) -> None:
    """Tab reaches the period before Export; named for screen readers; the arrows choose
    another (said with ``days_chosen``), and the page keeps the view it shows until the new
    period's comes."""
    page = active_page(qtbot, 820, 700)
    chooser = page.period
    assert chooser.accessibleName() == "Period"
    assert chooser.currentText() == "Last 30 days"
    assert chooser.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert page.export_button in _tab_chain_after(chooser, 1)
    chooser.setFocus()
    qtbot.waitUntil(chooser.hasFocus)
    shown = page.view
    with qtbot.waitSignal(page.days_chosen, timeout=1000) as blocker:
        qtbot.keyClick(chooser, Qt.Key.Key_Down)
    assert blocker.args == [90]
    assert page.days == 90
    assert page.view is shown  # the 30 days stay until the 90 days' view arrives
    assert [box.caption.full_text for box in page.periods][2] == "30 days"
    with qtbot.waitSignal(page.days_chosen, timeout=1000) as blocker:
        qtbot.keyClick(chooser, Qt.Key.Key_Home)
    assert blocker.args == [7]
    with qtbot.assertNotEmitted(page.days_chosen):
        page.set_days(30)  # a period kept from before: nobody to tell
    assert chooser.currentText() == "Last 30 days"


def _tab_chain_after(widget: QWidget, count: int) -> list[QWidget]:
    """The ``count`` widgets Tab goes to after ``widget``."""
    chain = []
    current = widget
    for _ in range(count):
        current = current.nextInFocusChain()
        while not current.focusPolicy() & Qt.FocusPolicy.TabFocus or not current.isVisible():
            current = current.nextInFocusChain()
        chain.append(current)
    return chain


def test_the_period_chosen_is_kept_for_the_next_run(qtbot: QtBot, tmp_path: Path) -> None:
    """The period chosen comes back at the next start; one in ui.ini that is none of the
    choices reads as 30 days."""
    from codex_presence_gui.ui.window_state import WindowState

    first = MainWindow(WindowState(tmp_path / "ui.ini"))
    qtbot.addWidget(first)
    first.usage_page.period.setCurrentIndex(2)
    first.usage_page.period.activated.emit(2)
    assert WindowState(tmp_path / "ui.ini").usage_days == 90
    again = MainWindow(WindowState(tmp_path / "ui.ini"))
    qtbot.addWidget(again)
    assert again.usage_page.days == 90
    assert again.usage_page.period.currentText() == "Last 90 days"
    for kept in ("365", "-7", "week", ""):
        (tmp_path / "ui.ini").write_text(f"[usage]\ndays={kept}\n", encoding="utf-8")
        assert WindowState(tmp_path / "ui.ini").usage_days == 30, kept
        fallback = MainWindow(WindowState(tmp_path / "ui.ini"))
        qtbot.addWidget(fallback)
        assert fallback.usage_page.days == 30


def test_the_page_left_is_the_page_the_next_run_opens_on(qtbot: QtBot, tmp_path: Path) -> None:
    """Quit on the Usage page, the app opens on it again (in the full layout: a compact
    window shows the live view, and the page comes back with the full one); back on the live
    view, it opens there. A value in ui.ini that is no page reads as the live view."""
    from codex_presence_gui.ui.window_state import WindowState

    def started() -> MainWindow:
        window = MainWindow(WindowState(tmp_path / "ui.ini"))
        qtbot.addWidget(window)
        window.resize(820, 580)
        window.show()
        window.show_usage(full_view())
        settle()
        return window

    first = started()
    assert first.page == LIVE_PAGE
    first.usage_action.trigger()
    assert WindowState(tmp_path / "ui.ini").page == USAGE_PAGE
    again = started()
    assert again.page == USAGE_PAGE
    assert again.usage_action.isChecked()
    assert again.pages.currentWidget() is again.usage_page
    again.set_layout_mode(LayoutMode.COMPACT)
    settle()
    assert again.pages.currentWidget() is again.live_page
    assert WindowState(tmp_path / "ui.ini").page == USAGE_PAGE  # the page, not what shows
    again.set_layout_mode(LayoutMode.AUTO)
    again.live_action.trigger()
    assert WindowState(tmp_path / "ui.ini").page == LIVE_PAGE
    back = started()
    assert back.page == LIVE_PAGE
    assert back.pages.currentWidget() is back.live_page
    for kept in ("Usage", "settings", "", "1"):
        (tmp_path / "ui.ini").write_text(f"[window]\npage={kept}\n", encoding="utf-8")
        assert WindowState(tmp_path / "ui.ini").page == LIVE_PAGE, kept
        fallback = started()
        assert fallback.page == LIVE_PAGE
        assert fallback.live_action.isChecked()
        assert fallback.pages.currentWidget() is fallback.live_page


def test_the_models_colours_are_kept_for_the_next_run(qtbot: QtBot, tmp_path: Path) -> None:
    """A model's colour comes back at the next start, even where it no longer leads (ranked
    afresh, it would take another)."""
    from datetime import timedelta

    from codex_presence_gui.ui.window_state import WindowState

    slots = [slot(TODAY, 2_000_000, model="gpt-a"), slot(TODAY, 1_000_000, model="gpt-b")]
    first = MainWindow(WindowState(tmp_path / "ui.ini"))
    qtbot.addWidget(first)
    first.usage_page.show_view(usage_view(recent(slots)))
    assert WindowState(tmp_path / "ui.ini").model_colors == {"gpt-a": 0, "gpt-b": 1}
    again = MainWindow(WindowState(tmp_path / "ui.ini"))
    qtbot.addWidget(again)
    overtaken = [*slots, slot(TODAY - timedelta(days=1), 5_000_000, model="gpt-b")]
    again.usage_page.show_view(usage_view(recent(overtaken)))
    chart = again.usage_page.chart.chart
    assert chart is not None
    assert dict(zip(*chart.stacking(cost=False), strict=True)) == {"gpt-b": 1, "gpt-a": 0}


@pytest.mark.parametrize(
    "kept",
    [
        "",
        "not json",
        "[1, 2]",
        '{"gpt-a": "blue"}',
        '{"gpt-a": 5}',  # the grey of "Other models"
        '{"gpt-a": 99}',
        '{"gpt-a": true}',
        "[" * 100_000,
        '{"' + "x" * 20_000 + '": 1}',
    ],
)
def test_model_colours_kept_that_cannot_be_used_are_left_aside(tmp_path: Path, kept: str) -> None:
    from codex_presence_gui.ui.window_state import WindowState

    state = WindowState(tmp_path / "ui.ini")
    state._settings.setValue("usage/colors", kept)
    assert state.model_colors == {}


@pytest.mark.parametrize("first", range(7))
def test_the_first_day_is_named_only_well_apart_from_the_first_monday(
    qtbot: QtBot, first: int
) -> None:
    """30 days from each day of the week: the first day is named only where it stands at
    least half the Mondays' gap from the first Monday named ("Thu 5 Nov" a few pixels from
    "Mon 9 Nov" had read as crowded)."""
    today = date(2026, 11, 30) + timedelta(days=first)
    chart = shown_chart(qtbot)
    chart.set_chart(usage_view(recent([slot(today, 1000)], today=today)).chart)
    chart.resize(820, 200)
    assert chart.chart is not None
    labels = sorted(chart.date_labels(), key=lambda label: label[0].left())
    mondays = [box for box, _alignment, text in labels if text.startswith("Mon ")]
    assert len(mondays) >= 2
    gap = mondays[1].left() - mondays[0].right()
    box, _alignment, text = labels[0]
    named = text == chart.chart.days[0].label and not text.startswith("Mon ")
    if named:
        assert mondays[0].left() - box.right() >= gap / 2
    else:
        assert text.startswith("Mon ")
    # Well apart, it is named: 30 days from a Tuesday, the first Monday is six days on.
    assert named == (chart.chart.days[0].day.weekday() == 1)


@pytest.mark.parametrize("width", [1600, 820, 400])
def test_ninety_bars_are_labelled_every_few_weeks(qtbot: QtBot, width: int) -> None:
    """90 days' Mondays do not all fit: every second, fourth or eighth one is named, counted
    back from the last, evenly apart, no two touching; each bar keeps its hover values."""
    chart = shown_chart(qtbot)
    chart.set_chart(quarter_view().chart)
    chart.resize(width, 200)
    settle()
    assert chart.chart is not None
    days = chart.chart.days
    labels = chart.date_labels()
    texts = [text for _box, _alignment, text in labels]
    assert texts[0] == "Today"
    mondays = [i for i, day in enumerate(days) if day.label in texts[1:] and day.day.weekday() == 0]
    assert len(mondays) >= 2
    steps = {later - earlier for earlier, later in itertools.pairwise(mondays)}
    assert len(steps) == 1
    assert steps.pop() in (7, 14, 28, 56)
    if width >= 1600:
        assert len(mondays) >= 6
    boxes = sorted((box for box, _alignment, _text in labels), key=lambda box: box.left())
    for earlier, later in itertools.pairwise(boxes):
        assert later.left() > earlier.right()
    assert all(box.left() >= 0 and box.right() <= chart.width() for box in boxes)
    for index in (0, 45, 89):
        centre = chart.bar_rect(index).center().toPoint()
        assert chart.text_at(centre) == days[index].tooltip


def test_a_week_names_each_day_where_there_is_room(qtbot: QtBot) -> None:
    """Seven bars: each day named under its bar, "Today" under the last."""
    chart = shown_chart(qtbot)
    chart.set_chart(quarter_view(7).chart)
    chart.resize(820, 200)
    settle()
    assert chart.chart is not None
    texts = sorted(chart.date_labels(), key=lambda label: label[0].left())
    assert [text for _box, _alignment, text in texts] == [
        *(day.label for day in chart.chart.days[:-1]),
        "Today",
    ]


def test_the_keyboard_s_day_stays_when_the_period_changes(qtbot: QtBot) -> None:
    """On a day with the arrows, a longer period keeps the keyboard on that day (its index
    moved); a shorter one without it lets it go."""
    chart = shown_chart(qtbot)
    chart.set_chart(quarter_view(30).chart)
    chart.hovered = 29  # today
    chart.set_chart(quarter_view(90).chart)
    assert chart.hovered == 89
    chart.hovered = 10
    chart.set_chart(quarter_view(7).chart)
    assert chart.hovered is None


def test_a_period_s_cost_is_said_to_be_an_estimate_and_an_unknown_one_is_not(
    qtbot: QtBot,
) -> None:
    """The cards' costs, the first the page shows, end in "est."; a period whose models
    have no known price says "cost unknown", and one of no calls "$0.00", with no mark of
    an estimate of nothing."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(usage_view(recent([slot(TODAY, 1_000_000)])))  # $2 at gpt-a's price
    assert [box.cost.full_text for box in page.periods] == ["~$2.00 est."] * 3
    page.show_view(usage_view(recent([slot(TODAY, 1000, model="mystery")])))
    assert [box.cost.full_text for box in page.periods] == ["cost unknown"] * 3
    # A day of no calls cost nothing, no estimate.
    page.show_view(usage_view(recent([slot(TODAY - timedelta(days=3), 1_000_000)])))
    assert [box.cost.full_text for box in page.periods] == ["$0.00", "~$2.00 est.", "~$2.00 est."]
    assert page.periods[0].accessibleName() == "Today: 0 tokens, $0.00"
