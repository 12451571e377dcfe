"""Names from the logs in a window of either direction: each drawn in its own direction (a
first strong isolate where it needs one), and only drawn so: never in the models' data, copied
text or screen readers' names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAccessible, QFont, QFontMetricsF, QKeySequence, QTextDocument
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
from codex_presence_gui.core.models import Activity, ActivityKind, CodexSessionSnapshot
from codex_presence_gui.core.settings import Settings
from codex_presence_gui.ui.labels import (
    FIRST_STRONG_ISOLATE,
    LEFT_TO_RIGHT_ISOLATE,
    LEFT_TO_RIGHT_MARK,
    POP_DIRECTIONAL_ISOLATE,
    isolate_needed,
    isolated,
    names_isolated,
    path_drawn_in,
    path_isolated,
)
from codex_presence_gui.ui.limits_panel import LimitsPanel
from codex_presence_gui.ui.session_card import SessionCard
from codex_presence_gui.ui.sessions_table import SessionsTable
from codex_presence_gui.ui.settings_dialog import SettingsDialog
from codex_presence_gui.ui.usage_view import UsagePage
from codex_presence_gui.viewmodels.card import card_view
from codex_presence_gui.viewmodels.limits import (
    LimitGroupView,
    LimitRowView,
    LimitsView,
    RowState,
)
from codex_presence_gui.viewmodels.session_table import Column, SessionTableModel
from codex_presence_gui.viewmodels.usage import UsageView, usage_view
from codex_presence_gui.viewmodels.usage_table import UsageColumn
from tests.helpers.bidi import own_direction, reading_order, reads_as_its_own
from tests.helpers.snapshots import NOW, session
from tests.unit.viewmodels.test_usage import TODAY, recent, slot

MARKS = (FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE)
#: Names whose ends have no direction of their own: a window's had been given to them.
LATIN_NAMES = ["project-with-a-rather-long-name-", "123 abc", "[x] proj", "gpt-5 (local)"]
#: Names written right to left, or mixed: left to right, a window's direction had turned them
#: round ("שלום (main)" with its bracket on the wrong side of the name).
RTL_NAMES = ["שלום (main)", "נ-5", "مرحبا (فرع-)", "מודל gpt-5", "app שלום (x)"]
NAMES = [*LATIN_NAMES, *RTL_NAMES]
LTR, RTL = Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft


def unmarked(text: str) -> str:
    return text.replace(FIRST_STRONG_ISOLATE, "").replace(POP_DIRECTIONAL_ISOLATE, "")


def isolated_whole(text: str) -> bool:
    return text.startswith(FIRST_STRONG_ISOLATE) and text.endswith(POP_DIRECTIONAL_ISOLATE)


@contextmanager
def directed(direction: Qt.LayoutDirection) -> Iterator[None]:
    """The application in ``direction`` (right to left as ``-reverse`` makes it)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setLayoutDirection(direction)
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
    """The text the style draws: the option's, elided to the room it leaves the text (beside
    the icon, if any)."""
    style = view.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
    text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
    room = text_rect.width() - 2 * margin
    metrics = QFontMetricsF(option.font)
    if metrics.horizontalAdvance(option.text) <= room:
        return option.text
    return metrics.elidedText(option.text, mode, room)


def sentence_order(drawn: str, font: QFont, direction: Qt.LayoutDirection) -> str:
    """How ``drawn``, the app's words with names isolated in them (and, right to left, the
    whole in an isolate), should read: the app's words left to right, as written, and each
    name in its own direction."""
    fsi = FIRST_STRONG_ISOLATE
    if direction == RTL:
        assert isolated_whole(drawn), drawn
        drawn = drawn[1:-1]
    pieces: list[tuple[str, bool]] = []
    inside = False
    piece = ""
    for char in drawn:
        if char in MARKS:
            assert (char == fsi) != inside, drawn  # one level: each name opened, then closed
            pieces.append((piece, inside))
            inside, piece = char == fsi, ""
        else:
            piece += char
    pieces.append((piece, inside))
    return "".join(
        reading_order(text, font, own_direction(text) if name else LTR) for text, name in pieces
    )


