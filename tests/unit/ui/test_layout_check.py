"""The layout check on small widget trees built for each rule, and ``screenshot --check-layout``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from codex_presence_gui import APP_NAME
from codex_presence_gui.cli import main
from codex_presence_gui.ui.layout_check import LayoutProblem, check_layout, layout_report
from codex_presence_gui.ui.theme import apply_theme
from codex_presence_gui.ui.window_state import FRAME_ROOM, frame_margins, frame_room
from tests.helpers.layout_states import write_state

LONG = "A sentence that is far too long for a narrow label"


def window_with(qtbot: QtBot, *children: QWidget, size: tuple[int, int] = (400, 300)) -> QWidget:
    """A top-level widget holding ``children`` at the places they were given."""
    window = QWidget()
    window.setObjectName("win")
    qtbot.addWidget(window)
    for child in children:
        child.setParent(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def placed(widget: QWidget, x: int, y: int, width: int, height: int) -> QWidget:
    widget.setGeometry(x, y, width, height)
    return widget


def kinds(problems: list[LayoutProblem]) -> list[str]:
    return [problem.kind for problem in problems]


def label(text: str, width: int, height: int = 30, **options: object) -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(bool(options.get("wrap", False)))
    if "tip" in options:
        widget.setToolTip(str(options["tip"]))
    placed(widget, 10, 10, width, height)
    return widget


def test_a_label_too_narrow_is_clipped(qtbot: QtBot) -> None:
    window = window_with(qtbot, label(LONG, 80))
    problems = check_layout(window)
    assert kinds(problems) == ["clipped"]
    assert problems[0].text == LONG
    assert problems[0].widget.startswith('QWidget#win/QLabel "A sentence')


def test_a_fitting_label_is_fine(qtbot: QtBot) -> None:
    window = window_with(qtbot, label("Limits left", 200))
    assert check_layout(window) == []


def test_elided_with_the_whole_text_in_the_tooltip_is_fine(qtbot: QtBot) -> None:
    shown = QLabel().fontMetrics().elidedText(LONG, Qt.TextElideMode.ElideRight, 100)
    assert shown.endswith("…")
    window = window_with(qtbot, label(shown, 104, tip=LONG))
    assert check_layout(window) == []


def test_elided_to_more_room_than_it_has_is_clipped(qtbot: QtBot) -> None:
    """Qt does not elide labels: a text elided for a wider label is cut off anyway."""
    shown = QLabel().fontMetrics().elidedText(LONG, Qt.TextElideMode.ElideRight, 160)
    window = window_with(qtbot, label(shown, 90))
    problems = check_layout(window)
    assert kinds(problems) == ["clipped"]
    assert problems[0].text == shown


def test_a_word_wrapped_label_too_short_is_clipped(qtbot: QtBot) -> None:
    window = window_with(qtbot, label(LONG + " " + LONG, 120, 20, wrap=True))
    assert kinds(check_layout(window)) == ["clipped"]
    roomy = window_with(qtbot, label(LONG, 120, 120, wrap=True))
    assert check_layout(roomy) == []


def test_an_unbreakable_word_in_a_wrapped_label_is_clipped(qtbot: QtBot) -> None:
    window = window_with(qtbot, label("x" * 200, 300, 200, wrap=True), size=(400, 300))
    assert kinds(check_layout(window)) == ["clipped"]


def test_a_window_whose_least_size_is_beyond_its_screen_is_offscreen(qtbot: QtBot) -> None:
    """However the user sizes it, part of such a window is off the screen (the compact
    window's status bar, below an 800x480 screen's edge)."""
    window = window_with(qtbot, label("Limits left", 200))
    screen = window.screen()
    assert screen is not None
    room = screen.availableGeometry().size().shrunkBy(frame_room(frame_margins(window)))
    window.setMinimumHeight(room.height() + 1)
    problems = check_layout(window)
    assert kinds(problems) == ["offscreen"]
    assert problems[0].widget == "QWidget#win"
    assert f"its screen has room for {room.width()}x{room.height()}" in problems[0].detail
    window.setMinimumHeight(room.height())
    window.setMinimumWidth(room.width() + 1)
    assert kinds(check_layout(window)) == ["offscreen"]
    window.setMinimumSize(room)
    assert check_layout(window) == []


def test_a_window_keeps_room_on_its_screen_for_a_frame_not_known_yet(qtbot: QtBot) -> None:
    """Before a window is shown no frame is known, and it keeps ``FRAME_ROOM`` for one: a
    least height the screen holds only without a frame is beyond it (once on a desktop, the
    frame takes that room). The check had taken no frame then, and passed such a window."""
    window = QWidget()
    qtbot.addWidget(window)
    screen = window.screen()
    assert screen is not None
    assert frame_margins(window).isNull()
    full = screen.availableGeometry().size()
    window.setMinimumHeight(full.height() - FRAME_ROOM.top())
    assert kinds(check_layout(window)) == ["offscreen"]
    window.setMinimumHeight(full.height() - FRAME_ROOM.top() - FRAME_ROOM.bottom())
    assert check_layout(window) == []


def test_rich_text(qtbot: QtBot) -> None:
    window = window_with(qtbot, label(f"<b>{LONG}</b>", 80))
    assert kinds(check_layout(window)) == ["clipped"]
    fits = window_with(qtbot, label("<b>5h</b> <i>left</i>", 200))
    assert check_layout(fits) == []


def test_a_pixmap_label_and_an_empty_label_are_skipped(qtbot: QtBot) -> None:
    window = window_with(qtbot, label("", 2, 2))
    assert check_layout(window) == []


def test_overlapping_siblings(qtbot: QtBot) -> None:
    window = window_with(
        qtbot, placed(QLabel("one"), 10, 10, 100, 20), placed(QLabel("two"), 60, 15, 100, 20)
    )
    problems = check_layout(window)
    assert kinds(problems) == ["overlap"]
    assert "one" in problems[0].widget
    assert "two" in problems[0].widget
    touching = window_with(
        qtbot, placed(QLabel("one"), 10, 10, 50, 20), placed(QLabel("two"), 59, 10, 50, 20)
    )
    assert check_layout(touching) == []  # one pixel in common is rounding, not overlap


def test_hidden_siblings_do_not_overlap(qtbot: QtBot) -> None:
    hidden = placed(QLabel("two"), 10, 10, 100, 20)
    window = window_with(qtbot, placed(QLabel("one"), 10, 10, 100, 20), hidden)
    hidden.hide()
    assert check_layout(window) == []


def test_a_child_outside_its_parent_is_offscreen(qtbot: QtBot) -> None:
    window = window_with(qtbot, placed(QLabel("far"), 380, 10, 60, 20))
    problems = check_layout(window)
    assert kinds(problems) == ["offscreen"]
    assert problems[0].text == "far"


def test_the_window_larger_than_asked_is_offscreen(qtbot: QtBot) -> None:
    window = window_with(qtbot)
    window.setMinimumSize(400, 300)
    assert kinds(check_layout(window, QSize(300, 200))) == ["offscreen"]
    assert check_layout(window, QSize(400, 300)) == []


def table(rows: list[list[tuple[str, str | None]]], width: int, column: int) -> QTableView:
    model = QStandardItemModel(len(rows), len(rows[0]))
    for r, row in enumerate(rows):
        for c, (text, tip) in enumerate(row):
            item = QStandardItem(text)
            if tip is not None:
                item.setToolTip(tip)
            model.setItem(r, c, item)
    view = QTableView()
    view.setModel(model)
    model.setParent(view)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.setGeometry(10, 10, width, 200)
    for c in range(model.columnCount()):
        view.setColumnWidth(c, column)
    return view


def test_a_table_needing_a_horizontal_scroll_bar(qtbot: QtBot) -> None:
    view = table([[("a", None)] * 6], 300, 80)
    window = window_with(qtbot, view)
    problems = check_layout(window)
    assert "offscreen" in kinds(problems)
    assert any(problem.text == "needs a horizontal scroll bar" for problem in problems)


def test_a_scroll_area_that_does_not_scroll_sideways(qtbot: QtBot) -> None:
    """Content wider than the view, with the horizontal scroll bar off, is cut off; with the
    bar shown, it has to be scrolled sideways to be read (as a table's columns would)."""
    content = QWidget()
    content.setMinimumWidth(500)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(content)
    placed(area, 10, 10, 300, 200)
    window = window_with(qtbot, area)
    problems = check_layout(window)
    assert [(p.kind, p.text) for p in problems] == [("offscreen", "content scrolls sideways")]
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    qtbot.wait(10)
    problems = check_layout(window)
    assert [(p.kind, p.text) for p in problems] == [("offscreen", "content wider than the view")]
    content.setMinimumWidth(100)
    qtbot.waitUntil(lambda: check_layout(window) == [])


def test_a_scroll_area_that_scrolls_by_a_sliver(qtbot: QtBot) -> None:
    """A scroll bar that moves the content by less than a line is a defect (a page's needed
    height overstated by a few pixels had shown one); by a line or more it is scrolling."""
    content = QWidget()
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(content)
    placed(area, 10, 10, 300, 200)
    window = window_with(qtbot, area)
    bar = area.verticalScrollBar()
    line = area.fontMetrics().height()
    room = area.maximumViewportSize().height()
    content.setMinimumHeight(room + 4)
    qtbot.waitUntil(lambda: bar.isVisible() and bar.maximum() == 4)
    problems = check_layout(window)
    assert [(p.kind, p.text) for p in problems] == [("sliver", "scrolls by a sliver")]
    assert problems[0].detail == f"scrolls by 4 px, less than a line ({line} px)"
    content.setMinimumHeight(room + line)
    qtbot.waitUntil(lambda: bar.maximum() == line)
    assert check_layout(window) == []
    content.setMinimumHeight(room)
    qtbot.waitUntil(lambda: not bar.isVisible())
    assert check_layout(window) == []


def test_the_pages_and_tabs_of_a_tab_widget_are_checked(qtbot: QtBot) -> None:
    """A tab widget keeps its pages in a private child of Qt's: the walk had stopped there,
    and the settings dialog's pages had gone unchecked."""
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "A tab")
    tabs.addTab(QWidget(), "Another tab")
    page = tabs.widget(0)
    label(LONG, 80).setParent(page)
    placed(tabs, 0, 0, 380, 200)
    window = window_with(qtbot, tabs)
    assert [(p.kind, p.text) for p in check_layout(window)] == [("clipped", LONG)]
    # Squeezed, without scroll buttons: the tabs elided, without a tooltip saying them.
    tabs.tabBar().setUsesScrollButtons(False)
    tabs.tabBar().setElideMode(Qt.TextElideMode.ElideRight)
    tabs.resize(60, 200)
    qtbot.waitUntil(lambda: any(p.text == "Another tab" for p in check_layout(window)))


