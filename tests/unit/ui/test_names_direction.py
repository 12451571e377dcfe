"""Names from the logs in a right-to-left window: each drawn in its own direction (a first
strong isolate), and only drawn so: never in the models' data, copied text or screen readers'
names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAccessible, QFontMetricsF, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.formatting import Level
from codex_presence_gui.ui.labels import (
    FIRST_STRONG_ISOLATE,
    POP_DIRECTIONAL_ISOLATE,
    names_isolated,
)
from codex_presence_gui.ui.limits_panel import LimitsPanel
from codex_presence_gui.ui.session_card import SessionCard
from codex_presence_gui.ui.sessions_table import SessionsTable
from codex_presence_gui.ui.usage_view import UsagePage, UsageTable
from codex_presence_gui.viewmodels.card import card_view
from codex_presence_gui.viewmodels.limits import (
    LimitGroupView,
    LimitRowView,
    LimitsView,
    RowState,
)
from codex_presence_gui.viewmodels.session_table import Column, SessionTableModel
from codex_presence_gui.viewmodels.usage import usage_view
from codex_presence_gui.viewmodels.usage_table import UsageColumn
from tests.helpers.bidi import reading_order
from tests.helpers.snapshots import NOW, session
from tests.unit.viewmodels.test_usage import TODAY, recent, slot

MARKS = (FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE)
#: Names whose ends have no direction of their own: a window's had been given to them.
LATIN_NAMES = ["project-with-a-rather-long-name-", "123 abc", "[x] proj", "gpt-5 (local)"]


def unmarked(text: str) -> str:
    return text.replace(FIRST_STRONG_ISOLATE, "").replace(POP_DIRECTIONAL_ISOLATE, "")


def isolated_whole(text: str) -> bool:
    return text.startswith(FIRST_STRONG_ISOLATE) and text.endswith(POP_DIRECTIONAL_ISOLATE)


@contextmanager
def right_to_left() -> Iterator[None]:
    """The application right to left, as ``-reverse`` makes it."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        yield
    finally:
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def drawn_option(view: QAbstractItemView, index: QModelIndex) -> QStyleOptionViewItem:
    """The option a view's delegate draws ``index`` with (its text as drawn, before the
    style's own elision)."""
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(index)
    delegate = view.itemDelegateForIndex(index)
    assert isinstance(delegate, QStyledItemDelegate)
    delegate.initStyleOption(option, index)
    return option


def as_drawn(view: QAbstractItemView, option: QStyleOptionViewItem, mode: Qt.TextElideMode) -> str:
    """The text the style draws: the option's, elided to the cell's room."""
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
    room = option.rect.width() - 2 * margin
    if option.features & QStyleOptionViewItem.ViewItemFeature.HasDecoration:
        room -= option.decorationSize.width() + margin
    return QFontMetricsF(option.font).elidedText(option.text, mode, room)


def test_what_shows_of_each_name_is_isolated() -> None:
    fsi, pdi = MARKS
    assert names_isolated("on main", "on main", ["main"]) == f"on {fsi}main{pdi}"
    # Cut by the "…", the name and the "…" are one isolate; what follows it stays out.
    full = "gpt-5 (local) limits"
    assert names_isolated("gpt-5 (lo…", full, ["gpt-5 (local)"]) == f"{fsi}gpt-5 (lo…{pdi}"
    assert names_isolated("gpt…mits", full, ["gpt-5 (local)"]) == f"{fsi}gpt…{pdi}mits"
    assert names_isolated("gpt-5 (local) l…", full, ["gpt-5 (local)"]) == (
        f"{fsi}gpt-5 (local){pdi} l…"
    )
    # Each name after the one before it; names not in the text, or a text not cut from it,
    # are left alone.
    assert names_isolated("m · cli · cm", "m · cli · cm", ["m", "cli", "x"]) == (
        f"{fsi}m{pdi} · {fsi}cli{pdi} · cm"
    )
    assert names_isolated("a…b", "a x b", ["a", "b"]) == f"{fsi}a{pdi}…{fsi}b{pdi}"
    assert names_isolated("other", "abc", ["abc"]) == "other"
    assert names_isolated("", "abc", ["abc"]) == ""


def test_session_names_read_as_written_in_a_right_to_left_table(qtbot: QtBot) -> None:
    """Right to left, a project, a model and an activity are each laid out in their own
    direction, cut or whole: "project-…-name-" had been drawn "-project-…-name", "[x] proj"
    "proj [x]". The table's data and what Ctrl+C copies carry no marks; left to right, no
    text is marked."""
    sessions = [
        session(name, project=name, git_branch=None, model=model, age=5 + n)
        for n, (name, model) in enumerate(zip(LATIN_NAMES, reversed(LATIN_NAMES), strict=True))
    ]
    model = SessionTableModel()
    model.update(sessions, None, NOW, {}, ended=set())
    table = SessionsTable(model)
    qtbot.addWidget(table)
    table.resize(700, 260)
    table.show()
    qtbot.waitExposed(table)
    columns = {
        Column.PROJECT: Qt.TextElideMode.ElideMiddle,
        Column.MODEL: Qt.TextElideMode.ElideMiddle,
        Column.ACTIVITY: Qt.TextElideMode.ElideRight,
    }

    def cells() -> Iterator[tuple[QModelIndex, QStyleOptionViewItem, Qt.TextElideMode]]:
        for row in range(table.proxy.rowCount()):
            for column, mode in columns.items():
                if not table.isColumnHidden(column):
                    index = table.proxy.index(row, column)
                    yield index, drawn_option(table, index), mode

    for index, option, _mode in cells():
        assert option.text == index.data()
    cut = set()
    with right_to_left():
        assert table.layoutDirection() == Qt.LayoutDirection.RightToLeft
        for index, option, mode in cells():
            assert isolated_whole(option.text), option.text
            drawn = as_drawn(table, option, mode)
            written = unmarked(drawn)
            assert reading_order(drawn, option.font, option.direction) == written
            assert not any(mark in str(index.data()) for mark in MARKS)
            if "…" in written:
                cut.add(index.column())
        # Copied as it is written.
        table.setFocus()
        table.setCurrentIndex(table.proxy.index(0, Column.PROJECT))
        qtbot.keySequence(table, QKeySequence.StandardKey.Copy)
        copied = QApplication.clipboard().text()
        assert copied == table.proxy.index(0, Column.PROJECT).data()
        assert not any(mark in copied for mark in MARKS)
    assert Column.PROJECT in cut  # "project-with-a-…-long-name-": its "-" last too