def test_what_shows_of_each_name_is_isolated() -> None:
    fsi, pdi = MARKS
    assert names_isolated("on main", "on main", ["main"], RTL) == f"on {fsi}main{pdi}"
    # Cut by the "…", the name and the "…" are one isolate; what follows it stays out.
    full = "gpt-5 (local) limits"
    assert names_isolated("gpt-5 (lo…", full, ["gpt-5 (local)"], RTL) == f"{fsi}gpt-5 (lo…{pdi}"
    assert names_isolated("gpt…mits", full, ["gpt-5 (local)"], RTL) == f"{fsi}gpt…{pdi}mits"
    assert names_isolated("gpt-5 (local) l…", full, ["gpt-5 (local)"], RTL) == (
        f"{fsi}gpt-5 (local){pdi} l…"
    )
    # Each name after the one before it; names not in the text, or a text not cut from it,
    # are left alone.
    assert names_isolated("m · cli · cm", "m · cli · cm", ["m", "cli", "x"], RTL) == (
        f"{fsi}m{pdi} · {fsi}cli{pdi} · cm"
    )
    assert names_isolated("a…b", "a x b", ["a", "b"], RTL) == f"{fsi}a{pdi}…{fsi}b{pdi}"
    assert names_isolated("other", "abc", ["abc"], RTL) == "other"
    assert names_isolated("", "abc", ["abc"], RTL) == ""


def test_left_to_right_only_names_beyond_ascii_are_isolated() -> None:
    """Left to right, an ASCII name is left as it is (an isolate could change nothing, see
        the next test), and a name beyond it isolated, cut or whole; the names are still found
        in their order, and a "…" that took an unmarked name's end stays out of the next one (it
    is drawn between them)."""
    fsi, pdi = MARKS
    for name in [*LATIN_NAMES, "project-…-name-", "x…"]:
        assert not isolate_needed(LTR, name), name
        assert isolate_needed(RTL, name), name
    for name in [*RTL_NAMES, "café", "שלום…"]:
        assert isolate_needed(LTR, name), name
    assert names_isolated("on main", "on main", ["main"], LTR) == "on main"
    assert names_isolated("on ענף-", "on ענף-", ["ענף-"], LTR) == f"on {fsi}ענף-{pdi}"
    full = "מודל (local) limits"
    assert names_isolated("מודל (lo…", full, ["מודל (local)"], LTR) == f"{fsi}מודל (lo…{pdi}"
    assert names_isolated("gp…דל · x", "gpt · מודל · x", ["gpt", "מודל"], LTR) == (
        f"gp…{fsi}דל{pdi} · x"
    )


@pytest.mark.parametrize("name", [*LATIN_NAMES, "(x) 12", "[1] 2-", "a (b) [c] {d} <e> 9%"])
def test_an_ascii_name_reads_the_same_unmarked_left_to_right(qtbot: QtBot, name: str) -> None:
    """Why an ASCII name needs no isolate in a left-to-right window: alone, or beside the
    app's text and an isolated name in another direction, with brackets and digits at its
    ends, it is drawn the same with or without one."""
    font = QApplication.font()
    other = isolated("מודל (5)")
    for before, after in [("", ""), ("on ", ""), ("", " limits"), (f"{other} · ", " · CLI · 9%")]:
        plain = f"{before}{name}{after}"
        marked = f"{before}{isolated(name)}{after}"
        assert reading_order(plain, font, LTR) == reading_order(marked, font, LTR), plain


def names_model(names: list[str]) -> SessionTableModel:
    """A session for each name: its project, another's model, and the file it edits."""
    sessions = [
        session(
            f"s{n}",
            project=name,
            git_branch=None,
            model=model,
            activity=Activity(ActivityKind.EDITING, name),
            age=5 + n,
        )
        for n, (name, model) in enumerate(zip(names, reversed(names), strict=True))
    ]
    model = SessionTableModel()
    model.update(sessions, None, NOW, {}, ended=set())
    return model


def _shown_page(qtbot: QtBot, view: UsageView, size: tuple[int, int] = (900, 900)) -> UsagePage:
    """A Usage page of ``view``, shown at ``size`` (in the direction set around it)."""
    page = UsagePage()
    qtbot.addWidget(page)
    page.show_view(view)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    return page