def test_tabs_scrolled_out_of_sight_are_cut(qtbot: QtBot) -> None:
    """Too narrow for its tabs, a tab bar scrolls them under its buttons and past its ends:
    the settings dialog had shown "eneral" and half of "Discord", each tab's own rect whole."""
    tabs = QTabWidget()
    for name in ("General", "Discord", "Notifications", "Advanced"):
        tabs.addTab(QWidget(), name)
    placed(tabs, 0, 0, 380, 200)
    window = window_with(qtbot, tabs)
    assert check_layout(window) == []
    tabs.resize(200, 200)
    qtbot.waitUntil(lambda: "Advanced" in [p.text for p in check_layout(window)])
    tabs.setCurrentIndex(3)  # scrolled to the last: the first ones are cut at the left
    qtbot.waitUntil(lambda: "General" in [p.text for p in check_layout(window)])
    assert "Advanced" not in [p.text for p in check_layout(window)]


def test_a_list_widget_is_checked(qtbot: QtBot) -> None:
    """A list's model keeps its column count private: checking a QListWidget had raised."""
    view = QListWidget()
    view.addItems(["fits", LONG])
    placed(view, 10, 10, 120, 80)
    window = window_with(qtbot, view)
    problems = check_layout(window)
    assert [(p.kind, p.text) for p in problems] == [("offscreen", "needs a horizontal scroll bar")]