def test_usage_names_read_as_written_in_a_right_to_left_table(qtbot: QtBot) -> None:
    """The Usage tables' names, elided in their middle (never inside an escape, see
    ``elided_key``), are isolated once cut; the CSV export and the tables' data are not."""
    names = [*LATIN_NAMES, "o9" + "\u200b" * 20]
    slots = [slot(TODAY, 1000 + n, project=name, model=name) for n, name in enumerate(names)]
    view = usage_view(recent(slots))
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(view)
    page.resize(620, 900)
    page.show()
    qtbot.waitExposed(page)
    tables = [page.project_table, page.model_table]

    def cells() -> Iterator[tuple[UsageTable, QModelIndex, QStyleOptionViewItem]]:
        for table in tables:
            for row in range(table.proxy.rowCount()):
                index = table.proxy.index(row, UsageColumn.NAME)
                yield table, index, drawn_option(table, index)

    for _table, index, option in cells():
        assert option.text == index.data() or "…" in option.text  # cut by ``elided_key``
        assert not any(mark in option.text for mark in MARKS)
    cut = 0
    with right_to_left():
        for table, index, option in cells():
            assert isolated_whole(option.text), option.text
            drawn = as_drawn(table, option, Qt.TextElideMode.ElideMiddle)
            written = unmarked(drawn)
            assert reading_order(drawn, option.font, option.direction) == written
            assert not any(mark in str(index.data()) for mark in MARKS)
            cut += "…" in written
    assert cut  # a name cut to fit is isolated after its cut
    assert not any(mark in view.csv_text for mark in MARKS)


def test_card_names_are_isolated_right_to_left_and_told_unmarked(qtbot: QtBot) -> None:
    """The card's branch and its details' model and surface are each in their own
    direction right to left (a model's name in Hebrew had turned the details round, "CLI ·
    context 94% left · (local) מודל"); screen readers are told the texts unmarked, and left
    to right nothing is marked. The project's name is a label's whole text: a label lays
    its text out in its first letter's direction already."""
    snapshot = session("s", project="shop", git_branch="ענף-", model="מודל (local)")
    card = SessionCard()
    qtbot.addWidget(card)
    view = card_view(snapshot, (), NOW)
    card.show_view(view)
    card.resize(700, 300)
    card.show()
    labels: list[QWidget] = [card, card.title, card.branch, card.details]

    def told() -> list[str]:
        interfaces = [QAccessible.queryAccessibleInterface(label) for label in labels]
        return [i.text(QAccessible.Text.Name) for i in interfaces if i is not None]

    before = told()
    assert card.details.accessibleName() == view.details
    assert card.branch.text() == "on ענף-"
    assert not any(mark in card.details.text() for mark in MARKS)
    with right_to_left():
        fsi, pdi = MARKS
        assert card.branch.text() == f"on {fsi}ענף-{pdi}"
        assert card.details.text().startswith(f"{fsi}מודל (local){pdi} · {fsi}CLI{pdi} · ")
        assert card.title.text() == "shop"
        assert told() == before
    assert card.branch.text() == "on ענף-"
    assert not any(mark in card.details.text() for mark in MARKS)
    assert not any(mark in name for name in before for mark in MARKS)


def test_limit_names_are_isolated_right_to_left_cut_or_whole(qtbot: QtBot) -> None:
    """A model's limits' heading ("gpt-5 (local) limits") draws the model's name in its
    own direction right to left, what shows of it when cut; "limits" stays outside it."""
    row = LimitRowView(
        label="5h",
        state=RowState.CURRENT,
        percent_text="64% left",
        level=Level.GOOD,
        left_fraction=0.64,
        dimmed=False,
        status_text="resets in 2h",
        emphasis=False,
        pace_text="",
        pace_warning=False,
        spoken="5h limit: 64% left",
    )
    names = ["gpt-5 (local)", "model-with-a-rather-long-name-" * 3]
    groups = tuple(LimitGroupView(f"{name} limits", (row,), key=name, whose=name) for name in names)
    panel = LimitsPanel()
    qtbot.addWidget(panel)
    panel.show_view(LimitsView(age_text="updated now", groups=groups))
    panel.resize(400, 400)
    panel.show()
    qtbot.waitExposed(panel)
    headings = panel._headings
    assert headings[0].text() == "gpt-5 (local) limits"
    with right_to_left():
        fsi, pdi = MARKS
        whole, cut = (label.text() for label in headings)
        assert whole == f"{fsi}gpt-5 (local){pdi} limits"
        assert "…" in cut
        assert cut.startswith(fsi)
        assert cut.endswith(" limits") or cut.endswith(pdi)
        for label in headings:
            assert label.accessibleName() == label.full_text
            assert not any(mark in label.full_text for mark in MARKS)
            drawn = label.text()
            assert reading_order(drawn, label.font(), Qt.LayoutDirection.LeftToRight) == (
                unmarked(drawn)
            )
    assert not any(mark in label.text() for label in headings for mark in MARKS)