def _shown_table(qtbot: QtBot, sessions: list[CodexSessionSnapshot]) -> SessionsTable:
    """A sessions table of ``sessions``, shown at 900x400 (in the direction set around it)."""
    model = SessionTableModel()
    model.update(sessions, None, NOW, {}, ended=set())
    table = SessionsTable(model)
    qtbot.addWidget(table)
    table.resize(900, 400)
    table.show()
    qtbot.waitExposed(table)
    return table


@pytest.mark.parametrize("direction", [LTR, RTL], ids=["ltr", "rtl"])
def test_session_names_read_as_written_in_either_table(
    qtbot: QtBot, direction: Qt.LayoutDirection
) -> None:
    """A project, a model and an activity's file are each laid out in their own direction,
    cut or whole: right to left, "project-…-name-" had been drawn "-project-…-name", "[x]
    proj" "proj [x]"; left to right, "שלום (main)" "םולש (main)". An activity's words are
    the app's, left to right, its file isolated inside it ("Editing קובץ-" as one isolate had
    its "-" on the wrong side). The table's data and what Ctrl+C copies carry no marks; left
    to right, an ASCII name is not marked."""
    with directed(direction):
        table = SessionsTable(names_model(NAMES))
        qtbot.addWidget(table)
        table.resize(600, 400)
        table.show()
        qtbot.waitExposed(table)
        assert table.layoutDirection() == direction
        columns = {
            Column.PROJECT: Qt.TextElideMode.ElideMiddle,
            Column.MODEL: Qt.TextElideMode.ElideMiddle,
            Column.ACTIVITY: Qt.TextElideMode.ElideRight,
        }
        cut = set()
        turned = 0
        for row in range(table.proxy.rowCount()):
            for column, mode in columns.items():
                if table.isColumnHidden(column):
                    continue
                index = table.proxy.index(row, column)
                option = drawn_option(table, index)
                data = str(index.data())
                drawn = as_drawn(table, option, mode)
                written = unmarked(drawn)
                if column == Column.ACTIVITY:
                    name = data.removeprefix("Editing ")
                    assert option.text != data or not isolate_needed(direction, name)
                    assert drawn == option.text  # cut before it was marked
                    expected = sentence_order(drawn, option.font, direction)
                    assert reading_order(drawn, option.font, direction) == expected, drawn
                elif isolate_needed(direction, data):
                    assert isolated_whole(option.text), option.text
                    assert reads_as_its_own(drawn, written, option.font, option.direction)
                else:
                    assert option.text == data
                    assert reads_as_its_own(drawn, written, option.font, option.direction)
                assert not any(mark in data for mark in MARKS)
                turned += reading_order(written, option.font, direction) != reading_order(
                    drawn, option.font, direction
                )
                if "…" in written:
                    cut.add(column)
        assert turned  # some names would have been drawn in the window's direction
        # Copied as it is written.
        table.setFocus()
        for row in range(table.proxy.rowCount()):
            table.setCurrentIndex(table.proxy.index(row, Column.PROJECT))
            qtbot.keySequence(table, QKeySequence.StandardKey.Copy)
            copied = QApplication.clipboard().text()
            assert copied == table.proxy.index(row, Column.PROJECT).data()
            assert not any(mark in copied for mark in MARKS)
    assert Column.PROJECT in cut  # "project-with-a-…-long-name-": its "-" last too
    assert Column.ACTIVITY in cut  # "Editing מודל…": the name and the "…" one isolate


@pytest.mark.parametrize("direction", [LTR, RTL], ids=["ltr", "rtl"])
def test_usage_names_read_as_written_in_either_table(
    qtbot: QtBot, direction: Qt.LayoutDirection
) -> None:
    """The Usage tables' names, elided in their middle (never inside an escape, see
    ``elided_key``), are isolated once cut; the CSV export and the tables' data are not."""
    names = [*NAMES, "o9" + "\u200b" * 20, "שלום-עולם-" * 6]
    slots = [slot(TODAY, 1000 + n, project=name, model=name) for n, name in enumerate(names)]
    view = usage_view(recent(slots))
    with directed(direction):
        page = _shown_page(qtbot, view, (620, 1400))
        cut = turned = 0
        for table in [page.project_table, page.model_table]:
            for row in range(table.proxy.rowCount()):
                index = table.proxy.index(row, UsageColumn.NAME)
                option = drawn_option(table, index)
                if isolate_needed(direction, option.text):
                    assert isolated_whole(option.text), option.text
                else:
                    assert option.text == index.data() or "…" in option.text
                drawn = as_drawn(table, option, Qt.TextElideMode.ElideMiddle)
                written = unmarked(drawn)
                assert reads_as_its_own(drawn, written, option.font, option.direction), drawn
                assert not any(mark in str(index.data()) for mark in MARKS)
                turned += reading_order(written, option.font, direction) != reading_order(
                    drawn, option.font, direction
                )
                cut += "…" in written
    assert cut  # a name cut to fit is isolated after its cut
    assert turned
    assert not any(mark in view.csv_text for mark in MARKS)