def test_a_clipped_cell_needs_its_text_in_the_tooltip(qtbot: QtBot) -> None:
    bare = window_with(qtbot, table([[(LONG, None), ("ok", None)]], 380, 120))
    problems = check_layout(bare)
    assert kinds(problems) == ["clipped"]
    assert problems[0].text == LONG
    assert "[column 0]" in problems[0].widget
    tipped = window_with(qtbot, table([[(LONG, f"{LONG}\nmore"), ("ok", None)]], 380, 120))
    assert check_layout(tipped) == []


def test_a_clipped_header_title(qtbot: QtBot) -> None:
    view = table([[("a", None), ("b", None)]], 380, 70)
    model = view.model()
    assert isinstance(model, QStandardItemModel)
    model.setHorizontalHeaderLabels(["Share of limits left", "Age"])
    window = window_with(qtbot, view)
    problems = check_layout(window)
    assert [(p.kind, p.text) for p in problems] == [("clipped", "Share of limits left")]
    model.setHorizontalHeaderLabels(["Share of\nlimits", "Age"])
    window.resize(401, 300)  # the header takes its new height
    qtbot.wait(10)
    assert check_layout(window) == []


@pytest.mark.parametrize("kind", [QPushButton, QCheckBox])
def test_a_too_narrow_button_is_clipped(qtbot: QtBot, kind: type[QPushButton]) -> None:
    narrow = window_with(qtbot, placed(kind("Pause Discord status"), 10, 10, 60, 30))
    problems = check_layout(narrow)
    assert kinds(problems) == ["clipped"]
    assert problems[0].text == "Pause Discord status"
    wide = window_with(qtbot, placed(kind("Pause Discord status"), 10, 10, 240, 30))
    assert check_layout(wide) == []