def test_card_names_are_isolated_in_either_direction_and_told_unmarked(qtbot: QtBot) -> None:
    """The card's branch and its details' model and surface are each in their own direction
    (a model's name in Hebrew had turned the details round, "CLI · context 94% left · (local)
    מודל", right to left and left to right alike, and "on ענף-" had its "-" on the wrong
    side left to right); screen readers are told the texts unmarked. Left to right, ASCII
    names are not marked. The project's name is a label's whole text: a label lays its text
    out in its first letter's direction already."""
    fsi, pdi = MARKS
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

    def check() -> None:
        assert card.branch.text() == f"on {fsi}ענף-{pdi}"
        assert card.details.text().startswith(f"{fsi}מודל (local){pdi} · ")
        assert card.title.text() == "shop"
        assert card.details.accessibleName() == view.details
        tips = [label.toolTip() + label.accessibleDescription() for label in labels]
        assert not any(mark in tip for tip in tips for mark in MARKS)
        font = card.details.font()
        # Laid out left to right, the model first (in its own direction), then the rest.
        details = card.details.text()
        rest = details[details.index(pdi) + 1 :]
        assert reading_order(details, font, LTR) == (
            reading_order("מודל (local)", font, RTL) + reading_order(rest, font, LTR)
        )
        assert reading_order(card.branch.text(), font, LTR) == "on " + reading_order(
            "ענף-", font, RTL
        )

    check()
    # ASCII names are drawn unmarked left to right ("CLI" here).
    assert f"{fsi}CLI{pdi}" not in card.details.text()
    before = told()
    with directed(RTL):
        check()
        assert card.details.text().startswith(f"{fsi}מודל (local){pdi} · {fsi}CLI{pdi} · ")
        assert told() == before
    check()
    assert not any(mark in name for name in before for mark in MARKS)
    latin = session("t", project="shop", git_branch="main", model="gpt-5 (local)")
    card.show_view(card_view(latin, (), NOW))
    assert not any(mark in card.branch.text() + card.details.text() for mark in MARKS)


def test_limit_names_are_isolated_in_either_direction_cut_or_whole(qtbot: QtBot) -> None:
    """A model's limits' heading ("gpt-5 (local) limits") draws the model's name in its own
    direction, what shows of it when cut; "limits" stays outside it. Left to right, a Hebrew
    model had turned the heading round ("limits (local) מודל"), and an ASCII one is not
    marked."""
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
    names = ["gpt-5 (local)", "model-with-a-rather-long-name-" * 3, "מודל (local)", "מודל-" * 20]
    groups = tuple(LimitGroupView(f"{name} limits", (row,), key=name, whose=name) for name in names)
    panel = LimitsPanel()
    qtbot.addWidget(panel)
    panel.show_view(LimitsView(age_text="updated now", groups=groups))
    panel.resize(400, 600)
    panel.show()
    qtbot.waitExposed(panel)
    headings = panel._headings
    fsi, pdi = MARKS

    def check(direction: Qt.LayoutDirection) -> None:
        texts = [label.text() for label in headings]
        whole, cut, hebrew, hebrew_cut = texts
        if direction == RTL:
            assert whole == f"{fsi}gpt-5 (local){pdi} limits"
            assert cut.startswith(fsi)
            assert cut.endswith(" limits") or cut.endswith(pdi)
        else:
            assert whole == "gpt-5 (local) limits"
            assert not any(mark in cut for mark in MARKS)
        assert "…" in cut
        assert hebrew == f"{fsi}מודל (local){pdi} limits"
        assert "…" in hebrew_cut
        assert hebrew_cut.startswith(fsi)
        for label in headings:
            assert label.accessibleName() == label.full_text
            assert not any(mark in label.full_text + label.toolTip() for mark in MARKS)
            drawn = label.text()
            name, _, rest = drawn.partition(pdi)
            font = label.font()
            assert reading_order(drawn, font, LTR) == (
                reading_order(unmarked(name), font, own_direction(unmarked(name)))
                + reading_order(rest, font, LTR)
                if pdi in drawn
                else reading_order(unmarked(drawn), font, own_direction(unmarked(drawn)))
            ), drawn

    check(LTR)
    with directed(RTL):
        check(RTL)
    check(LTR)


@pytest.mark.parametrize("direction", [LTR, RTL], ids=["ltr", "rtl"])
def test_legend_names_are_isolated_in_a_paragraph_of_the_window_direction(
    qtbot: QtBot, direction: Qt.LayoutDirection
) -> None:
    """The chart's legend is laid out in the window's direction, each swatch before its name
    and each name in its own direction: with a Hebrew model first, the whole legend had been
    laid out right to left in a left-to-right window (each swatch on the wrong side of its
    name), and "מודל gpt-5" split across entries. Screen readers are told the names whole
    and unmarked, and the tooltip has no marks."""
    models = ["מודל gpt-5", "gpt-5 (local)", "שלום (x)", "123 abc", "שלום-עולם-" * 6]
    slots = [slot(TODAY, 9000 - 1000 * n, model=name) for n, name in enumerate(models)]
    view = usage_view(recent(slots))
    assert view.chart is not None
    names, _colors = view.chart.stacking(False)
    assert names[0] == models[0]
    assert "שלום-עולם-" * 6 in view.chart.cut_names  # cut before the legend: whole in its tip
    with directed(direction):
        page = _shown_page(qtbot, view)
        legend = page.legend
        assert legend.layoutDirection() == direction
        document = QTextDocument()
        document.setHtml(legend.text())
        block = document.firstBlock()
        assert block.textDirection() == direction
        plain = block.text()
        entries = plain.split("\u00a0\u00a0 ")
        shown = [unmarked(entry.removeprefix("\u25a0\u00a0")) for entry in entries]
        assert [name.replace("\u2060", "").replace("\u00a0", " ") for name in shown] == list(names)
        font = legend.font()

        def own(name: str) -> str:
            return reading_order(name, font, own_direction(name))

        if direction == LTR:
            expected = " ".join("\u25a0" + own(name) for name in shown)
        else:
            expected = " ".join(own(name) + "\u25a0" for name in reversed(shown))
        assert reading_order(plain, font, direction) == expected
        told = legend.accessibleName()
        assert told == "Legend: " + ", ".join(names)
        interface = QAccessible.queryAccessibleInterface(legend)
        assert interface is not None
        assert interface.text(QAccessible.Text.Name) == told
        assert "Names cut to fit" in legend.toolTip()
        assert not any(mark in legend.toolTip() + told for mark in MARKS)
        if direction == LTR:  # ASCII names unmarked left to right
            assert f"{FIRST_STRONG_ISOLATE}1" not in legend.text()


@pytest.mark.parametrize("direction", [LTR, RTL], ids=["ltr", "rtl"])
def test_the_card_activity_names_its_file_in_its_own_direction(
    qtbot: QtBot, direction: Qt.LayoutDirection
) -> None:
    """The file or command in the card's activity line is laid out in its own direction:
    "Editing קובץ-" had its "-" on the wrong side of the name left to right. Screen readers
    are told the line unmarked; an ASCII command is not marked left to right."""
    fsi, pdi = MARKS
    hebrew = session("s", activity=Activity(ActivityKind.EDITING, "קובץ-"))
    with directed(direction):
        card = SessionCard()
        qtbot.addWidget(card)
        card.show_view(card_view(hebrew, (), NOW))
        card.resize(700, 300)
        card.show()
        qtbot.waitExposed(card)
        drawn = card.activity.text()
        assert drawn == f"Editing {fsi}קובץ-{pdi}"
        font = card.activity.font()
        assert reading_order(drawn, font, LTR) == "Editing " + reading_order("קובץ-", font, RTL)
        assert card.activity.accessibleName() == "Editing קובץ-"
        assert not any(mark in card.activity.toolTip() for mark in MARKS)
        card.show_view(card_view(session("t"), (), NOW))
        latin = card.activity.text()
        assert unmarked(latin) == "Running cargo test"
        assert (latin == "Running cargo test") == (direction == LTR)