def test_widgets_in_a_layout_that_fits(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    row = QHBoxLayout(window)
    row.addWidget(QLabel("Limits left"))
    row.addStretch(1)
    row.addWidget(QLabel("updated 5s ago"))
    window.resize(400, 60)
    window.show()
    qtbot.waitExposed(window)
    assert check_layout(window) == []
    window.setMinimumSize(10, 10)  # as the main window does: it may be smaller than its layout
    window.resize(90, 60)  # the labels are squeezed below their text
    qtbot.wait(10)
    assert "clipped" in kinds(check_layout(window))


def test_report(qtbot: QtBot) -> None:
    window = window_with(qtbot, label(LONG, 80))
    window.setWindowTitle("Codex Presence")
    report = layout_report(window, "compact")
    assert report["size"] == "400x300"
    assert report["layout"] == "compact"
    assert report["title"] == "Codex Presence"
    problems = report["problems"]
    assert isinstance(problems, list)
    assert problems[0]["kind"] == "clipped"
    assert problems[0]["text"] == LONG


@pytest.fixture
def system_theme() -> Iterator[None]:
    """``--theme`` changes the application's palette: back to the system's afterwards."""
    yield
    from codex_presence_gui.app import application

    apply_theme(application(), "system")


@pytest.mark.usefixtures("system_theme")
@pytest.mark.parametrize(
    ("options", "layout"),
    [
        (["--size", "820x580"], "full"),
        (["--size", "480x420"], "compact"),  # automatic: small is compact
        (["--size", "820x600", "--full"], "full"),
        (["--size", "1024x700", "--compact", "--theme", "dark"], "compact"),
    ],
)
def test_screenshot_checks_the_layout(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    qtbot: QtBot,
    options: list[str],
    layout: str,
) -> None:
    """``--check-layout`` saves the picture, prints the report as JSON and fails on problems."""
    home = write_state("fresh", tmp_path / "home")
    out = tmp_path / "shot.png"
    code = main(["screenshot", str(out), *options, "--check-layout", "--codex-home", str(home)])
    report = json.loads(capsys.readouterr().out)
    assert out.is_file()
    width, _, height = report["size"].partition("x")
    asked_width, _, asked_height = options[1].partition("x")
    assert width == asked_width
    # A pinned compact window is as tall as its contents, never taller than asked.
    assert int(height) <= int(asked_height)
    assert report["layout"] == layout
    assert report["title"] == f"5h: 64% left · Weekly: 29% left — {APP_NAME}"
    assert report["problems"] == []
    assert code == 0


@pytest.mark.usefixtures("system_theme")
@pytest.mark.parametrize("days", [7, 90])
def test_screenshot_of_the_usage_page_at_a_period(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qtbot: QtBot, days: int
) -> None:
    """``--usage-days`` renders the Usage page over that period, its chooser on it, and the
    layout check finds nothing wrong at the window's small full size."""
    home = write_state("usage-quarter", tmp_path / "home")
    out = tmp_path / "shot.png"
    options = ["--full", "--tab", "usage", "--size", "360x480", "--usage-days", str(days)]
    code = main(["screenshot", str(out), *options, "--check-layout", "--codex-home", str(home)])
    report = json.loads(capsys.readouterr().out)
    assert out.is_file()
    assert report["problems"] == []
    assert report["size"] == "360x480"
    assert code == 0


def test_screenshot_takes_only_the_page_s_periods(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["screenshot", str(tmp_path / "x.png"), "--usage-days", "365"])
    assert exit_.value.code == 2
    assert "invalid choice: 365" in capsys.readouterr().err


def test_screenshot_reports_a_window_larger_than_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qtbot: QtBot
) -> None:
    """Below the window's minimum the window is larger than the picture asked for."""
    home = write_state("empty-folder", tmp_path / "home")
    out = tmp_path / "shot.png"
    options = ["--size", "200x150", "--check-layout", "--codex-home", str(home)]
    code = main(["screenshot", str(out), *options])
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert code == 1
    assert report["size"] != "200x150"
    # The message names the size drawn, and the one asked for.
    assert f"Saved {out} ({report['size']}; asked for 200x150, which its layout" in captured.err
    assert any(
        problem["kind"] == "offscreen" and "asked for 200x150" in problem["detail"]
        for problem in report["problems"]
    )