@pytest.mark.parametrize("direction", [LTR, RTL], ids=["ltr", "rtl"])
def test_a_project_and_its_branch_are_each_in_their_own_direction(
    qtbot: QtBot, direction: Qt.LayoutDirection
) -> None:
    """A project cell with its branch isolates the project and the branch each, not the
    app's brackets: as one isolate, "shop (ענף-)" was laid out in the project's direction,
    the branch's "-" on the wrong side of it. The data and a copy stay unmarked."""
    fsi, pdi = MARKS
    sessions = [
        session("a", project="shop", git_branch="ענף-", age=5),
        session("b", project="חנות", git_branch="main", age=6),
    ]
    with directed(direction):
        table = _shown_table(qtbot, sessions)
        drawn = {}
        for row in range(table.proxy.rowCount()):
            index = table.proxy.index(row, Column.PROJECT)
            data = str(index.data())
            assert not any(mark in data for mark in MARKS)
            drawn[data] = drawn_option(table, index)
        shop, store = drawn["shop (ענף-)"], drawn["חנות (main)"]
        if direction == LTR:
            assert shop.text == f"shop ({fsi}ענף-{pdi})"
            assert store.text == f"{fsi}חנות{pdi} (main)"
        else:
            assert shop.text == f"{fsi}shop{pdi} ({fsi}ענף-{pdi})"
            assert store.text == f"{fsi}חנות{pdi} ({fsi}main{pdi})"
        font = shop.font
        branch = reading_order("ענף-", font, RTL)
        project = reading_order("חנות", font, RTL)
        if direction == LTR:
            assert reading_order(shop.text, font, LTR) == f"shop ({branch})"
            assert reading_order(store.text, font, LTR) == f"{project} (main)"
        else:  # the app's "project (branch)" right to left, each name as it is written
            assert reading_order(shop.text, font, RTL) == f"({branch}) shop"
            assert reading_order(store.text, font, RTL) == f"(main) {project}"


@pytest.mark.parametrize("direction", [LTR, RTL], ids=["ltr", "rtl"])
def test_the_activity_cell_names_its_file_in_its_own_direction(
    qtbot: QtBot, direction: Qt.LayoutDirection
) -> None:
    """The sessions table's Activity cell draws the app's words left to right and the file
    or command in its own direction: as one isolate led by "Editing", "Editing קובץ-" had
    its "-" on the wrong side of the name. An ended row names no file; the data, and what is
    copied, stay unmarked; left to right, an ASCII command is not marked."""
    fsi, pdi = MARKS
    sessions = [
        session("a", activity=Activity(ActivityKind.EDITING, "קובץ-"), age=5),
        session("b", activity=Activity(ActivityKind.READING, "نموذج-"), age=6),
        session("c", age=7),  # "Running cargo test"
    ]
    with directed(direction):
        table = _shown_table(qtbot, sessions)
        drawn = {}
        for row in range(table.proxy.rowCount()):
            index = table.proxy.index(row, Column.ACTIVITY)
            data = str(index.data())
            assert not any(mark in data for mark in MARKS)
            drawn[data] = drawn_option(table, index).text
        hebrew, arabic = f"Editing {fsi}קובץ-{pdi}", f"Reading {fsi}نموذج-{pdi}"
        latin = "Running cargo test"
        if direction == RTL:  # the app's words laid out left to right, as written
            hebrew, arabic, latin = isolated(hebrew), isolated(arabic), isolated(latin)
        assert drawn == {
            "Editing קובץ-": hebrew,
            "Reading نموذج-": arabic,
            "Running cargo test": latin,
        }
        font = table.font()
        file = reading_order("קובץ-", font, RTL)
        assert file == "-ץבוק"
        assert reading_order(hebrew, font, direction) == f"Editing {file}"
        table.setFocus()
        table.setCurrentIndex(table.proxy.index(0, Column.ACTIVITY))
        qtbot.keySequence(table, QKeySequence.StandardKey.Copy)
        assert not any(mark in QApplication.clipboard().text() for mark in MARKS)


@pytest.mark.parametrize("direction", [LTR, RTL], ids=["ltr", "rtl"])
def test_the_note_on_unpriced_models_names_each_in_its_own_direction(
    qtbot: QtBot, direction: Qt.LayoutDirection
) -> None:
    """The Usage page's note on models without a price draws each model's name in its own
    direction: "نموذج-" had its "-" on the wrong side, and "מודל gpt-5" ran into the next
    name. Screen readers are told the notes unmarked; left to right, an ASCII name is not
    marked; the marks follow the window's direction when it changes."""
    fsi, pdi = MARKS
    models = ["gpt-5 (local)", "מודל gpt-5", "نموذج-"]
    slots = [slot(TODAY, 1000 - n, model=name) for n, name in enumerate(models)]
    view = usage_view(recent([*slots, slot(TODAY, 10)]))  # one model priced
    assert view.unpriced_names == tuple(models)
    note = view.unpriced_text
    assert note.startswith("No API price is known for gpt-5 (local), מודל gpt-5 and نموذج-: ")
    with directed(direction):
        page = _shown_page(qtbot, view)
        footnote = page.footnote
        cost_note, drawn = footnote.text().split("\n")
        assert cost_note == view.cost_note
        latin = "gpt-5 (local)" if direction == LTR else f"{fsi}gpt-5 (local){pdi}"
        assert drawn.startswith(
            f"No API price is known for {latin}, {fsi}מודל gpt-5{pdi} and {fsi}نموذج-{pdi}: "
        )
        assert unmarked(drawn) == note
        assert footnote.accessibleName() == f"{view.cost_note}\n{note}"
        font = footnote.font()

        def own(name: str) -> str:
            return reading_order(name, font, own_direction(name))

        # The note's paragraph is the app's words, left to right; each name in its own.
        head = "No API price is known for "
        listed = f"{latin}, {fsi}מודל gpt-5{pdi} and {fsi}نموذج-{pdi}"
        rest = drawn[len(head) + len(listed) :]
        assert reading_order(drawn, font, LTR) == (
            f"{head}{own('gpt-5 (local)')}, {own('מודל gpt-5')} and {own('نموذج-')}"
            + reading_order(rest, font, LTR)
        )
        assert own("نموذج-").startswith("-")
        # Unmarked, the names had been laid out in the note's direction.
        assert reading_order(note, font, LTR) != reading_order(drawn, font, LTR)
    # Back left to right, the ASCII name's marks go.
    assert footnote.text().split("\n")[1].startswith("No API price is known for gpt-5 (local), ")


#: Paths whose folders are named right to left: a "/" between two of them had taken their
#: direction, and the folders read the wrong way round.
RTL_PATHS = ["/home/user/פרויקט/שלב/usage.csv", "פרויקט/נתונים.csv", "/home/u/نموذج-/out.csv"]
PATH_MARKS = (*MARKS, LEFT_TO_RIGHT_ISOLATE, LEFT_TO_RIGHT_MARK)


def path_order(path: str, font: QFont) -> str:
    """How ``path`` should read: its folders from the left, each as a left-to-right
    paragraph lays it out alone."""
    pieces, piece = [], ""
    for char in path:
        if char in "/\\":
            pieces.extend([reading_order(piece, font, LTR), char])
            piece = ""
        else:
            piece += char
    pieces.append(reading_order(piece, font, LTR))
    return "".join(pieces)


def plain(text: str) -> str:
    return "".join(char for char in text if char not in PATH_MARKS)


@pytest.mark.parametrize("path", RTL_PATHS)
@pytest.mark.parametrize("direction", [LTR, RTL])
def test_a_path_reads_left_to_right_folder_by_folder(
    qtbot: QtBot, path: str, direction: Qt.LayoutDirection
) -> None:
    font = QApplication.font()
    drawn = f"Saved {path_drawn_in(direction, path)} now"
    assert plain(drawn) == f"Saved {path} now"
    for paragraph in (LTR, RTL):
        assert path_order(path, font) in reading_order(drawn, font, paragraph), paragraph


def test_an_ascii_path_is_unmarked_left_to_right_only() -> None:
    path = "/home/user/codex-usage-(1).csv"
    assert path_drawn_in(LTR, path) == path
    assert path_drawn_in(RTL, path) == path_isolated(path)
    assert names_isolated(f"Saved {path}", f"Saved {path}", (), LTR, paths=(path,)) == (
        f"Saved {path}"
    )