def test_a_compact_screenshot_at_its_default_size_is_not_said_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qtbot: QtBot
) -> None:
    """The compact default (340x380) is a width and a most height: a window as tall as its
    content is what was asked, not a size "its layout does not allow"."""
    home = write_state("fresh", tmp_path / "home")
    out = tmp_path / "shot.png"
    assert main(["screenshot", str(out), "--compact", "--codex-home", str(home)]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"Saved {out} (340x")
    assert "asked for" not in said


def test_the_picture_may_follow_the_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qtbot: QtBot
) -> None:
    """``screenshot --codex-home DIR OUT.png``: the picture is not taken for one more folder
    (argparse had said OUT.png was missing)."""
    from codex_presence_gui.cli import out_first

    home = write_state("fresh", tmp_path / "home")
    out = tmp_path / "shot.png"
    assert main(["screenshot", "--full", "--codex-home", str(home), str(out)]) == 0
    assert out.is_file()
    assert capsys.readouterr().out.startswith(f"Saved {out}")
    given = ["screenshot", "--codex-home", "/a", "/b", "x.PNG", "--tab", "usage"]
    assert out_first(given) == ["screenshot", "x.PNG", "--codex-home", "/a", "/b", "--tab", "usage"]
    # An option's value is passed over, not taken for the picture.
    given = ["screenshot", "--size", "800x600", "--codex-home", "/a", "x.png"]
    assert out_first(given) == ["screenshot", "x.png", "--size", "800x600", "--codex-home", "/a"]
    # Every screenshot option that takes one value is known to it.
    from codex_presence_gui.cli import _SCREENSHOT_VALUES, _command_parsers, build_parser

    shot = _command_parsers(build_parser())["screenshot"]
    takes_one = {
        action.option_strings[-1]
        for action in shot._actions
        if action.option_strings
        and action.nargs is None
        and action.const is None
        and not isinstance(action, argparse._StoreTrueAction | argparse._HelpAction)
    }
    assert takes_one == _SCREENSHOT_VALUES
    folder = tmp_path / "logs.png"
    folder.mkdir()
    for unchanged in (
        ["screenshot", "--codex-home", "/a", str(folder)],  # a folder called so
        ["screenshot", "x.png", "--codex-home", "/a"],
        ["screenshot", "--codex-home", "/a", "--", "x.png"],
        ["screenshot", "--codex-home", "/a", "/b"],  # no picture: argparse says so
        ["screenshot", "--codex-home", "x.png"],  # alone: argparse says OUT.png is missing
        ["status", "--codex-home", "x.png"],  # a folder called so
        ["--codex-home", "screenshot", "--codex-home", "x.png"],
    ):
        assert out_first(unchanged) == unchanged


def test_screenshot_layouts_exclude_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["screenshot", str(tmp_path / "x.png"), "--compact", "--full"])
    assert exit_.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_screenshot_without_the_check_says_where_it_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qtbot: QtBot
) -> None:
    home = write_state("empty-folder", tmp_path / "home")
    out = tmp_path / "shot.png"
    assert main(["screenshot", str(out), "--full", "--codex-home", str(home)]) == 0
    assert capsys.readouterr().out.startswith(f"Saved {out}")


def test_screenshot_into_a_place_it_cannot_write_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qtbot: QtBot
) -> None:
    home = write_state("empty-folder", tmp_path / "home")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    out = blocker / "shot.png"  # its folder would be a file
    assert main(["screenshot", str(out), "--codex-home", str(home)]) == 1
    assert f"Could not write {out}" in capsys.readouterr().err


def test_screenshot_onto_a_folder_says_why_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qtbot: QtBot
) -> None:
    """The picture's name is a folder's (as a read-only folder, Qt's save fails): the error
    says why, as a folder that cannot be made does. It had said only "Could not write"."""
    home = write_state("empty-folder", tmp_path / "home")
    out = tmp_path / "shots"
    out.mkdir()
    assert main(["screenshot", str(out), "--codex-home", str(home)]) == 1
    assert capsys.readouterr().err.endswith(f"Could not write {out}: Is a directory.\n")
    assert list(out.iterdir()) == []


def test_the_usage_view_of_a_screenshot_says_a_missing_folder_as_the_app_does(
    tmp_path: Path,
) -> None:
    """A home that is not there: the Usage page says so (a screenshot had said "No usage
    recorded yet", where the running app says the folder was not found)."""
    from codex_presence_gui.app import read_usage_view
    from codex_presence_gui.viewmodels.usage import MISSING_MESSAGE

    missing = tmp_path / "no-such-home"
    view = read_usage_view([missing])
    assert view.message == MISSING_MESSAGE.format(homes=str(missing))


def test_the_usage_view_says_a_folder_the_walk_could_not_open(tmp_path: Path) -> None:
    """A day folder that cannot be opened (a link to itself here) hides its logs: the Usage
    page says so, as ``report`` does (its problems line had said only the logs' own)."""
    import os

    from codex_presence_gui.app import read_usage_view
    from tests.helpers import rollout as r
    from tests.helpers.rollout import BASE, CodexHome

    home = CodexHome(tmp_path / "home")
    sid = "019d0000-0000-7000-8000-00000000c001"
    home.write(sid, [r.session_meta(BASE, sid), r.turn_context(BASE + 1)])
    loop = home.root / "sessions" / "2026" / "02"
    loop.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(loop, loop)
    view = read_usage_view([home.root])
    assert view.problems_text.startswith("⚠ 1 problem")
    assert str(loop) in view.problems_tooltip