def test_what_shows_of_a_cut_path_is_drawn_left_to_right() -> None:
    path = RTL_PATHS[0]
    full = f"Could not write {path}: disk full"
    shown = full[:22] + "…" + full[-20:]
    drawn = names_isolated(shown, full, (), LTR, paths=(path,))
    assert plain(drawn) == shown
    assert drawn.startswith(f"Could not write {LEFT_TO_RIGHT_ISOLATE}/{LEFT_TO_RIGHT_MARK}")
    # The isolate ends with the path, before the app's ": disk full".
    assert f"csv{POP_DIRECTIONAL_ISOLATE}: disk full" in drawn


@pytest.mark.parametrize("path", RTL_PATHS)
@pytest.mark.parametrize("direction", [LTR, RTL])
def test_the_export_message_draws_its_path_left_to_right(
    qtbot: QtBot, tmp_path: Path, path: str, direction: Qt.LayoutDirection
) -> None:
    saved = tmp_path / path.lstrip("/")
    told: list[str] = []
    with directed(direction):
        page = UsagePage()
        qtbot.addWidget(page)
        page.resize(1800, 700)
        page.show()
        page.export_done.connect(told.append)
        page._export_saved(saved)
        label = page.export_row.label
        label.resize(1700, label.height())
        font = label.font()
        assert path_order(str(saved), font) in reading_order(label.text(), font, LTR)
        assert path_order(str(saved), font) in reading_order(label.text(), font, RTL)
        # Drawn so only: what is told, shown in the tooltip and said stays unmarked.
        assert told == [f"Saved {saved}"]
        assert label.full_text == f"Saved {saved}"
        assert label.accessibleName() == f"Saved {saved}"
        assert not any(mark in label.toolTip() for mark in PATH_MARKS)
        page._export_failed(saved, "disk full")
        text = label.text()
        assert plain(text) == f"Could not write {saved}: disk full"
        assert path_order(str(saved), font) in reading_order(text, font, LTR)
        assert label.accessibleName() == f"Could not write {saved}: disk full"


@pytest.mark.parametrize("direction", [LTR, RTL])
def test_the_usage_message_draws_the_folders_it_names_left_to_right(
    qtbot: QtBot, direction: Qt.LayoutDirection
) -> None:
    absent, a_file = "/home/user/פרויקט/שלב/.codex", "/srv/نموذج-/codex.txt"
    missing = usage_view(recent([], missing_homes=(absent,)))
    not_folder = usage_view(
        recent([], missing_homes=(a_file, absent), not_folders=((a_file, "a file"),))
    )
    assert not_folder.message_paths == (a_file, absent)
    with directed(direction):
        page = UsagePage()
        qtbot.addWidget(page)
        page.resize(1800, 700)
        font = page.message.font()
        for view, paths in ((missing, (absent,)), (not_folder, (a_file, absent))):
            page.show_view(view)
            drawn = page.message.text()
            assert plain(drawn) == view.message
            for paragraph in (LTR, RTL):
                order = reading_order(drawn, font, paragraph)
                for path in paths:
                    assert path_order(path, font) in order, (path, paragraph)
            assert page.message.accessibleName() == view.message
    # Turned round, the marks follow the window.
    page.setLayoutDirection(RTL if direction == LTR else LTR)
    assert plain(page.message.text()) == not_folder.message


@pytest.mark.parametrize("direction", [LTR, RTL])
def test_the_settings_note_draws_the_command_line_folders_left_to_right(
    qtbot: QtBot, direction: Qt.LayoutDirection
) -> None:
    homes = ["/home/user/פרויקט/שלב/.codex", "/home/user/.codex"]
    with directed(direction):
        dialog = SettingsDialog(Settings(), command_line_homes=homes)
        qtbot.addWidget(dialog)
        note = dialog.homes_overridden
        assert note is not None
        font = note.font()
        for paragraph in (LTR, RTL):
            order = reading_order(note.text(), font, paragraph)
            assert path_order(homes[0], font) in order, paragraph
        # An ASCII folder is marked right to left only; screen readers hear it unmarked.
        assert (homes[1] in note.text()) == (direction == LTR)
        assert not any(mark in note.accessibleName() for mark in PATH_MARKS)
        assert ", ".join(homes) in note.accessibleName()
