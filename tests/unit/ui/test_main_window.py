"""The main window: empty states, limits text, compact switch, always on top that persists."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QMargins,
    QPoint,
    QRect,
    QSettings,
    QSize,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from codex_presence_gui import APP_NAME, __version__
from codex_presence_gui.app import settle
from codex_presence_gui.cli import main
from codex_presence_gui.core.models import CodexSessionSnapshot
from codex_presence_gui.core.problems import Problem, ProblemKind
from codex_presence_gui.ui import main_window
from codex_presence_gui.ui.main_window import LIVE_PAGE, USAGE_PAGE, MainWindow
from codex_presence_gui.ui.sessions_table import COMPACT_LEAST_ROWS, HIDE_ORDER
from codex_presence_gui.ui.window_state import FRAME_ROOM, MOST_FRAME, LayoutMode, WindowState
from codex_presence_gui.viewmodels.session_table import Column, SessionRole
from tests.helpers import rollout as r
from tests.helpers.quota import quota_dashboard, two_sessions
from tests.helpers.rings import ringed
from tests.helpers.rollout import CodexHome
from tests.helpers.snapshots import NOW, dashboard, limits, session


def make_window(qtbot: QtBot, state: WindowState | None = None) -> MainWindow:
    window = MainWindow(state)
    qtbot.addWidget(window)
    return window


def test_loading_state_before_the_first_read(qtbot: QtBot) -> None:
    """The window appears at once and says it is reading."""
    window = make_window(qtbot)
    window.show()
    assert window.limits.message.text() == "Reading your Codex logs…"
    assert window.card.message.text() == "Reading your Codex logs…"
    assert window.feed_status.full_text == "Loading…"
    assert window.discord_status.full_text == "Discord: off"


def test_empty_states(qtbot: QtBot) -> None:
    """No Codex folder, no session, and unreadable files are each said in plain words."""
    window = make_window(qtbot)
    home = Path("/home/dev/.codex")
    window.show_dashboard(dashboard(homes=(home,), missing=(home,)))
    # One panel, for people who double-clicked the app: no command-line advice, no backticks.
    assert window.setup_panel.isVisibleTo(window)
    assert "found none in /home/dev/.codex" in window.setup_panel.body.text()
    assert window.setup_panel.choose.text().strip("\u200e") == "Choose Codex folder…"
    for widget in (window.limits, window.card, window.table):
        assert not widget.isVisibleTo(window)
    assert "--codex-home" not in window.setup_panel.body.text()
    assert "`" not in window.setup_panel.body.text()
    window.show_dashboard(
        dashboard(
            warnings=(
                Problem(
                    ProblemKind.UNREADABLE,
                    "cannot read /x/rollout-a.jsonl: Permission denied",
                    Path("/x/rollout-a.jsonl"),
                ),
            )
        )
    )
    assert not window.setup_panel.isVisibleTo(window)
    assert "Start Codex in a terminal" in window.card.message.text()
    assert not window.table.isVisibleTo(window)  # nothing to list: no empty table
    assert "No limit reading yet" in window.limits.message.text()
    assert window.problems.isVisibleTo(window)
    assert window.problems.full_text == "⚠ 1 problem reading logs"
    assert "Permission denied" in window.problems.toolTip()


def test_the_keyboard_goes_to_the_first_limit_once_the_folder_is_chosen(qtbot: QtBot) -> None:
    """The first-run panel's button, focused as Codex's folder is chosen, goes with the
    panel: the keyboard (and its ring) lands on the first limit, not on the status bar's
    Discord item, which Qt had handed it to as the next of its chain."""
    window = make_window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    home = Path("/home/dev/.codex")
    window.show_dashboard(dashboard(homes=(home,), missing=(home,)))
    window.setup_panel.choose.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(window.setup_panel.choose.hasFocus)
    window.show_dashboard(dashboard((session(),), limit=limits()))
    QApplication.processEvents()
    assert not window.setup_panel.isVisibleTo(window)
    assert QApplication.focusWidget() is window.limits.tab_stops()[0]


def test_a_home_that_is_no_folder_is_said_not_waited_for(qtbot: QtBot) -> None:
    """A file chosen as Codex's folder had read "Waiting for FILE" and "found none in FILE.
    … run it once": Codex never makes its folder where a file is."""
    window = make_window(qtbot)
    window.show()
    missing = Path("/home/dev/.codex")
    window.show_dashboard(dashboard(homes=(missing,), missing=(missing,)))
    assert window.feed_status.full_text == "Waiting for /home/dev/.codex"  # as it was
    assert "run it once" in window.setup_panel.body.text()
    assert window.setup_panel.heading.text() == "Codex's folder was not found"
    assert window.limits.message.text() == "No limits to show: Codex's folder was not found."
    a_file = Path("/srv/codex.txt")
    odd = "/srv/codex.txt is a file, not a folder"
    window.show_dashboard(
        dashboard(
            homes=(a_file,),
            missing=(a_file,),
            warnings=(Problem(ProblemKind.HOME_MISSING, f"Codex folder {odd}", a_file),),
            not_folders=((a_file, "a file"),),
        )
    )
    assert window.setup_panel.isVisibleTo(window)
    assert window.feed_status.full_text == odd
    assert window.feed_status.shorter == ("Not a folder: choose Codex's folder", "Not a folder")
    body = window.setup_panel.body.text()
    assert body.endswith(f"on this computer, but {odd}. Choose Codex's folder (usually ~/.codex).")
    assert "found none" not in body
    # Its heading, and the limits above it, had gone on saying "was not found".
    assert window.setup_panel.heading.text() == "The folder given for Codex is not a folder"
    assert window.limits.message.text() == (
        "No limits to show: the folder given for Codex is not a folder."
    )
    assert not window.problems.isVisibleTo(window)  # the panel says it
    # One of two homes: the other is read, and the file is said with the problems (a missing
    # one may still appear, and is not).
    good, gone = Path("/home/dev/.codex"), Path("/home/dev/old-codex")
    window.show_dashboard(
        dashboard(
            homes=(good, a_file, gone),
            missing=(a_file, gone),
            warnings=(
                Problem(ProblemKind.HOME_MISSING, f"Codex folder {odd}", a_file),
                Problem(ProblemKind.HOME_MISSING, f"Codex folder not found: {gone}", gone),
            ),
            not_folders=((a_file, "a file"),),
        )
    )
    assert not window.setup_panel.isVisibleTo(window)
    assert window.feed_status.full_text == "0 active sessions"
    assert window.problems.isVisibleTo(window)
    assert window.problems.full_text == "⚠ 1 problem reading logs"
    assert f"Codex folder {odd}" in window.problems.toolTip()
    assert str(gone) not in window.problems.toolTip()


def test_a_home_without_its_sessions_folder_says_so(qtbot: QtBot) -> None:
    """``~/.codex/sessions`` deleted while the app runs: the limits and the status bar name
    the missing folder ("No limit reading yet" and "0 active sessions" had said nothing
    wrong), and it is a wait, not the first-run panel."""
    window = make_window(qtbot)
    home = Path.home() / ".codex"
    window.show_dashboard(replace(dashboard(homes=(home,)), sessionless=(home,)))
    assert not window.setup_panel.isVisibleTo(window)
    assert window.limits.message.text().startswith(
        "No limits to show: ~/.codex/sessions, where Codex keeps its logs, is missing."
    )
    assert window.feed_status.full_text == "Waiting for ~/.codex/sessions"
    window.show_dashboard(dashboard(homes=(home,)))  # made again
    assert window.feed_status.full_text == "0 active sessions"
    assert "No limit reading yet" in window.limits.message.text()


def test_a_sessions_that_is_a_file_is_said_in_the_status_bar(qtbot: QtBot) -> None:
    """A file where ``~/.codex/sessions`` goes: the status bar says what is there, as the
    limits do; "Waiting for ~/.codex/sessions" had promised a folder Codex cannot make."""
    window = make_window(qtbot)
    home = Path.home() / ".codex"
    board = dashboard(homes=(home,))
    window.show_dashboard(replace(board, sessionless=(home,), blocked_sessions=((home, "a file"),)))
    assert window.feed_status.full_text == "~/.codex/sessions is a file, not a folder"
    assert window.limits.message.text() == (
        "No limits to show: ~/.codex/sessions is a file, not a folder: Codex cannot write its "
        "logs there."
    )


def test_a_home_named_with_escapes_alone_is_shown_escaped(qtbot: QtBot) -> None:
    """Its name cleaned to nothing had read "Waiting for " and "found none in ."."""
    window = make_window(qtbot)
    home = Path("/srv/\x1b[31m")
    window.show_dashboard(dashboard(homes=(home,), missing=(home,)))
    assert window.feed_status.full_text == "Waiting for '/srv/\\x1b[31m'"
    assert "found none in '/srv/\\x1b[31m'." in window.setup_panel.body.text()


def test_limits_panel_fresh_stale_and_past_reset(qtbot: QtBot) -> None:
    """Fresh bars count down; stale readings say so; a passed reset is not shown as current."""
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop"),), limit=limits()))
    five, weekly = window.limits.bars
    assert (five.label.text(), five.percent.text()) == ("5h", "64% left")
    assert five.status.text().startswith("resets in 2h 13m (")
    assert five.bar.value() == 64  # in whole percent, as screen readers say it
    assert weekly.percent.text() == "18% left"
    # The percentage is coloured by its level, not the plain text colour.
    assert five.percent.palette().color(
        five.percent.foregroundRole()
    ) != weekly.percent.palette().color(weekly.percent.foregroundRole())
    assert window.limits.age.text() == "updated 40s ago"
    assert window.windowTitle() == "5h: 64% left · Weekly: 18% left — Codex Presence"
    assert not window.limits.stale.isVisibleTo(window)
    assert "Reading from session shop" in window.limits.toolTip()
    window.show_dashboard(dashboard((session("shop"),), limit=limits(observed=NOW - 1200)))
    assert window.limits.stale.isVisibleTo(window)
    assert window.limits.stale.text().endswith("may be out of date until your next Codex turn.")
    assert window.limits.bars[0].row is not None
    assert window.limits.bars[0].row.dimmed
    assert window.limits.bars[0].percent.text() == "64% left"  # the value is kept
    window.show_dashboard(dashboard((session("shop"),), limit=limits(resets_in=-60)))
    five = window.limits.bars[0]
    assert five.percent.text() == "~100% left"
    assert five.status.text().endswith("confirmed on your next turn")
    assert five.bar.value() == 100  # full, dimmed: not an empty bar
    assert window.windowTitle() == "5h: ~100% left · Weekly: 18% left — Codex Presence"


def test_a_used_up_limit_shows_an_empty_bar_outlined(qtbot: QtBot) -> None:
    """0 % left: the track keeps its grey (a red-tinted track read, at a glance, as a full
    bar), and a red outline says the limit is reached."""
    window = make_window(qtbot)
    window.resize(700, 560)
    window.show()
    qtbot.waitExposed(window)
    window.show_dashboard(dashboard((session("shop"),), limit=limits((100.0, 71.0))))
    five, weekly = window.limits.bars
    assert five.percent.text() == "0% left"
    QApplication.processEvents()
    image = five.bar.grab().toImage()
    inside = image.pixelColor(image.width() // 2, image.height() // 2)
    edge = image.pixelColor(image.width() // 2, 0)
    other = weekly.bar.grab().toImage()
    weekly_track = other.pixelColor(other.width() - 8, other.height() // 2)
    assert inside == weekly_track  # empty: the same grey as any bar's empty part
    assert edge.red() > edge.green() + 60  # the red outline


def test_in_a_narrow_window_the_chart_gives_way_to_the_bar(qtbot: QtBot) -> None:
    """At 360 px the chart beside each bar had kept its 112 px while the bar, the main
    figure, shrank to a stub (29% left a red dot): the chart takes a quarter of the row at
    most, and its full width where there is room."""
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop"),), limit=limits((36.0, 71.0))))
    window.show()
    for width, full in ((360, False), (820, True)):
        window.resize(width, 640)
        qtbot.waitUntil(lambda w=width: window.width() == w)
        QApplication.processEvents()
        for row in window.limits.bars:
            chart = row.chart.width()
            if full:
                assert chart == row.chart.sizeHint().width()
            else:
                assert chart <= row.width() // 4
                assert row.bar.width() > chart


def test_without_its_chart_a_bar_runs_to_its_percentage(qtbot: QtBot) -> None:
    """The compact layout hides the charts: their column takes no share of the row then (a
    wide compact window had kept a quarter of it empty)."""
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop"),), limit=limits((36.0, 71.0))))
    window.show()
    window.resize(1600, 380)  # compact by its height
    qtbot.waitUntil(lambda: window.compact and window.width() == 1600)
    QApplication.processEvents()
    for row in window.limits.bars:
        assert not row.chart.isVisible()
        spacing = row.layout().horizontalSpacing()
        assert row.percent.geometry().left() - row.bar.geometry().right() <= 2 * spacing
        assert row.width() - row.percent.geometry().right() <= 2 * spacing  # nothing after


def test_the_bars_end_in_one_place_whatever_their_numbers(qtbot: QtBot) -> None:
    """ "9% left" and "64% left" are not as wide: the bars still end in one column, and keep
    their length when a number gains a digit."""
    window = make_window(qtbot)
    window.resize(820, 580)
    window.show()
    qtbot.waitExposed(window)

    def ends() -> list[int]:
        QApplication.processEvents()
        return [bar.bar.geometry().right() for bar in window.limits.bars]

    window.show_dashboard(dashboard((session("shop"),), limit=limits((36.0, 91.0))))
    assert [bar.percent.text() for bar in window.limits.bars] == ["64% left", "9% left"]
    first = ends()
    assert len(set(first)) == 1
    window.show_dashboard(dashboard((session("shop"),), limit=limits((0.0, 0.0))))
    assert [bar.percent.text() for bar in window.limits.bars] == ["100% left"] * 2
    assert ends() == first
    window.show_dashboard(dashboard((session("shop"),), limit=limits(resets_in=-60)))
    assert window.limits.bars[0].percent.text() == "~100% left"  # past its reset
    assert ends() == first


def test_active_session_card_and_table(qtbot: QtBot) -> None:
    """The card shows the top session in large type; the table lists all of them."""
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop"), session("docs", age=60)), limit=limits()))
    assert window.card.title.text() == "shop"
    assert window.card.total.text() == "52.4K"  # the session total in large type
    # This update and last response are equal here: said once, smaller.
    number, caption = window.card.figures[0]
    assert (number.text(), caption.text()) == ("26.4K", "this update = last response")
    assert not window.card.figures[1][0].isVisibleTo(window)
    assert window.model.rowCount() == 2
    assert window.feed_status.full_text == "2 active sessions"
    top = window.proxy.index(0, Column.PROJECT).data()
    assert top == "shop (main)"


def test_compact_layout_follows_the_window_size(qtbot: QtBot) -> None:
    """Narrow or short: limits and the top session only; the menu can force either layout."""
    window = make_window(qtbot)
    # Two sessions: the compact layout lists them when it has room (one is the card's alone).
    window.show_dashboard(dashboard((session("shop"), session("docs", age=60)), limit=limits()))
    window.show()
    window.resize(900, 700)
    qtbot.waitUntil(lambda: not window.compact)
    assert window.table.isVisible()
    window.resize(900, 330)
    qtbot.waitUntil(lambda: window.compact)
    assert not window.table.isVisible()
    # Too short for the full layout, tall enough for the table: compact, with the sessions
    # under it instead of a blank band.
    window.resize(900, 420)  # the full layout needs 445 px here, 429 px tightened
    qtbot.waitUntil(window.table.isVisible)
    assert window.compact
    assert window.card.compact_total.isVisible()
    # Without the "Sessions" title (the table's header says it): two rows fit sooner.
    assert not window.sessions_title.isVisible()
    least = window.needed_size(True, window.width()).height()
    window.resize(900, least + window.table.minimumSizeHint().height() + 12)
    qtbot.waitUntil(lambda: window.height() < 420)
    assert window.table.isVisible()
    # Room for the header and one row is enough (the others scroll): the blank band under
    # the compact layout is at most that high.
    one_row = window.table.height_for_rows(1) + window.body_layout.spacing()
    window.resize(900, least + one_row)
    qtbot.waitUntil(lambda: window.height() == least + one_row)
    assert window.table.isVisible()
    assert window.compact
    assert window.table.height() >= window.table.height_for_rows(1)  # the row whole
    window.resize(900, least + one_row - 2)
    qtbot.waitUntil(lambda: not window.table.isVisible())
    assert window.compact
    # At the least width, the sessions still show (Project and Activity, narrower than in
    # the full layout), not a blank band under the card.
    window.resize(160, 600)
    qtbot.waitUntil(lambda: window.width() == window.minimumWidth())
    qtbot.waitUntil(window.table.isVisible)
    assert window.compact
    assert window.table.hidden_columns() == list(HIDE_ORDER)
    activity = window.table.columnWidth(Column.ACTIVITY)
    assert activity >= window.table.minimum_column_width(Column.ACTIVITY, compact=True)
    assert window.table.least_width(compact=True) < window.table.least_width(compact=False)
    # Full again: the table asks for its full least width back.
    window.resize(900, 700)
    qtbot.waitUntil(lambda: not window.compact)
    assert window.table.minimumSizeHint().width() == window.table.least_width(compact=False)
    window.resize(160, 300)  # too short for the table: the compact layout alone
    qtbot.waitUntil(lambda: window.compact and not window.table.isVisible())
    assert window.card.compact_total.isVisible()
    assert window.card.compact_total.full_text == "52.4K tokens in this session"
    assert window.card.compact_others.text() == "this update = last response 26.4K"
    window.set_layout_mode(LayoutMode.FULL)
    assert not window.compact
    window.resize(900, 700)
    window.layout_actions[LayoutMode.COMPACT].trigger()
    assert window.compact
    assert window.layout_mode is LayoutMode.COMPACT


def test_the_compact_table_is_left_out_when_it_lists_only_the_cards_session(
    qtbot: QtBot,
) -> None:
    """Compact by its size, the window lists its sessions under the card only when the list
    says more than the card: a second row of the card's one session took the room of a window
    kept small beside the editor. A second session brings the table back, and so does the
    one session ended (the card then says none runs, the table when it ran); the window keeps
    its size both ways, nothing clipped. The full layout keeps its table."""
    from codex_presence_gui.ui.layout_check import check_layout

    window = make_window(qtbot)
    shop, docs = session("shop"), session("docs", age=60)
    one = dashboard((shop,), limit=limits())
    window.show_dashboard(one)
    window.show()
    window.resize(330, 600)
    size = QSize(330, 600)

    def shows(table: bool) -> None:
        def laid_out() -> None:
            assert window.compact
            assert window.size() == size
            assert window.table.isVisible() == table
            assert window.spacer.isVisible() != table
            if table:  # its header and a row whole, at least
                least = window.table.height_for_rows(COMPACT_LEAST_ROWS)
                assert window.table.height() >= least
            assert check_layout(window) == []

        qtbot.waitUntil(laid_out, timeout=2000)

    shows(False)
    window.show_dashboard(dashboard((shop, docs), limit=limits()))
    shows(True)
    assert window.model.rowCount() == 2
    window.show_dashboard(one)
    shows(False)
    window.show_dashboard(replace(one, ended=(docs,)))
    shows(True)
    window.show_dashboard(replace(dashboard(limit=limits()), ended=(shop,)))
    assert window.card.message.isVisible()
    shows(True)
    window.show_dashboard(one)
    shows(False)
    window.resize(900, 700)
    qtbot.waitUntil(lambda: not window.compact)
    assert window.table.isVisible()
    assert window.model.rowCount() == 1


def test_always_on_top_without_flicker(qtbot: QtBot, tmp_path: Path) -> None:
    """Pinning sets the native window's flag (no new native window) and announces it."""
    window = make_window(qtbot, WindowState(tmp_path / "ui.ini"))
    window.show()
    qtbot.waitExposed(window)
    winid = window.winId()
    with qtbot.waitSignal(window.always_on_top_changed) as changed:
        window.on_top_action.trigger()
    assert changed.args == [True]
    assert window.always_on_top
    assert window.windowHandle().flags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.winId() == winid  # the native window was not recreated: no flicker
    window.resize(500, 420)
    window.close()
    again = MainWindow(WindowState(tmp_path / "ui.ini"), always_on_top=True)
    qtbot.addWidget(again)
    assert again.on_top_action.isChecked()
    assert again.size().width() == 500  # geometry came back
    again.show()
    qtbot.waitExposed(again)
    assert again.windowHandle().flags() & Qt.WindowType.WindowStaysOnTopHint


def test_the_place_is_saved_soon_after_a_resize_not_only_at_quit(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Saved only at quit, a size (and a layout chosen since) was lost to a crash or a
    ``kill -9``: the next start had the layout chosen at the size of another."""
    from codex_presence_gui.ui.window_state import saved_geometry

    path = tmp_path / "ui.ini"
    first = make_window(qtbot, WindowState(path))
    first.show()
    qtbot.waitExposed(first)
    first.close()  # a window placed before: this one is not new
    window = make_window(qtbot, WindowState(path))
    window.show()
    qtbot.waitExposed(window)
    window.set_layout_mode(LayoutMode.COMPACT)
    window.resize(window.width() + 10, window.height() + 20)
    wanted = window.size()

    def saved_size() -> QSize | None:
        value = QSettings(str(path), QSettings.Format.IniFormat).value("window/geometry")
        place = saved_geometry(value) if isinstance(value, QByteArray) else None
        return None if place is None else place.geometry.size()

    qtbot.waitUntil(lambda: saved_size() == wanted, timeout=5000)
    assert WindowState(path).layout_mode is LayoutMode.COMPACT


def test_corrupt_window_state_falls_back_to_defaults(qtbot: QtBot, tmp_path: Path) -> None:
    """A damaged ui.ini gives a default window, not an error."""
    path = tmp_path / "ui.ini"
    path.write_bytes(b"\x00\xff garbage [window\ngeometry=@ByteArray(zzz)\nlayout=sideways\n")
    window = make_window(qtbot, WindowState(path))
    assert window.layout_mode is LayoutMode.AUTO
    assert not window.always_on_top


def test_screenshot_command(codex_home: CodexHome, tmp_path: Path, qtbot: QtBot) -> None:
    """`screenshot` renders the window with real data into a PNG of the asked size."""
    import time

    now = time.time()
    codex_home.write(
        "019de1a2-0000-7000-8000-0000000000f1",
        [
            r.session_meta(now - 60, "019de1a2-0000-7000-8000-0000000000f1", cwd="/w/shop"),
            r.token_count(
                now - 5, r.usage(1000, 0, 10), None, r.limits((10.0, 300, int(now) + 600), None)
            ),
        ],
        started=now - 60,
        mtime=now - 5,
    )
    out = tmp_path / "shots" / "full.png"
    assert (
        main(["screenshot", str(out), "--size", "640x480", "--codex-home", str(codex_home.root)])
        == 0
    )
    image = QImage(str(out))
    assert (image.width(), image.height()) == (640, 480)
    compact = tmp_path / "compact.png"
    assert (
        main(["screenshot", str(compact), "--compact", "--codex-home", str(codex_home.root)]) == 0
    )
    assert QImage(str(compact)).width() == 340
    # The Usage page, which scrolls, at a size shorter than the live view's least height.
    usage = tmp_path / "usage.png"
    asked = ["--size", "700x260", "--full", "--tab", "usage", "--check-layout"]
    assert main(["screenshot", str(usage), *asked, "--codex-home", str(codex_home.root)]) == 0
    assert (QImage(str(usage)).width(), QImage(str(usage)).height()) == (700, 260)


def test_pace_chart_shares_and_notes(codex_home: CodexHome, qtbot: QtBot) -> None:
    """The window says the pace under the bar, draws the window's use beside it, puts each
    session's share in the table and the card, and points out use from elsewhere."""
    now = time.time()
    a, b = "019d0000-0000-7000-8000-0000000000a1", "019d0000-0000-7000-8000-0000000000b2"
    two_sessions(codex_home, now, a, b)
    board = quota_dashboard(codex_home, now)
    window = make_window(qtbot)
    window.resize(820, 580)
    window.show_dashboard(board)
    window.show()
    five = window.limits.bars[0]
    assert five.pace.isVisibleTo(window)
    assert five.pace.text().startswith("at this pace: runs out ~")
    # In words for screen readers: "~" is read "tilde", "50m" may be read as metres.
    assert five.pace.accessibleName().startswith("at this pace: runs out about ")
    assert five.pace.accessibleName().endswith(" before the reset")
    assert " ~" not in five.pace.accessibleName()
    assert five.chart.data is not None
    assert five.chart.data.projection  # the pace ahead is drawn
    image = five.chart.grab().toImage()
    # Two hours into five: what was left is filled up to a third of the width, nothing after
    # now (the track shows through).
    track = image.pixelColor(image.width() - 8, 5)
    assert image.pixelColor(image.width() // 3, image.height() - 4) != track
    assert image.pixelColor(image.width() - 8, image.height() - 4) == track
    assert window.limits.notes.isVisibleTo(window)
    assert "used rose 6% without local activity since" in window.limits.notes.text()
    cells = {
        window.model.data(window.model.index(row, Column.PROJECT), SessionRole).session_id: (
            window.model.data(window.model.index(row, Column.SHARE))
        )
        for row in range(window.model.rowCount())
    }
    assert cells[b].startswith("▲ ≈ ")
    assert cells[b].endswith("% of 5h")
    assert cells[a].startswith("≈ ")
    assert "of the 5h window" in window.card.details.text()
    window.set_layout_mode(LayoutMode.COMPACT)
    assert not five.chart.isVisibleTo(window)
    assert five.pace.isVisibleTo(window)


def test_file_quit_asks_the_app_to_quit(qtbot: QtBot) -> None:
    """File → Quit (Ctrl+Q) reaches whoever listens, and closes a window nobody listens to."""
    window = make_window(qtbot)
    window.show()
    with qtbot.waitSignal(window.quit_requested):
        window.quit_action.trigger()
    alone = make_window(qtbot)
    alone.show()
    alone.quit_action.trigger()
    assert not alone.isVisible()


def test_sizes_come_from_what_the_layouts_need(qtbot: QtBot) -> None:
    """The minimum size and the switch to compact are measured, not fixed: the full layout
    shows from exactly the width and height it needs, and more text needs more room."""
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop"),), limit=limits()))
    window.show()
    full = window.needed_size(False)
    at = full.width() + 100
    window.resize(at, window.needed_size(False, at).height())
    qtbot.waitUntil(lambda: not window.compact)
    window.resize(full.width() - 1, 2000)
    qtbot.waitUntil(lambda: window.compact)
    # Its page's margins and gaps tightened (a few pixels of each), the full layout still
    # shows; a pixel shorter, the compact one.
    tightest = window.tightest_height(False, at)
    assert tightest < window.needed_size(False, at).height()
    window.resize(at, tightest)
    qtbot.waitUntil(lambda: not window.compact)
    window.resize(at, tightest - 1)
    qtbot.waitUntil(lambda: window.compact)
    # The automatic layout may always shrink to the compact one: as narrow as it can be, as
    # short as it is at the window's width (no blank band under it), its page tightened.
    assert window.minimumWidth() == window.needed_size(True).width()
    assert window.minimumHeight() == window.tightest_height(True, window.width())
    assert window.minimumHeight() < window.tightest_height(True)  # wider: fewer lines
    fresh = window.needed_size(True, 260).height()
    window.show_dashboard(dashboard((session("shop"),), limit=limits(observed=NOW - 1200)))
    assert window.needed_size(True, 260).height() > fresh  # the stale line takes room
    bigger = QFont(window.font())
    bigger.setPointSizeF(bigger.pointSizeF() * 1.5)
    before = window.needed_size(True)
    window.setFont(bigger)
    assert window.needed_size(True).height() > before.height()


def test_one_drag_from_the_full_layout_reaches_the_compact_one(qtbot: QtBot) -> None:
    """From the full layout, a resize to a small size gets the compact layout as short as it
    is at that width in one go: the least height had been the compact layout's at its least
    width (its texts wrapped most), and a drag stopped about a hundred pixels short."""
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop"),), limit=limits()))
    window.show()
    window.resize(820, 580)
    qtbot.waitUntil(lambda: not window.compact)
    assert window.minimumHeight() == window.tightest_height(True, 820)
    window.resize(400, 200)
    qtbot.waitUntil(lambda: window.compact)
    qtbot.waitUntil(lambda: window.height() == window.tightest_height(True, 400))
    assert window.width() == 400


def test_a_compact_window_a_little_short_gives_up_its_margins_rather_than_grow(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Automatic, a window a little shorter than the compact layout needs keeps its size, its
    page up to 4 px tighter in each margin and gap (as the full layout's before it turns
    compact): two sessions with two sets of limits need 496 px at 360 px, and a window of a
    small screen's 360x480 had grown to that, its foot past such a screen's edge."""
    from codex_presence_gui.ui.layout_check import check_layout
    from tests.helpers.layout_matrix_run import _window_for
    from tests.helpers.layout_states import write_state

    window = _window_for(write_state("sessions-2-extra-bucket", tmp_path / "home"))
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.resize(*main_window.DEFAULT_SIZE)
    window.show()
    width = 360
    needed = window.needed_size(True, width).height()
    tightest = window.tightest_height(True, width)
    assert tightest < needed
    for height in (needed - 1, tightest):
        window.resize(width, height)

        def tightened(height: int = height) -> None:
            assert window.size() == QSize(width, height)
            assert window.compact
            assert window.live_page.cut > 0
            assert not window.live_page.verticalScrollBar().isVisible()
            assert check_layout(window, QSize(width, height)) == []

        qtbot.waitUntil(tightened)
    assert window.minimumHeight() == tightest
    # Made as small as it can be, at the compact layout's least width (where no scroll bar
    # fits beside its widgets), tightened too: a scroll bar shown on the way there had stayed,
    # the page's widgets wider than the room it left them.
    window.resize(1, 1)
    least = QSize(window.needed_size(True).width(), window.tightest_height(True))

    def least_tightened() -> None:
        assert window.size() == least
        assert window.live_page.cut > 0
        assert not window.live_page.verticalScrollBar().isVisible()
        assert check_layout(window, least) == []

    qtbot.waitUntil(least_tightened)


def test_pinned_compact_window_is_as_tall_as_its_contents(qtbot: QtBot) -> None:
    """Chosen compact: the height is what the contents need at the window's width."""
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop"),), limit=limits()))
    window.set_layout_mode(LayoutMode.COMPACT)
    window.show()
    window.resize(400, 900)
    qtbot.waitUntil(lambda: window.height() == window.needed_size(True, 400).height())
    assert window.maximumHeight() == window.height()
    window.set_layout_mode(LayoutMode.AUTO)
    assert window.maximumHeight() > 10_000


def test_the_chosen_compact_layout_lists_no_ended_session_alone(qtbot: QtBot) -> None:
    """Chosen compact (Ctrl+2, ``screenshot --compact``), the window shows the limits and
    the card, as tall as they are (the 340x318 drawn where 340x380 was asked for): an ended
    session alone is not listed. Made compact by its size, the window keeps the size the
    user gave it, and lists it under the card."""
    window = make_window(qtbot)
    window.show_dashboard(replace(dashboard(limit=limits()), ended=(session("docs", age=60),)))
    window.set_layout_mode(LayoutMode.COMPACT)
    window.show()
    window.resize(340, 380)
    qtbot.waitUntil(lambda: window.height() == window.needed_size(True, 340).height())
    assert window.height() < 380
    assert not window.table.isVisible()
    window.set_layout_mode(LayoutMode.AUTO)
    window.resize(340, 380)
    qtbot.waitUntil(lambda: window.table.isVisible())
    assert window.compact
    assert window.size() == QSize(340, 380)


def test_an_idle_refresh_does_not_measure_again(
    qtbot: QtBot, codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh where only the clock moved (countdown seconds, the chart's now, the age)
    leaves the measured sizes alone: measuring every 2 s was most of an idle window's CPU."""
    now = time.time()
    a, b = "019d0000-0000-7000-8000-0000000000a1", "019d0000-0000-7000-8000-0000000000b2"
    two_sessions(codex_home, now, a, b)
    board = quota_dashboard(codex_home, now)
    window = make_window(qtbot)
    window.show_dashboard(board)
    window.show()
    measured: list[int] = []
    monkeypatch.setattr(window, "_content_changed", lambda: measured.append(1))
    for step in (2, 4, 6):
        window.show_dashboard(replace(board, generated_at=board.generated_at + step))
    assert measured == []
    window.show_notice("Something to say")  # takes room: measured
    assert measured == [1]
    window.show_dashboard(replace(board, sessions=(), active=None))  # the card changed
    assert measured == [1, 1]


def test_the_pause_menu(qtbot: QtBot) -> None:
    """File → Pause Discord status: for an hour, until tomorrow morning, until I resume,
    resume now; each asks the app, which keeps the pause in the settings."""
    from codex_presence_gui.core.presence import tomorrow_morning

    window = make_window(qtbot)
    window.clock = lambda: 1_800_000_000.0
    texts = [a.text() for a in window.pause_menu.actions() if not a.isSeparator()]
    assert texts == [
        "For 1 &hour",
        "Until &tomorrow morning (06:00)",
        "Until I &resume",
        "Resume &now",
    ]
    file_menu = window.menuBar().actions()[0].menu()
    assert window.pause_menu.menuAction() in file_menu.actions()
    asked: list[float] = []
    window.discord_pause_requested.connect(asked.append)
    paused: list[bool] = []
    window.discord_paused_changed.connect(paused.append)
    window.pause_hour_action.trigger()
    window.pause_tomorrow_action.trigger()
    window.pause_discord_action.trigger()
    window.set_discord_pause("until you resume")  # the app's echo is not a new request
    window.resume_discord_action.trigger()
    assert asked == [1_800_003_600.0, tomorrow_morning(1_800_000_000.0), 0.0]
    assert paused == [True]


def test_the_least_compact_window_says_its_numbers_whole(qtbot: QtBot) -> None:
    """At the compact layout's least width the reading's age and the session's total keep
    their numbers: "6m ago" and "52.4K tokens", not "update…" and "52.4K tokens in t…"
    (the header's stretch had also taken half of the age's room)."""
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop", age=360),), limit=limits()))
    window.set_layout_mode(LayoutMode.COMPACT)
    window.show()
    qtbot.waitExposed(window)
    window.resize(window.minimumWidth(), window.height())
    age, total = window.limits.age, window.card.compact_total
    qtbot.waitUntil(lambda: window.width() == window.minimumWidth())
    qtbot.waitUntil(lambda: "…" not in age.text() and "…" not in total.text())
    assert age.text().endswith("ago")
    assert total.text().endswith("tokens")
    assert total.text()[0].isdigit()
    # The session count, however many: "33 active", not "33 active sessio…".
    many = tuple(session(f"s{number}", age=60 + number) for number in range(33))
    window.show_dashboard(dashboard(many, limit=limits()))
    window.resize(window.minimumWidth(), window.height())
    qtbot.waitUntil(lambda: window.feed_status.text().startswith("33 active"))
    assert "…" not in window.feed_status.text()


def test_a_long_discord_status_leaves_room_for_the_session_count(qtbot: QtBot) -> None:
    """Narrow, with a long Discord status: both are cut alike, the count still readable."""
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop"), session("api")), limit=limits()))
    window.set_discord_status("Discord: off (started with --no-discord)")
    window.set_layout_mode(LayoutMode.COMPACT)
    window.show()
    window.resize(320, 400)  # the reviewer's pinned window: the count had read "3 active sessi…"
    count = window.feed_status
    needed = count.fontMetrics().horizontalAdvance("2 active sessions")
    qtbot.waitUntil(
        lambda: window.discord_status.width() <= window.width() // 2 and count.width() >= needed
    )
    assert count.text() == "2 active sessions"
    # With a problem shown too, the two share that half between them.
    problem = Problem(ProblemKind.MALFORMED_LINES, "a line that could not be read " * 3)
    window.show_dashboard(
        dashboard((session("shop"), session("api")), limit=limits(), warnings=(problem,))
    )
    qtbot.waitUntil(lambda: window.problems.width() > 20)  # shown, and laid out
    right = window.discord_status.width() + window.problems.width()
    assert right <= window.width() // 2
    assert count.width() >= needed


def test_open_log_folder_says_where_it_is_when_nothing_can_open_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A desktop without a file manager: Help → Open log folder names the folder and copies
    it, instead of doing nothing."""
    window = make_window(qtbot)
    window.log_folder = tmp_path / "log"
    opened: list[str] = []

    def refuse(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return False

    monkeypatch.setattr(main_window.QDesktopServices, "openUrl", refuse)
    window.log_folder_action.trigger()
    assert opened == [str(tmp_path / "log")]
    assert (tmp_path / "log").is_dir()
    [notice] = window.info_bar.texts()
    assert str(tmp_path / "log") in notice
    assert QApplication.clipboard().text() == str(tmp_path / "log")


def file_manager(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[bool]]:
    """A stand-in for the desktop's file manager: the folders asked for, and whether one
    opens (``answer[0]``, True at first)."""
    opened: list[str] = []
    answer = [True]

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return answer[0]

    monkeypatch.setattr(main_window.QDesktopServices, "openUrl", open_url)
    return opened, answer


def test_a_notice_about_a_file_shows_it_in_its_folder(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Show file" opens the folder that holds the file; where nothing can open it, the
    file's path is said and copied instead. The text itself can be selected (to copy a
    path from it)."""
    window = make_window(qtbot)
    backup = tmp_path / "settings.json.corrupt-20261130-020512"
    backup.write_text("{")
    opened, answer = file_manager(monkeypatch)
    window.show_notice(f"It was kept as {backup}.", file=backup)
    [notice] = window.info_bar.notices
    assert notice.label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert notice.show_button is not None
    qtbot.mouseClick(notice.show_button, Qt.MouseButton.LeftButton)
    assert opened == [str(tmp_path)]
    assert len(window.info_bar.notices) == 1  # opened: nothing more to say

    answer[0] = False
    qtbot.mouseClick(notice.show_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == str(backup)
    assert any(
        "No file manager" in text and str(backup) in text for text in window.info_bar.texts()
    )


def test_the_usage_pages_show_file_opens_the_exports_folder(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no folder can be opened, the Usage page itself says where the file is: the
    notices are on the live page, out of sight."""
    window = make_window(qtbot)
    exported = tmp_path / "codex-usage-30-days-to-2026-12-01.csv"
    opened, answer = file_manager(monkeypatch)
    window.usage_page.reveal.emit(exported)
    assert opened == [str(tmp_path)]
    assert window.usage_page.export_row.isHidden()

    answer[0] = False
    window.usage_page.reveal.emit(exported)
    assert QApplication.clipboard().text() == str(exported)
    said = window.usage_page.export_status.full_text
    assert "No file manager" in said
    assert str(exported) in said
    assert not window.usage_page.export_dismiss.isHidden()  # stays until dismissed
    assert window.info_bar.texts() == []


def test_a_notice_without_a_file_has_no_show_button(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.show_notice("Discord is not running.")
    [notice] = window.info_bar.notices
    assert notice.show_button is None


def test_the_card_leaves_no_blank_icon_without_an_activity(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop", activity=None),), limit=limits()))
    assert window.card.icon.isHidden()
    assert window.card.activity.full_text == "Activity unknown"
    window.show_dashboard(dashboard((session("shop"),), limit=limits()))
    assert not window.card.icon.isHidden()


def test_the_cards_project_name_comes_first_and_leaves_the_branch_a_part(
    qtbot: QtBot,
) -> None:
    """Narrow: the name keeps more than the branch (it had been "pr…n" beside "on fe…that-");
    wide, with a very long name: the branch still shows a part of itself, not "o…-"."""
    window = make_window(qtbot)
    name = "project-with-a-very-long-name-" * 5
    branch = "feature/branch-with-a-long-name-that-goes-on"
    window.show_dashboard(
        dashboard((session("shop", project=name, git_branch=branch),), limit=limits())
    )
    window.show()
    card = window.card
    for width in (820, 1400):
        window.resize(width, 640)
        qtbot.waitUntil(lambda w=width: window.width() == w)
        QApplication.processEvents()
        assert card.branch.width() >= card.branch.fontMetrics().averageCharWidth() * 20
        assert card.title.width() > card.branch.width()
    window.set_layout_mode(LayoutMode.COMPACT)
    for width in (window.minimumWidth(), 240, 347):
        window.resize(width, window.height())
        QApplication.processEvents()
        assert len(card.title.text()) > len(card.branch.text())
        # A branch cut to "on f…t-" tells nothing: it is left out, and the name takes its room.
        shown = card.branch.text().replace("…", "")
        assert card.branch.isHidden() or len(shown) >= 9
        if card.branch.isHidden():
            assert card.title.maximumWidth() > card.width()
    # Beside a short branch, a name that fits shows whole.
    window.set_layout_mode(LayoutMode.AUTO)
    name = "customer-billing-dashboard-service"
    window.show_dashboard(
        dashboard((session("shop", project=name, git_branch="main"),), limit=limits())
    )
    window.resize(460, 640)
    qtbot.waitUntil(lambda: window.width() == 460)
    QApplication.processEvents()
    assert card.title.text() == name


def test_a_narrow_status_bar_keeps_the_count_whole_and_discord_short(qtbot: QtBot) -> None:
    """At the least width, "3 active sessions" reads whole and Discord says "Discord: off"
    (its reason in the tooltip), instead of "3 active" beside "Discord: off (st…"; with room,
    the whole Discord text shows."""
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("a"), session("b"), session("c")), limit=limits()))
    window.show()
    window.set_discord_status("Discord: off (started with --no-discord)")
    window.resize(160, 700)
    qtbot.waitUntil(lambda: window.width() == window.minimumWidth())
    qtbot.waitUntil(
        lambda: (
            window.discord_status.text() == "Discord: off"
            and window.feed_status.text() == "3 active sessions"
        )
    )
    assert "started with --no-discord" in window.discord_status.toolTip()
    window.resize(700, 700)
    qtbot.waitUntil(
        lambda: (
            window.discord_status.text() == "Discord: off (started with --no-discord)"
            and window.feed_status.text() == "3 active sessions"
        )
    )
    # The usual state without Discord: its part before the comma, then "Discord" alone, and
    # whole wherever every text fits (it had been cut at half the bar with room to spare).
    waiting = "Discord not running, retrying in 20s"
    window.set_discord_status(waiting)
    for width, shown in ((160, "Discord"), (340, "Discord not running"), (420, waiting)):
        window.resize(width, 700)
        qtbot.waitUntil(
            lambda shown=shown: (
                window.discord_status.text() == shown
                and window.feed_status.text() == "3 active sessions"
            )
        )
        assert waiting in window.discord_status.toolTip() or shown == waiting


def test_a_short_discord_status_sits_at_the_status_bars_right_edge(qtbot: QtBot) -> None:
    """In a narrow window, "Discord: off" is drawn against the bar's right edge, as its whole
    text is: its item keeps the room it was given, and the short text had sat in its middle."""
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("a"), session("b"), session("c")), limit=limits()))
    window.show()
    window.set_discord_status("Discord: off (started with --no-discord)")
    window.resize(360, 700)
    label = window.discord_status
    qtbot.waitUntil(lambda: label.text() == "Discord: off")
    text_width = label.fontMetrics().horizontalAdvance(label.text())
    assert label.contentsRect().width() > text_width + 20  # room to sit anywhere in
    assert label.alignment() & Qt.AlignmentFlag.AlignRight
    assert window.problems.alignment() & Qt.AlignmentFlag.AlignRight


def test_the_status_bar_starts_where_the_content_does_when_it_has_room(qtbot: QtBot) -> None:
    """Its text lines up with the window's content, not against its edge; in a window too
    narrow for every text whole, the texts keep that room."""
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("a"), session("b")), limit=limits()))
    window.show()
    window.resize(700, 700)
    qtbot.waitUntil(lambda: window.width() == 700)
    content = window.body_layout.contentsMargins().left()
    left = window.feed_status.mapTo(window, QPoint(0, 0)).x()
    assert abs(left - content) <= 6
    window.resize(160, 700)
    qtbot.waitUntil(lambda: window.width() == window.minimumWidth())
    qtbot.waitUntil(lambda: window.feed_status.text() == "2 active sessions")


def test_a_maximized_window_keeps_the_status_bars_end_off_its_edge(qtbot: QtBot) -> None:
    """Maximized (or full screen), the status bar has no size grip at its end, and Discord's
    text had been drawn against the screen's edge while the count at the other end stood in
    line with the content: it stands as far in as the count then, and back where it was with
    the grip."""
    window = _status_bar_shown(qtbot)
    content = window.body_layout.contentsMargins().left()

    def end_gap() -> int:
        return window.width() - 1 - drawn_span(window.discord_status, window)[1]

    with_grip = end_gap()
    window.showMaximized()
    qtbot.waitUntil(lambda: window.isMaximized())
    QApplication.processEvents()
    assert abs(end_gap() - content) <= 6, end_gap()
    window.showNormal()
    qtbot.waitUntil(lambda: not window.isMaximized() and window.width() == 700)
    QApplication.processEvents()
    assert end_gap() == with_grip


def test_a_lost_connections_narrow_form_is_its_state_before_its_reason(qtbot: QtBot) -> None:
    """A narrow window said the whole reason ("Discord connection lost: Discord closed the
    connection while idle") or "Discord"; the state alone comes between."""
    window = make_window(qtbot)
    window.set_discord_status(
        "Discord connection lost: Discord closed the connection while idle, retrying in 8s"
    )
    assert window.discord_status.shorter == (
        "Discord connection lost: Discord closed the connection while idle",
        "Discord connection lost",
        "Discord",
    )
    window.set_discord_status("Discord: off (started with --no-discord)")
    assert window.discord_status.shorter == ("Discord: off",)


def _status_bar_shown(
    qtbot: QtBot, direction: Qt.LayoutDirection = Qt.LayoutDirection.LeftToRight
) -> MainWindow:
    """A 700x700 window in ``direction`` whose status bar tells two sessions and Discord."""
    window = make_window(qtbot)
    window.setLayoutDirection(direction)
    window.show_dashboard(dashboard((session("a"), session("b")), limit=limits()))
    window.set_discord_status("Discord not running, retrying in 20s")
    window.show()
    window.resize(700, 700)
    qtbot.waitUntil(lambda: window.width() == 700)
    return window


def drawn_span(label: QWidget, window: QWidget) -> tuple[int, int]:
    """The leftmost and rightmost columns ``label`` draws its text in, in ``window``'s
    coordinates (read from its pixels: where Qt puts a label's text is what is checked)."""
    image = label.grab().toImage()
    background = image.pixelColor(0, 0)
    columns = [
        x
        for x in range(image.width())
        if any(image.pixelColor(x, y) != background for y in range(image.height()))
    ]
    assert columns, label
    origin = label.mapTo(window, QPoint(0, 0)).x()
    return origin + columns[0], origin + columns[-1]


def test_the_status_bar_is_mirrored_in_a_right_to_left_window(qtbot: QtBot) -> None:
    """Right to left, the session count stands at the bar's right end, where the content
    starts, and Discord at its left end: both had been drawn at the left, side by side (the
    count's label aligned its English text by the text's direction, and the bar's margin
    stayed on the left)."""
    window = _status_bar_shown(qtbot, Qt.LayoutDirection.RightToLeft)
    content = window.body_layout.contentsMargins().right()
    count = drawn_span(window.feed_status, window)
    discord = drawn_span(window.discord_status, window)
    assert abs(window.width() - 1 - count[1] - content) <= 6, count
    assert discord[0] < window.width() // 4, discord
    assert discord[1] < count[0] - window.width() // 4
    # Narrowed to its short form, Discord keeps to the bar's edge, not the room's middle.
    window.resize(340, 700)
    qtbot.waitUntil(lambda: window.discord_status.text() == "Discord not running")
    label = window.discord_status
    assert label.contentsRect().width() > label.fontMetrics().horizontalAdvance(label.text())
    left, right = (x - label.mapTo(window, QPoint(0, 0)).x() for x in drawn_span(label, window))
    assert left <= 3
    # The keyboard's ring goes round the text where it is drawn.
    ring = label.focus_area()
    assert ring.left() <= left, (ring, left)
    assert right <= ring.right(), (ring, right)


def test_the_status_bar_keeps_its_margin_in_a_large_font(qtbot: QtBot) -> None:
    """At a 14 pt font in the compact window, the session count starts where the content
    does: the bar's spacing had been reckoned in characters, which grow with the font, and
    with room to spare the count had been drawn against the window's edge."""
    window = make_window(qtbot)
    large = QFont(window.font())
    large.setPointSizeF(14)
    window.setFont(large)
    window.set_layout_mode(LayoutMode.COMPACT)
    window.show_dashboard(dashboard((session("a"), session("b"), session("c")), limit=limits()))
    window.show()
    window.resize(340, 500)
    qtbot.waitUntil(lambda: window.width() == 340)
    assert window.feed_status.text() == "3 active sessions"
    assert window.discord_status.text() == "Discord: off"
    content = window.body_layout.contentsMargins().left()
    left = drawn_span(window.feed_status, window)[0]
    assert abs(left - content) <= 6, (left, content)


def test_the_status_bar_cuts_the_count_last_after_a_jump_in_width(qtbot: QtBot) -> None:
    """Widened at once (the window maximized, snapped to half the screen), the session count
    is cut only after Discord and the problems are at their short forms, and the bar keeps no
    margin then. The bar's spacing had been read from its layout's size before that layout
    had taken in the items' new widths: at 620 px the count read "3 active" beside "⚠ 1
    problem reading logs" and "Discord: not running", indented."""
    window = make_window(qtbot)
    large = QFont(window.font())
    large.setPointSizeF(14)
    window.setFont(large)
    window.set_layout_mode(LayoutMode.COMPACT)
    problem = Problem(ProblemKind.MALFORMED_LINES, "a line that could not be read")
    three = (session("a"), session("b"), session("c"))
    window.show_dashboard(dashboard(three, limit=limits(), warnings=(problem,)))
    window.set_discord_status("Discord: not running")
    window.show()
    qtbot.waitExposed(window)
    least = window.minimumSize().width()  # (the hint may be a hidden page's, wider)
    ends = (window.problems, window.discord_status)
    for width in range(least + 10, least + 400, 10):
        for step in (least, width):
            window.resize(step, window.height())
            qtbot.waitUntil(lambda step=step: window.width() == step)
            settle()
        if window.feed_status.text() == window.feed_status.full_text:
            continue
        assert not any(item.text() == item.full_text for item in ends), width
        margins = window.statusBar().contentsMargins()
        assert (margins.left(), margins.right()) == (0, 0), width


def test_menus_and_buttons_read_as_written_in_a_right_to_left_window(qtbot: QtBot) -> None:
    """Right to left, the menus' items and the buttons read as written: "Settings…",
    "Problems reading logs…", "Export CSV…" and "Choose Codex folder…" had been drawn with
    their "…" first (a menu or a button lays its text out in its own direction)."""
    from codex_presence_gui.core.presence import TOMORROW_HOUR
    from codex_presence_gui.ui.labels import LEFT_TO_RIGHT_MARK
    from tests.helpers.bidi import reading_order

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # as ``-reverse`` does
    try:
        window = make_window(qtbot)
        window.show()
        drawn = _drawn_texts(window)
    finally:
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    written = set()
    for text, widget, direction in drawn:
        assert direction == Qt.LayoutDirection.RightToLeft, text
        text = text.replace("&", "")
        as_written = text.replace(LEFT_TO_RIGHT_MARK, "")
        shown = reading_order(text, widget.font(), direction)
        assert shown == as_written, (shown, as_written)
        written.add(as_written)
    assert {
        "Settings…",
        "Problems reading logs…",
        "Export CSV…",
        "Choose Codex folder…",
        f"Until tomorrow morning ({TOMORROW_HOUR:02d}:00)",
    } <= written


def _drawn_texts(window: MainWindow) -> list[tuple[str, QWidget, Qt.LayoutDirection]]:
    """The texts of ``window``'s menus' items and of its buttons, each with the widget that
    draws it and that widget's direction."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu, QPushButton

    drawn: list[tuple[str, QWidget, Qt.LayoutDirection]] = []
    menus = [action.menu() for action in window.menuBar().actions()]
    while menus:
        menu = menus.pop()
        assert isinstance(menu, QMenu)
        for action in menu.actions():
            assert isinstance(action, QAction)
            if action.menu() is not None:
                menus.append(action.menu())
            elif not action.isSeparator():
                drawn.append((action.text().split("\t")[0], menu, menu.layoutDirection()))
    for button in window.findChildren(QPushButton):
        drawn.append((button.text(), button, button.layoutDirection()))
    return drawn


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Show ``window`` and wait until it is the active one."""
    if window.parent() is None:
        qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_a_row_picked_in_the_table_shows_in_the_card_until_it_is_left(qtbot: QtBot) -> None:
    """A row the user picks (a left click, or the keys) shows its session in the card (the
    highlighted row had looked current beside the card's own); Esc, leaving the window for
    another, or the session leaving the list bring the active one back. The current row
    moving by itself (focus coming in, rows going) or a right click picks nothing."""
    from PySide6.QtCore import QEvent as QtEvent
    from PySide6.QtGui import QFocusEvent

    window = make_window(qtbot)
    three = (session("shop", age=5), session("docs", age=60), session("api", age=120))
    board = dashboard(three, limit=limits())
    window.show_dashboard(board)
    window.show()
    qtbot.waitExposed(window)
    table = window.table
    assert window.card.title.text() == "shop"

    def pick(name: str) -> None:
        rows = range(window.proxy.rowCount())
        row = next(r for r in rows if window.proxy.index(r, 0).data(SessionRole).project == name)
        rect = table.visualRect(window.proxy.index(row, 0))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    rows = range(window.proxy.rowCount())
    docs = next(r for r in rows if window.proxy.index(r, 0).data(SessionRole).project == "docs")
    right = table.visualRect(window.proxy.index(docs, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.RightButton, pos=right)
    assert window.card.title.text() == "shop"
    # Focus coming in (Tab) makes a row current without a pick.
    table.sortByColumn(Column.PROJECT, Qt.SortOrder.AscendingOrder)  # api, docs, shop
    QApplication.sendEvent(table, QFocusEvent(QtEvent.Type.FocusIn, Qt.FocusReason.TabFocusReason))
    assert window.card.title.text() == "shop"
    pick("docs")
    assert window.card.title.text() == "docs"
    window.show_dashboard(board)  # a refresh keeps the pick
    assert window.card.title.text() == "docs"
    qtbot.keyClick(table, Qt.Key.Key_Up)  # the keys pick too
    assert window.card.title.text() == "api"
    qtbot.keyClick(table, Qt.Key.Key_Escape)
    assert window.card.title.text() == "shop"
    assert not table.selectionModel().hasSelection()
    # The keyboard's place is the active session's row: the next key moves on from it (the
    # first had picked the active session, which the card showed already).
    assert table.currentIndex().data(SessionRole).project == "shop"
    qtbot.keyClick(table, Qt.Key.Key_Up)  # api, docs, shop: up from shop
    assert window.card.title.text() == "docs"
    qtbot.keyClick(table, Qt.Key.Key_Escape)
    pick("shop")  # the active session's row is a pick too: the highlight is the card's
    assert window.card.title.text() == "shop"
    # It leaves the list: no highlight left on the row that took its place.
    window.show_dashboard(dashboard(three[1:], limit=limits()))
    assert window.card.title.text() == "docs"
    assert not table.selectionModel().hasSelection()
    window.show_dashboard(board)
    pick("api")
    assert window.card.title.text() == "api"
    # The picked session leaves the list (the last row): no crash, the active session, and
    # no highlight left on the row that took its place.
    window.show_dashboard(dashboard(three[:2], limit=limits()))
    assert window.card.title.text() == "shop"
    assert not table.selectionModel().hasSelection()
    window.show_dashboard(board)
    pick("docs")
    assert window.card.title.text() == "docs"
    activate(qtbot, QWidget())  # another window
    assert window.card.title.text() == "shop"
    assert not table.selectionModel().hasSelection()
    assert table.currentIndex().data(SessionRole).project == "shop"


def test_a_pick_ends_with_its_highlight_and_outlives_the_windows_own_dialogs(
    qtbot: QtBot,
) -> None:
    """Ctrl+click on the picked row takes its highlight off, and the card goes back to the
    active session with it (it had kept the pick with no row highlighted); a dialog of the
    window's own (Settings) taking the focus keeps the pick, and another window after it
    does not."""
    from PySide6.QtWidgets import QDialog

    window = make_window(qtbot)
    three = (session("shop", age=5), session("docs", age=60), session("api", age=120))
    window.show_dashboard(dashboard(three, limit=limits()))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    table = window.table
    rows = range(window.proxy.rowCount())
    docs = next(r for r in rows if window.proxy.index(r, 0).data(SessionRole).project == "docs")
    where = table.visualRect(window.proxy.index(docs, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert window.card.title.text() == "docs"
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, where
    )
    assert not table.selectionModel().hasSelection()
    assert window.card.title.text() == "shop"

    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert window.card.title.text() == "docs"
    activate(qtbot, QDialog(window))  # the window's own
    assert window.card.title.text() == "docs"
    activate(qtbot, QWidget())  # another window
    assert window.card.title.text() == "shop"


def pick_row(qtbot: QtBot, window: MainWindow, project: str) -> None:
    """Click the sessions table's row of ``project``, as the user picks it."""
    rows = range(window.proxy.rowCount())
    row = next(r for r in rows if window.proxy.index(r, 0).data(SessionRole).project == project)
    where = window.table.visualRect(window.proxy.index(row, 0)).center()
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert window.card.title.text() == project
    assert window.card.accessibleName().startswith(f"Selected session {project}")


def shows_the_active_session(window: MainWindow, project: str = "shop") -> None:
    """The card is the active session's again, told as such, and no row is picked."""
    assert window.card.title.text() == project
    assert window.card.accessibleName().startswith(f"Active session {project}")
    assert not window.table.selectionModel().hasSelection()


def test_a_pick_ends_when_the_compact_layout_leaves_the_table_out(qtbot: QtBot) -> None:
    """Ctrl+2 hides the sessions table: a row picked in it ends as with Esc, and the card
    shows the active session again (it had kept the pick, told "Selected", with no row to
    see it in nor to leave it from). The keyboard, on the table, goes to the first limit."""
    window = make_window(qtbot)
    three = (session("shop", age=5), session("docs", age=60), session("api", age=120))
    window.show_dashboard(dashboard(three, limit=limits()))
    window.resize(820, 640)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert not window.compact
    pick_row(qtbot, window, "docs")
    assert QApplication.focusWidget() is window.table
    qtbot.keyClick(window.table, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.compact
    assert not window.table.isVisible()
    shows_the_active_session(window)
    assert QApplication.focusWidget() is window.limits.bars[0]
    # The full layout back: the table shows the active session, nothing picked.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.table.isVisible()
    shows_the_active_session(window)


def test_a_pick_ends_when_a_window_made_small_leaves_the_table_out(qtbot: QtBot) -> None:
    """Made compact by its size, too short for the table (or with the table left out as it
    would list only the card's one session), the window ends a pick as Ctrl+2 does; compact
    with the table under the card, the pick stays."""
    window = make_window(qtbot)
    three = (session("shop", age=5), session("docs", age=60), session("api", age=120))
    window.show_dashboard(dashboard(three, limit=limits()))
    window.show()
    window.resize(900, 700)
    qtbot.waitUntil(lambda: not window.compact)
    pick_row(qtbot, window, "docs")
    window.resize(330, 600)  # compact, with the table: still there to see the pick in
    qtbot.waitUntil(lambda: window.compact and window.table.isVisible())
    assert window.card.title.text() == "docs"
    window.resize(330, 300)  # too short for it
    qtbot.waitUntil(lambda: not window.table.isVisible())
    shows_the_active_session(window)

    # One session: the compact window leaves out a table that would repeat the card, and its
    # row picked in the full layout ends with it (the card had gone on saying "Selected").
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop", age=5),), limit=limits()))
    window.show()
    window.resize(900, 700)
    qtbot.waitUntil(lambda: not window.compact)
    pick_row(qtbot, window, "shop")
    window.resize(330, 600)
    qtbot.waitUntil(lambda: window.compact)
    assert not window.table.isVisible()
    shows_the_active_session(window)


def test_picking_a_session_with_a_shorter_card_leaves_the_table_where_it_was(
    qtbot: QtBot,
) -> None:
    """The card of a picked session may need a line less: it keeps its height while rows
    are picked, so that the table does not move up under the pointer (the next click had
    landed on another row); the pick's end lets it go."""
    window = make_window(qtbot)
    long_model = "gpt-5.3-codex-" + "preview-" * 6
    three = (
        session("shop", age=5, model=long_model),
        session("docs", age=60),
        session("api", age=120, model=long_model),
    )
    window.show_dashboard(dashboard(three, limit=limits()))
    window.show()
    window.resize(300, 760)
    qtbot.waitUntil(lambda: window.width() == 300 and window.table.isVisible())
    QApplication.processEvents()  # the layouts settled at this size
    table = window.table
    tall = window.card.height()
    top = table.mapTo(window, QPoint(0, 0)).y()
    rows = range(window.proxy.rowCount())
    docs = next(r for r in rows if window.proxy.index(r, 0).data(SessionRole).project == "docs")
    where = table.visualRect(window.proxy.index(docs, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert window.card.title.text() == "docs"
    assert window.card.sizeHint().height() < tall  # its own needs are less
    QApplication.processEvents()
    assert table.mapTo(window, QPoint(0, 0)).y() == top
    assert window.card.height() == tall
    qtbot.keyClick(table, Qt.Key.Key_Escape)
    assert window.card.title.text() == "shop"
    assert window.card.minimumHeight() == 0


def compact_with_table(qtbot: QtBot) -> tuple[MainWindow, tuple[CodexSessionSnapshot, ...]]:
    """A window of three sessions, compact by its size (330x600) with the sessions table."""
    window = make_window(qtbot)
    three = (session("shop", age=5), session("docs", age=60), session("api", age=120))
    window.show_dashboard(dashboard(three, limit=limits()))
    window.show()
    window.resize(330, 600)
    qtbot.waitUntil(lambda: window.compact and window.table.isVisible())
    QApplication.processEvents()
    return window, three


def test_a_window_made_small_behind_the_usage_page_shows_the_table_it_has_room_for(
    qtbot: QtBot,
) -> None:
    """Back from the Usage page (Ctrl+U, then Ctrl+L) to a window compact by its size, the
    sessions table shows where it showed before: decided behind the page, the table still
    had the full layout's two-line header, no row had seemed to fit, and a blank band of
    several rows stood under the card."""
    window, _ = compact_with_table(qtbot)
    spacing = window.body_layout.spacing()
    least = window.table.height_for_rows(COMPACT_LEAST_ROWS) + spacing
    just_room = window.needed_size(True, 330).height() + least
    window.resize(820, 580)
    qtbot.waitUntil(lambda: not window.compact)
    window.set_page(USAGE_PAGE)
    QApplication.processEvents()
    window.resize(330, just_room)  # as a window manager does it, before the page changes
    QApplication.processEvents()
    window.set_page(LIVE_PAGE)
    QApplication.processEvents()
    assert window.compact
    assert window.table.isVisible()


def test_a_narrow_card_shortens_its_activity_at_its_ends_not_in_its_middle(
    qtbot: QtBot,
) -> None:
    """As narrow as the window goes, the card's activity drops the other calls, then how
    long the call has been quiet, before it cuts the verb's target: never "Editing
    inde…ore) · 2 min"."""
    from codex_presence_gui.core.models import Activity, ActivityKind

    window = make_window(qtbot)
    editing = Activity(ActivityKind.EDITING, "index.md")
    busy = session("docs", age=130, pending_calls=2, activity=editing)
    window.show_dashboard(dashboard((busy,), limit=limits()))
    window.show()
    window.resize(window.minimumWidth(), 700)
    qtbot.waitUntil(lambda: window.width() == window.minimumWidth())
    assert window.card.activity.full_text == "Editing index.md (+1 more) · 2m"
    assert window.card.activity.text() == window.card.activity.shown_in(
        window.card.activity.width()
    )
    assert window.card.activity.text() in ("Editing index.md · 2m", "Editing index.md")


def test_the_compact_table_s_columns_fill_it_after_a_resize_in_height(qtbot: QtBot) -> None:
    """Made taller, the compact window's table keeps its columns across its whole width
    (fitted again for a width the table did not have, they had stopped a scroll bar short
    of its edge)."""
    window, three = compact_with_table(qtbot)
    window.resize(330, 640)
    QApplication.processEvents()
    window.show_dashboard(dashboard(three, limit=limits()))  # a refresh, the same rows
    QApplication.processEvents()
    table = window.table
    header = table.horizontalHeader()
    shown = sum(header.sectionSize(c) for c in Column if not table.isColumnHidden(c))
    assert shown == table.viewport().width()


def test_with_nothing_picked_the_keyboard_follows_the_active_session(qtbot: QtBot) -> None:
    """Tabbed into the table, the keyboard's place moves with the active session: it had
    stayed on the row that was active before, and the next arrow key started from there.
    Nothing is picked by it (no highlight, the card the active session's)."""
    from PySide6.QtCore import QEvent as QtEvent
    from PySide6.QtGui import QFocusEvent

    window = make_window(qtbot)
    shop, docs, api = session("shop", age=5), session("docs", age=60), session("api", age=120)
    window.show_dashboard(dashboard((shop, docs, api), limit=limits()))
    window.show()
    qtbot.waitExposed(window)
    table = window.table
    QApplication.sendEvent(table, QFocusEvent(QtEvent.Type.FocusIn, Qt.FocusReason.TabFocusReason))
    if not table.currentIndex().isValid():  # Qt makes a row current as the focus comes in
        table.selectionModel().setCurrentIndex(
            window.proxy.index(0, 0), QItemSelectionModel.SelectionFlag.NoUpdate
        )
    docs_now = docs._replace(recency=NOW, last_activity_at=NOW)
    window.show_dashboard(dashboard((docs_now, shop, api), limit=limits()))
    assert table.currentIndex().data(SessionRole).session_id == "docs"
    assert not table.selectionModel().hasSelection()
    assert window.card.title.text() == "docs"


def test_settings_have_a_key_everywhere(qtbot: QtBot) -> None:
    """Settings… answers the desktop's own key for it, and Ctrl+, where the desktop has none
    (on X11 it had no key at all)."""
    from PySide6.QtGui import QKeySequence

    window = make_window(qtbot)
    keys = window.settings_action.shortcuts()
    assert keys
    own = QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
    assert keys == (own or [QKeySequence("Ctrl+,")])


def test_quit_has_a_key_on_every_desktop(qtbot: QtBot) -> None:
    """File → Quit shows its key, Ctrl+Q where the desktop has none of its own (Windows, a
    bare X11): it had none there, though the README promises Ctrl+Q."""
    from PySide6.QtGui import QKeySequence

    window = make_window(qtbot)
    keys = window.quit_action.shortcuts()
    assert keys
    own = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)
    assert keys == (own or [QKeySequence("Ctrl+Q")])


def test_closing_hides_to_the_tray_only_while_there_is_one(qtbot: QtBot) -> None:
    """With the tray gone (its panel restarted or removed), closing had hidden the window
    where nothing could bring it back but starting the app again: it now closes."""
    from PySide6.QtGui import QCloseEvent

    window = make_window(qtbot)
    window.close_to_tray = True
    window.tray_shown = lambda: True
    to_tray = QCloseEvent()
    window.closeEvent(to_tray)
    assert not to_tray.isAccepted()  # hidden to the tray
    window.tray_shown = lambda: False
    closing = QCloseEvent()
    window.closeEvent(closing)
    assert closing.isAccepted()


def compact_window_shown(qtbot: QtBot) -> MainWindow:
    """A session and both windows' limits, in the compact layout at 340 pixels, shown."""
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop"),), limit=limits()))
    window.set_layout_mode(LayoutMode.COMPACT)
    window.resize(340, 400)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_notice_given_while_the_window_shows_gets_its_room(qtbot: QtBot) -> None:
    """The compact window is as tall as its contents: a second notice given while it shows
    must grow it (the new notice was measured while still hidden, which Qt shows only
    later, so the limits and the card were squeezed into each other)."""
    from codex_presence_gui.ui.layout_check import check_layout

    window = compact_window_shown(qtbot)
    text = "Codex: 10% or less of your 5h limit left: 9% of it is left, 91% used. Resets 18:00."
    heights = []
    for key in ("first", "second", "third"):
        window.show_notice(text, key=key)
        heights.append(window.height())

        def laid_out() -> None:
            assert all(notice.isVisible() for notice in window.info_bar.notices)
            assert window.height() == window.needed_size(True, window.width()).height()
            assert check_layout(window) == []

        qtbot.waitUntil(laid_out, timeout=2000)
    assert heights[0] < heights[1] < heights[2]


def test_a_dismissed_notice_gives_its_room_back(qtbot: QtBot) -> None:
    """The compact window chosen from the menu is as tall as its contents: a notice closed
    with its ✕ shrinks it again (it had kept the notice's height as a blank band over the
    status bar until something else changed), and the automatic layout may be made as
    short again as before the notice."""
    from codex_presence_gui.ui.layout_check import check_layout

    window = compact_window_shown(qtbot)
    qtbot.waitUntil(lambda: window.height() == window.needed_size(True, 340).height())
    without = window.height()
    text = "Codex: 10% or less of your 5h limit left: 9% of it is left, 91% used. Resets 18:00."
    window.show_notice(text, key="5h")
    qtbot.waitUntil(lambda: window.height() > without, timeout=2000)
    window.info_bar.notices[0].close_button.click()
    assert window.info_bar.notices == []

    def laid_out() -> None:
        assert window.height() == without
        assert window.maximumHeight() == without
        assert check_layout(window) == []

    qtbot.waitUntil(laid_out, timeout=2000)
    window.set_layout_mode(LayoutMode.AUTO)
    window.show_notice(text, key="5h")
    with_notice = window.minimumHeight()
    window.info_bar.notices[0].close_button.click()
    assert window.minimumHeight() < with_notice


def test_a_limit_appearing_while_the_window_shows_gets_its_room(qtbot: QtBot) -> None:
    """The weekly window appears in a reading while the compact window shows: the window
    grows to hold its row (the new row was measured while still hidden, and the window stayed
    too short, the card squeezed, until something else changed)."""
    from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
    from codex_presence_gui.ui.layout_check import check_layout

    window = make_window(qtbot)
    five = LimitSnapshot("codex", None, "plus", NOW - 40, (UsageWindow(300, 30.0, NOW + 7000),))
    window.show_dashboard(dashboard((session("shop"),), limit=five))
    window.set_layout_mode(LayoutMode.COMPACT)
    window.resize(340, 400)
    window.show()
    qtbot.waitExposed(window)
    before = window.height()
    window.show_dashboard(dashboard((session("shop"),), limit=limits()))

    def laid_out() -> None:
        assert window.height() == window.needed_size(True, window.width()).height()
        assert check_layout(window) == []

    qtbot.waitUntil(laid_out, timeout=2000)
    assert window.height() > before


class _Screen:
    """A screen of the given room, for a window asking where it is."""

    def __init__(self, width: int, height: int) -> None:
        self.room = QRect(0, 0, width, height)

    def availableGeometry(self) -> QRect:
        return self.room


def _fake_screen(
    monkeypatch: pytest.MonkeyPatch, width: int, height: int, frame: QMargins | None = None
) -> tuple[_Screen, QMargins]:
    """Every window on a screen of ``width`` x ``height``, its window manager's frame
    ``frame`` (openbox's, by default)."""
    screen = _Screen(width, height)
    frame = QMargins(1, 20, 1, 5) if frame is None else frame
    monkeypatch.setattr(MainWindow, "screen", lambda self: screen)
    monkeypatch.setattr(MainWindow, "_frame_margins", lambda self: frame)
    return screen, frame


@pytest.mark.parametrize(("width", "height"), [(800, 480), (960, 540), (853, 533)])
def test_a_first_window_fits_a_small_screen(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, width: int, height: int
) -> None:
    """With nothing saved, the window had opened at 820x580 whatever the screen: on 800x480,
    1920x1080 at a scale factor of 2 (960x540) or 1280x800 at 1.5 (853x533), its right side
    or its status bar was off the screen. It opens smaller there, with room left for the
    window manager's frame."""
    monkeypatch.setattr(MainWindow, "screen", lambda self: _Screen(width, height))
    window = MainWindow()
    qtbot.addWidget(window)
    room = QSize(width, height).shrunkBy(FRAME_ROOM)
    assert window.width() <= room.width()
    assert window.height() <= room.height()
    assert window.width() >= min(room.width(), main_window.DEFAULT_SIZE[0])
    assert window.height() >= min(room.height(), main_window.DEFAULT_SIZE[1])


@pytest.mark.parametrize("mode", [LayoutMode.AUTO, LayoutMode.FULL])
def test_a_first_window_takes_the_room_its_real_frame_leaves(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mode: LayoutMode
) -> None:
    """Before the window manager frames it, the window keeps 48 px for the frame; openbox's is
    25. On 800x480 the first window had stayed 23 px shorter (and 14 px narrower) than the
    screen holds, and a chosen full layout's least height too: its live page scrolled where
    it fits. Once framed, both take the room the real frame leaves."""
    from codex_presence_gui.ui.layout_check import check_layout

    screen = _Screen(800, 480)
    openbox = QMargins(1, 20, 1, 5)
    framed = [QMargins()]  # none until the window manager has framed the window
    monkeypatch.setattr(MainWindow, "screen", lambda self: screen)
    monkeypatch.setattr(MainWindow, "_frame_margins", lambda self: framed[0])
    from tests.helpers.layout_matrix_run import _window_for
    from tests.helpers.layout_states import write_state

    state = WindowState(tmp_path / "ui.ini")
    state.layout_mode = mode
    window = _window_for(write_state("fresh", tmp_path / "home"), state)
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    guessed = screen.room.size().shrunkBy(FRAME_ROOM)
    assert window.size() == guessed
    window.show()
    qtbot.waitExposed(window)
    room = screen.room.size().shrunkBy(openbox)
    framed[0] = openbox
    window.move(1, 43)  # where openbox puts it, inside its frame

    def fits() -> None:
        assert window.size() == room
        _on_screen(window, screen, openbox)
        assert check_layout(window) == []

    qtbot.waitUntil(fits)
    if mode is LayoutMode.FULL:
        assert window.minimumHeight() == room.height()
        assert not window.live_page.verticalScrollBar().isVisible()


@pytest.mark.parametrize("mode", [LayoutMode.AUTO, LayoutMode.FULL])
def test_a_window_shown_without_a_frame_keeps_no_room_for_one(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mode: LayoutMode
) -> None:
    """A window manager that draws no frame: the first window kept 48 px of an 800x480
    screen for one, and so did a chosen full layout's least height (its page scrolled
    where it fits). Shown unframed, the window takes the screen's whole room."""
    from codex_presence_gui.ui.layout_check import check_layout
    from tests.helpers.layout_matrix_run import _window_for
    from tests.helpers.layout_states import write_state

    screen = _Screen(800, 480)
    monkeypatch.setattr(MainWindow, "screen", lambda self: screen)
    state = WindowState(tmp_path / "ui.ini")
    state.layout_mode = mode
    window = _window_for(write_state("fresh", tmp_path / "home"), state)
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.size() == screen.room.size().shrunkBy(FRAME_ROOM)  # a frame not known yet
    # Offscreen frames a window with 2 px, as a window manager would, unless told not to.
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    with qtbot.waitExposed(window):
        window.show()

    def fits() -> None:
        assert window.frame_room() == QMargins()
        assert window.size() == screen.room.size()
        assert check_layout(window) == []

    qtbot.waitUntil(fits)
    if mode is LayoutMode.FULL:
        needed = window.needed_size(False, window.width()).height()
        assert screen.room.height() - FRAME_ROOM.top() - FRAME_ROOM.bottom() < needed
        assert window.minimumHeight() == needed
        assert not window.live_page.verticalScrollBar().isVisible()


def test_a_window_seen_unframed_before_its_frame_is_told_fits_the_frame_then(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exposed before the window manager tells its frame (X11 may), the window is taken as
    unframed and grows to the whole screen; the frame told, it fits the screen with it, as
    a first window does (it would have kept the whole screen, its foot below the edge)."""
    screen = _Screen(800, 480)
    openbox = QMargins(1, 20, 1, 5)
    framed = [QMargins()]
    monkeypatch.setattr(MainWindow, "screen", lambda self: screen)
    monkeypatch.setattr(MainWindow, "_frame_margins", lambda self: framed[0])
    monkeypatch.setattr(main_window, "shown_unframed", lambda window: framed[0].isNull())
    window = make_window(qtbot)
    with qtbot.waitExposed(window):
        window.show()
    qtbot.waitUntil(lambda: window.size() == screen.room.size())
    framed[0] = openbox
    window.move(1, 20)  # where openbox puts it, inside its frame
    qtbot.waitUntil(lambda: window.size() == screen.room.size().shrunkBy(openbox))


def test_a_window_saved_without_a_frame_keeps_no_room_for_one_before_it_shows(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Saved as shown with no frame (``frame=none``), the window put back fits its screen
    with none; a chosen full layout's least height had still kept 48 px for one."""
    screen = _Screen(800, 480)
    monkeypatch.setattr(MainWindow, "screen", lambda self: screen)
    path = tmp_path / "ui.ini"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    first = MainWindow()
    qtbot.addWidget(first)
    first.setGeometry(QRect(0, 0, 800, 480))
    settings.setValue("window/geometry", first.saveGeometry())
    settings.setValue("window/frame", "none")
    settings.setValue("window/layout", LayoutMode.FULL.value)
    settings.sync()
    window = MainWindow(WindowState(path))
    qtbot.addWidget(window)
    window.show_dashboard(dashboard((session("shop"), session("api")), limit=limits()))
    window.show_notice("Codex: 10% or less of your 5h limit left.", key="5h")
    assert window.needed_size(False, window.width()).height() > screen.room.height()
    assert window.frame_room() == QMargins()
    assert window.minimumHeight() == screen.room.height()
    assert window.size() == screen.room.size()


def test_a_first_window_resized_before_it_is_framed_keeps_its_size(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user sized the window before the window manager framed it: the size is theirs,
    not one fitted to the screen with the real frame."""
    screen = _Screen(800, 480)
    framed = [QMargins()]
    monkeypatch.setattr(MainWindow, "screen", lambda self: screen)
    monkeypatch.setattr(MainWindow, "_frame_margins", lambda self: framed[0])
    window = make_window(qtbot)
    window.show()
    window.resize(600, 400)
    qtbot.waitUntil(lambda: window.size() == QSize(600, 400))
    framed[0] = QMargins(1, 20, 1, 5)
    window.move(1, 43)
    qtbot.waitUntil(lambda: window.pos() == QPoint(1, 43))
    assert window.size() == QSize(600, 400)


def test_a_first_window_keeps_its_size_when_its_frame_is_bogus(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frame over ``MOST_FRAME`` tall, as a confused window manager may tell, is no frame:
    the first window keeps the size it opened at with ``FRAME_ROOM``, as a restored one
    does with such a saved frame. It had been shrunk to fit the screen with it."""
    screen = _Screen(800, 480)
    monkeypatch.setattr(MainWindow, "screen", lambda self: screen)
    window = make_window(qtbot)
    opened = window.size()
    assert opened == screen.room.size().shrunkBy(FRAME_ROOM)
    bogus = QMargins(1, MOST_FRAME + 1, 1, 5)
    monkeypatch.setattr(
        MainWindow, "frameGeometry", lambda self: self.geometry().marginsAdded(bogus)
    )
    window.show()
    qtbot.waitExposed(window)
    window.move(1, MOST_FRAME + 1)
    qtbot.waitUntil(lambda: window.pos() == QPoint(1, MOST_FRAME + 1))
    assert window.frame_room() == FRAME_ROOM
    assert window.size() == opened


def test_a_first_window_on_a_roomy_screen_has_the_default_size(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(MainWindow, "screen", lambda self: _Screen(1920, 1080))
    window = MainWindow()
    qtbot.addWidget(window)
    assert (window.width(), window.height()) == main_window.DEFAULT_SIZE


def test_the_usage_page_grows_a_compact_window_within_a_small_screen(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On 800x480, a compact window grown for the Usage page had been given the whole
    screen's room without its frame: its title bar's height of it, the status bar, was
    below the screen's edge. It grows as far as the screen has room for it with its frame."""
    screen, frame = _fake_screen(monkeypatch, 800, 480, QMargins(1, 24, 1, 5))
    window = MainWindow()
    qtbot.addWidget(window)
    window.set_layout_mode(LayoutMode.COMPACT)
    window.show()
    window.resize(340, 300)
    qtbot.waitUntil(lambda: window.compact and window.width() == 340)
    window.usage_action.trigger()
    qtbot.waitUntil(lambda: not window.compact)
    grown = window.size().grownBy(frame)
    assert grown.width() <= screen.room.width()
    assert grown.height() <= screen.room.height()


@pytest.mark.parametrize("mode", [LayoutMode.FULL, LayoutMode.AUTO])
def test_the_usage_page_fits_a_small_screen_with_its_frame(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, mode: LayoutMode
) -> None:
    """On 800x480 with openbox's frame, the full layout had needed the live view's height on
    the Usage page too (467 px and more), which scrolls: its status bar ended below the
    screen's edge. The page fits the screen's room, whole, in a full layout chosen or
    automatic; automatic, the live view goes compact there and Ctrl+U brings the page back
    at that size."""
    from codex_presence_gui.ui.layout_check import check_layout
    from tests.unit.ui.test_usage_view import full_view

    screen, frame = _fake_screen(monkeypatch, 800, 480)
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop"), session("api")), limit=limits()))
    window.show_usage(full_view())
    window.show_notice("Codex: 10% or less of your 5h limit left.", key="5h")
    window.set_layout_mode(mode)
    room = screen.room.size().shrunkBy(frame)
    assert window.needed_size(False, room.width()).height() > room.height()  # the live view's
    window.set_page(USAGE_PAGE)
    window.show()
    window.resize(room)

    def page_fits() -> None:
        assert window.size() == room
        assert not window.compact
        assert window.usage_page.isVisible()
        assert check_layout(window) == []

    qtbot.waitUntil(page_fits)
    if mode is LayoutMode.AUTO:
        window.live_action.trigger()
        qtbot.waitUntil(lambda: window.compact)
        window.usage_action.trigger()
        qtbot.waitUntil(page_fits)


def _fresh_window(qtbot: QtBot, tmp_path: Path, state: str = "fresh") -> MainWindow:
    """The window on the layout matrix's ``fresh`` state (or ``state``): its live view needs
    506 px in height at its least width (347 px), 467 px from 500 px wide."""
    from tests.helpers.layout_matrix_run import _window_for
    from tests.helpers.layout_states import write_state

    window = _window_for(write_state(state, tmp_path / state))
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    return window


def _on_screen(window: MainWindow, screen: _Screen, frame: QMargins) -> None:
    """All of the window, frame and status bar included, is on ``screen``."""
    outer = QRect(window.frameGeometry().topLeft(), window.size().grownBy(frame))
    assert screen.room.contains(outer), (outer, screen.room)
    bar = window.statusBar()
    assert bar.isVisible()
    assert bar.mapTo(window, QPoint(0, bar.height())).y() <= window.height()


@pytest.mark.parametrize(
    ("width", "height"),
    # 800x480; 1920x1080 at a scale factor of 2, less a 30 px panel.
    [(800, 480), (960, 510)],
)
def test_a_chosen_full_layout_fits_a_small_screen_with_its_frame(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, width: int, height: int
) -> None:
    """The full layout chosen had kept its least height at its least width (506 px here)
    whatever the window's width, and the live view needed more than the screen even where
    wider: its status bar ended below the screen's edge, and Ctrl+L from a short Usage
    window grew the window off the screen. Its least height is the one at the window's
    width, never taller than the screen with the frame: the live page scrolls below that,
    by a line or more, never clipped; a few pixels short, its margins and gaps give them up
    instead."""
    from codex_presence_gui.ui.layout_check import check_layout

    screen, frame = _fake_screen(monkeypatch, width, height)
    window = _fresh_window(qtbot, tmp_path)
    window.set_layout_mode(LayoutMode.FULL)
    room = screen.room.size().shrunkBy(frame)
    window.show()
    window.move(0, 0)  # its frame at the top left (offscreen, the frame is not drawn)
    window.resize(room)
    # As wide as the screen, 467 px: 485 px hold them; 455 px lack 12, given up.
    wide = min(window.needed_size(False, room.width()).height(), room.height())

    def fits(size: QSize, scrolls: bool) -> None:
        assert window.size() == size
        assert window.minimumHeight() <= room.height()
        _on_screen(window, screen, frame)
        assert check_layout(window) == []
        assert window.live_page.isVisible()
        assert window.live_page.verticalScrollBar().isVisible() == scrolls

    qtbot.waitUntil(lambda: fits(room, scrolls=False))
    assert window.minimumHeight() == wide
    # At its least width it needs more than the screen holds: the page scrolls.
    window.resize(window.minimumSize())
    qtbot.waitUntil(lambda: fits(window.minimumSize(), scrolls=True))
    assert window.height() == room.height()
    assert window.width() < 400
    # Ctrl+U, made short there, then Ctrl+L: the window grows as far as the screen holds it,
    # on it, and Ctrl+U and Ctrl+L go on at that size.
    window.resize(room)
    window.usage_action.trigger()
    window.resize(room.width(), 300)
    window.move(0, 150)
    qtbot.waitUntil(lambda: window.usage_page.isVisible() and window.height() == 300)
    assert check_layout(window) == []
    window.live_action.trigger()
    qtbot.waitUntil(lambda: fits(QSize(room.width(), wide), scrolls=False))
    window.usage_action.trigger()
    qtbot.waitUntil(lambda: window.usage_page.isVisible())
    assert window.height() == wide
    assert check_layout(window) == []
    _on_screen(window, screen, frame)
    # A notice makes the live view taller still: the page scrolls, by a line or more.
    window.live_action.trigger()
    window.show_notice("Codex: 10% or less of your 5h limit left.", key="5h")
    qtbot.waitUntil(lambda: fits(QSize(room.width(), room.height()), scrolls=True))


@pytest.mark.parametrize("state", ["long-names", "sessions-2-extra-bucket", "usage-extremes"])
@pytest.mark.parametrize("width", [360, 320])
def test_a_chosen_full_layout_is_no_wider_than_a_narrow_screen(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, width: int, state: str
) -> None:
    """The full layout chosen on a screen 360 px wide (a phone's, a narrow panel's) had
    needed 361 px, its tool bar's whole width and the live page's scroll bar, and on one
    320 px wide 45 px more than its room: the window's right side was off the screen. It
    is as narrow as the screen's room now, the tool bar's last actions in its extension
    menu, the live view whole (it scrolls down). The Usage page, its title and Export button
    on one line 13 px wider than its view on a 320-px screen, had scrolled sideways: Export
    goes under the title there, and neither page scrolls sideways."""
    from codex_presence_gui.ui.layout_check import check_layout
    from tests.helpers.layout_matrix_run import _window_for
    from tests.helpers.layout_states import write_state

    screen, frame = _fake_screen(monkeypatch, width, 480)
    room = screen.room.size().shrunkBy(frame)
    saved = WindowState(tmp_path / "ui.ini")
    saved.layout_mode = LayoutMode.FULL
    window = _window_for(write_state(state, tmp_path / "home"), saved)
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    window.move(0, 0)  # its frame at the top left (offscreen, the frame is not drawn)
    qtbot.waitExposed(window)
    for page in (LIVE_PAGE, USAGE_PAGE):
        window.set_page(page)
        window.resize(window.minimumSize())

        def fits() -> None:
            assert not window.compact
            assert window.minimumWidth() <= room.width()
            assert window.size() == window.minimumSize()
            _on_screen(window, screen, frame)
            assert check_layout(window, room) == []

        qtbot.waitUntil(fits)
        shown = window.live_page if page == LIVE_PAGE else window.usage_page
        assert shown.verticalScrollBar().isVisible()
        assert not shown.horizontalScrollBar().isVisible()
        assert shown.widget().width() <= shown.viewport().width()


@pytest.mark.parametrize("mode", [LayoutMode.COMPACT, LayoutMode.AUTO])
@pytest.mark.parametrize(
    ("width", "height"),
    # 800x480; 1920x1080 at a scale factor of 2, less a 30 px panel.
    [(800, 480), (960, 510)],
)
def test_a_narrow_compact_window_fits_a_small_screen_with_its_frame(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    mode: LayoutMode,
    width: int,
    height: int,
) -> None:
    """A compact window (chosen, or automatic) is as tall as its contents at its width, and
    narrowed its texts wrap: with two sets of limits it had needed 548 px at 250 px wide, and
    on 800x480 its status bar was below the screen's edge, out of reach. It is never taller
    than the screen with its frame: the live page scrolls below that."""
    from codex_presence_gui.ui.layout_check import check_layout

    screen, frame = _fake_screen(monkeypatch, width, height)
    window = _fresh_window(qtbot, tmp_path, "extra-bucket-credits")
    window.set_layout_mode(mode)
    room = screen.room.size().shrunkBy(frame)
    window.show()
    window.move(0, 0)  # its frame at the top left (offscreen, the frame is not drawn)
    window.resize(window.minimumWidth(), 300)
    assert window.needed_size(True, window.minimumWidth()).height() > room.height()

    def fits(scrolls: bool) -> None:
        assert window.compact
        assert window.minimumHeight() <= room.height()
        _on_screen(window, screen, frame)
        assert check_layout(window) == []
        assert window.live_page.verticalScrollBar().isVisible() == scrolls

    qtbot.waitUntil(lambda: fits(scrolls=True))
    assert window.height() == room.height()
    # Wide, its texts wrap less: as tall as its contents again (2 px short on 800x480, given
    # up from its margins), unscrolled.
    window.resize(room.width(), 300)
    qtbot.waitUntil(lambda: fits(scrolls=False))
    needed = window.needed_size(True, window.width()).height()
    if mode is LayoutMode.AUTO:  # as short as its page tightened, as the full layout's
        needed = window.tightest_height(True, window.width())
    assert window.minimumHeight() == min(needed, room.height())


@pytest.mark.parametrize("mode", [LayoutMode.COMPACT, LayoutMode.AUTO])
def test_a_compact_window_narrowed_to_its_least_width_has_it(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mode: LayoutMode
) -> None:
    """On a screen that holds the compact layout a scroll bar's width above its least width
    but not at it, the least width had been the layout's: narrowed to it, the page scrolled
    and the window grew by the bar, wider than asked (the matrix at a scale of 2, 640x400).
    The least width is the one beside the bar there."""
    from codex_presence_gui.ui.layout_check import check_layout

    window = _fresh_window(qtbot, tmp_path)
    window.set_layout_mode(mode)
    bar = window.live_page.verticalScrollBar().sizeHint().width()
    least = window.needed_size(True)
    beside_bar = window.needed_size(True, least.width() + bar).height()
    at_least = least.height()
    if mode is LayoutMode.AUTO:  # its page tightened, as short as the window may be
        beside_bar = window.tightest_height(True, least.width() + bar)
        at_least = window.tightest_height(True)
    assert at_least > beside_bar + 1  # texts wrap less a bar's width wider
    openbox = QMargins(1, 20, 1, 5)
    height = (at_least + beside_bar) // 2 + openbox.top() + openbox.bottom()
    screen, frame = _fake_screen(monkeypatch, 800, height, openbox)
    window.show()
    window.move(0, 0)
    window.resize(100, 300)

    def narrowest() -> None:
        assert window.size() == window.minimumSize()
        assert window.width() == least.width() + bar
        _on_screen(window, screen, frame)
        assert check_layout(window, window.minimumSize()) == []

    qtbot.waitUntil(narrowest)


def test_a_chosen_full_layout_moved_to_a_smaller_screen_fits_it(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moved from a roomy screen to an 800x480 one, a full layout chosen kept the least height
    it had there until it was next resized: as tall as the live view, below the new screen's
    edge. It is measured again as it changes screens."""
    screen, frame = _fake_screen(monkeypatch, 1920, 1080)
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop"), session("api")), limit=limits()))
    window.show_notice("Codex: 10% or less of your 5h limit left.", key="5h")
    window.set_layout_mode(LayoutMode.FULL)
    window.show()
    window.resize(window.minimumSize())
    qtbot.waitUntil(lambda: window.size() == window.minimumSize())
    room = QSize(800, 480).shrunkBy(frame)
    assert window.minimumHeight() > room.height()
    screen.room = QRect(0, 0, 800, 480)  # the window's screen is now a small one
    handle = window.windowHandle()
    assert handle is not None
    handle.screenChanged.emit(handle.screen())
    qtbot.waitUntil(lambda: window.minimumHeight() == room.height())
    window.resize(window.minimumSize())
    qtbot.waitUntil(lambda: window.height() == room.height())


def test_a_chosen_full_layout_on_a_tiny_screen_keeps_a_few_lines(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a screen shorter than the bars and a few lines, the full layout chosen keeps the bars
    and six lines of the live page; it had kept the Usage page's least height, which is the
    Usage page's own (without numbers, as tall as what that page says: 72 px here)."""
    _fake_screen(monkeypatch, 800, 120)
    window = make_window(qtbot)
    window.show_dashboard(dashboard((session("shop"),), limit=limits()))
    window.set_layout_mode(LayoutMode.FULL)
    window.show()
    width = window.minimumWidth()
    lines = 6 * window.fontMetrics().height()
    assert window.minimumHeight() == window._chrome_height(False, width) + lines


def test_two_sessions_and_two_sets_of_limits_fit_the_full_layout_at_the_first_size(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Two sessions with two sets of limits (the account's and a model's own) had needed
    22 px more than a window of the first size (820x580) has: it showed the compact layout,
    no toolbar nor Usage page. The sessions' title sits close over its table, and the
    automatic layout's page gives up a few pixels of its margins and gaps rather than turn
    compact: the full layout, both rows in sight, nothing cut, the page unscrolled."""
    from codex_presence_gui.ui.layout_check import check_layout

    window = _fresh_window(qtbot, tmp_path, "sessions-2-extra-bucket")
    window.resize(*main_window.DEFAULT_SIZE)
    window.show()

    def full() -> None:
        assert not window.compact
        assert window.toolbar.isVisible()
        assert window.table.isVisible()
        assert not window.live_page.verticalScrollBar().isVisible()
        assert check_layout(window) == []

    qtbot.waitUntil(full)
    assert window.size() == QSize(*main_window.DEFAULT_SIZE)
    assert window.model.rowCount() == 2
    last_row = window.table.visualRect(window.proxy.index(1, 0))
    assert window.table.viewport().rect().contains(last_row)
    # A chosen full layout keeps its margins and gaps whole: it asks for its whole height.
    window.set_layout_mode(LayoutMode.FULL)
    assert window.minimumHeight() > main_window.DEFAULT_SIZE[1]


def test_one_session_and_two_sets_of_limits_fit_the_full_layout_at_the_first_size(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """With one session, shown in the card, the table asks room for one row, not two: with
    two sets of limits (the account's and a model's own) a window of the first size had
    needed 30 px more, and showed the compact layout with a blank band under its card, no
    toolbar nor table. A second session (in the table, not the card) asks room for two rows
    again, which the window holds with its page's gaps tightened."""
    window = _fresh_window(qtbot, tmp_path, "extra-bucket-credits")
    window.resize(*main_window.DEFAULT_SIZE)
    window.show()
    qtbot.waitUntil(lambda: not window.compact)
    assert window.table.isVisible()
    assert window.table.minimumSizeHint().height() == window.table.height_for_rows(1)
    board = window.dashboard
    assert board is not None
    assert len(board.sessions) == 1
    other = board.sessions[0]._replace(session_id="019d0000-0000-7000-8000-0000000000b2")
    window.show_dashboard(replace(board, sessions=(*board.sessions, other)))
    qtbot.waitUntil(
        lambda: window.table.minimumSizeHint().height() == window.table.height_for_rows(2)
    )
    qtbot.waitUntil(lambda: not window.live_page.verticalScrollBar().isVisible())
    assert not window.compact


def test_a_long_windows_folder_does_not_widen_the_setup_panel(qtbot: QtBot) -> None:
    """A Windows folder has no place Qt breaks at ("\\" is none): whole, it made the
    window 421 px wide on a 360 px screen, the Usage page too (the live page behind it
    sets the least width). It breaks now; a screen reader hears it whole."""
    window = make_window(qtbot)
    home = Path("C:\\Users\\Administrator\\AppData\\Roaming\\Codex\\profiles\\work")
    window.show_dashboard(dashboard(homes=(home,), missing=(home,)))
    body = window.setup_panel.body
    assert body.minimumSizeHint().width() < 200
    assert f"found none in {home}." in body.accessibleName()


def test_compact_on_a_maximized_window_leaves_maximized_and_full_takes_it_back(
    qtbot: QtBot,
) -> None:
    """Ctrl+2 on a maximized window: a strip as wide as the screen had stayed marked
    maximized (the title bar's button offering to restore it); it is a window of its own
    size now, and Ctrl+1 maximizes it again, as it was."""
    from tests.unit.ui.test_keyboard import shown_window

    window = shown_window(qtbot)
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized)
    window.set_layout_mode(LayoutMode.COMPACT)
    # At once, not when the platform gets to it (a window manager may never: Openbox kept it).
    assert not window.isMaximized()
    assert window.compact
    window.set_layout_mode(LayoutMode.FULL)
    assert window.isMaximized()
    assert not window.compact


def test_a_compact_layout_kept_over_a_restart_takes_back_the_size_before_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Compact chosen on a 700x500 window, the app quit and started again: the full layout
    takes back 700x500 (the default size had come back, as if the window had never had one)."""
    window = make_window(qtbot, WindowState(tmp_path / "ui.ini"))
    window.show()
    qtbot.waitExposed(window)
    window.resize(700, 500)
    qtbot.waitUntil(lambda: window.size() == QSize(700, 500))
    window.set_layout_mode(LayoutMode.COMPACT)
    assert window.size() != QSize(700, 500)
    window.close()
    again = make_window(qtbot, WindowState(tmp_path / "ui.ini"))
    again.show()
    qtbot.waitExposed(again)
    assert again.layout_mode is LayoutMode.COMPACT
    again.set_layout_mode(LayoutMode.FULL)
    assert again.size() == QSize(700, 500)


@pytest.mark.parametrize("usage_look", [False, True])
def test_a_compact_layout_out_of_a_maximized_window_maximizes_it_again_after_a_restart(
    qtbot: QtBot, tmp_path: Path, usage_look: bool
) -> None:
    """As Ctrl+1 does in the same run (see above): maximized, whatever runs came between;
    after a look at the Usage page too (the page's window, not maximized, had been taken for
    the one before the compact layout)."""
    window = make_window(qtbot, WindowState(tmp_path / "ui.ini"))
    window.show()
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized)
    window.set_layout_mode(LayoutMode.COMPACT)
    if usage_look:
        window.open_page(USAGE_PAGE)
        window.open_page(LIVE_PAGE)
        assert window.layout_mode is LayoutMode.COMPACT
    window.close()
    again = make_window(qtbot, WindowState(tmp_path / "ui.ini"))
    again.show()
    qtbot.waitExposed(again)
    again.set_layout_mode(LayoutMode.FULL)
    assert again.isMaximized()


def test_dialogs_hide_with_the_window_and_come_back_with_it(qtbot: QtBot) -> None:
    """Hidden to the tray, the window takes its open dialogs along (Settings had stayed on
    the screen, the window gone) and brings them back as they were, the last one focused."""
    window = make_window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    settings = QDialog(window)
    edit = QLineEdit(settings)
    edit.setText("edited, not applied")
    settings.open()  # window-modal, as Settings is
    details = QDialog(settings)  # one over it
    details.show()
    qtbot.waitExposed(details)
    window.hide()
    assert not settings.isVisible()
    assert not details.isVisible()
    assert window.keeps_away(settings)
    window.bring_to_front()
    assert settings.isVisible()
    assert details.isVisible()
    assert edit.text() == "edited, not applied"
    qtbot.waitUntil(details.isActiveWindow)
    assert not window.keeps_away(settings)


def window_with_a_dialog(qtbot: QtBot, *, modal: bool) -> tuple[MainWindow, QDialog]:
    """A window shown with a dialog of its own on the screen: window-modal, as Settings is,
    or not, as a status item's details are."""
    window = make_window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    dialog = QDialog(window)
    if modal:
        dialog.open()
    else:
        dialog.show()
    qtbot.waitExposed(dialog)
    return window, dialog


def test_dialogs_come_back_after_the_window_they_stay_above(qtbot: QtBot) -> None:
    """A dialog hidden with the window is shown again once the window is, not as it is about
    to be: on X11 the window manager took a dialog shown before its window for one of no
    window, and a click on the window put the details under it, out of sight."""
    window, details = window_with_a_dialog(qtbot, modal=False)
    window.hide()
    window_shown_first: list[bool] = []
    details.showEvent = lambda event: window_shown_first.append(  # type: ignore[method-assign]
        window.windowHandle().isVisible()
    )
    window.bring_to_front()
    assert details.isVisible()
    assert window_shown_first == [True]


def window_with_details_open(qtbot: QtBot) -> tuple[MainWindow, QDialog]:
    """A window shown and focused, then the Discord status's details opened and focused."""
    window = make_window(qtbot)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.show_discord_details()
    details = window.discord_dialog
    assert details is not None
    qtbot.waitUntil(details.isActiveWindow)
    return window, details


def test_a_details_window_left_open_does_not_take_the_keyboard_from_the_window(
    qtbot: QtBot,
) -> None:
    """A status item's details, left open beside the window (it blocks nothing), comes back
    with the window but does not take the keyboard from it: at each click on the tray's
    icon (or a second start) the keyboard had gone to the details from the window."""
    window, details = window_with_details_open(qtbot)
    window.activateWindow()  # back to the window, the details left open
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.bring_to_front()  # behind other windows, brought up
    QApplication.processEvents()
    assert QApplication.activeWindow() is window
    window.hide()
    assert not details.isVisible()
    window.bring_to_front()
    assert details.isVisible()
    QApplication.processEvents()
    assert QApplication.activeWindow() is window


def test_settings_is_focused_over_a_details_window_whichever_qt_lists_first(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With Settings and a status item's details both open, the window brought to the front
    focuses Settings, the one it waits on, whichever order Qt lists its windows in (a set's:
    the details had been focused when listed last)."""
    from codex_presence_gui.ui import window_state

    window, details = window_with_details_open(qtbot)
    settings = QDialog(window)
    settings.open()
    qtbot.waitUntil(settings.isActiveWindow)
    listed = window_state.open_dialogs(window)
    assert set(listed) == {settings, details}
    monkeypatch.setattr(window_state, "open_dialogs", lambda _window: [settings, details])
    details.activateWindow()  # the user's click there
    qtbot.waitUntil(details.isActiveWindow)
    window.bring_to_front()
    qtbot.waitUntil(settings.isActiveWindow)


def test_a_dialog_comes_back_where_it_stood(qtbot: QtBot) -> None:
    """Shown again with the window, a dialog stands where it stood, its frame included: a
    window manager had put Settings one title bar lower (openbox: 20 px), here stood for by
    a move while it was hidden."""
    window, settings = window_with_a_dialog(qtbot, modal=True)
    stood = settings.pos()
    window.hide()
    settings.move(stood + QPoint(1, 20))
    window.bring_to_front()
    assert settings.isVisible()
    assert settings.pos() == stood


def test_a_dialog_the_app_waits_on_is_cancelled_when_the_window_hides(qtbot: QtBot) -> None:
    """Run modally (About, a file picker), it is answered "cancel" and not shown again: its
    answer, given later, would have gone to no one."""
    window = make_window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    question = QDialog(window)
    QTimer.singleShot(0, window.hide)
    unanswered = QTimer(question, singleShot=True, interval=5000)  # no hang, a failure
    unanswered.timeout.connect(lambda: question.done(5))
    unanswered.start()
    assert question.exec() == QDialog.DialogCode.Rejected
    unanswered.stop()
    window.bring_to_front()
    assert window.isVisible()
    assert not question.isVisible()


def counting_down(qtbot: QtBot, *, resets_in: float) -> tuple[MainWindow, list[float]]:
    """A window shown on a reading whose 5h window resets in ``resets_in`` seconds, on a clock
    the test moves (``clock[0]``, ``NOW`` at first)."""
    clock = [NOW]
    window = make_window(qtbot)
    window.clock = lambda: clock[0]
    window.show()
    qtbot.waitExposed(window)
    window.show_dashboard(dashboard((session("shop"),), limit=limits(resets_in=resets_in)))
    return window, clock


def test_a_countdown_in_seconds_moves_each_second_between_refreshes(qtbot: QtBot) -> None:
    """In the last hour before a reset, its seconds move each second, not only with the
    feed's refreshes (2 s apart, up to 60 s); at the reset the row says so at once; an hour
    away, nothing runs between refreshes."""
    window, clock = counting_down(qtbot, resets_in=62)
    five = window.limits.bars[0]
    assert five.status.text().startswith("resets in 1m 2s (")
    clock[0] = NOW + 3.0
    qtbot.waitUntil(lambda: five.status.text().startswith("resets in 59s ("), timeout=3000)
    clock[0] = NOW + 62.5
    qtbot.waitUntil(lambda: window.limits.bars[0].percent.text() == "~100% left", timeout=3000)
    qtbot.waitUntil(lambda: not window._countdown_tick.isActive(), timeout=3000)
    clock[0] = NOW
    window.show_dashboard(dashboard((session("shop"),), limit=limits(resets_in=3600)))
    assert window.limits.bars[0].status.text().startswith("resets in 1h 0m (")
    assert not window._countdown_tick.isActive()


def test_a_reset_passed_while_the_window_was_hidden_shows_once_it_is_back(
    qtbot: QtBot,
) -> None:
    """Hidden to the tray as a countdown ran in seconds, and shown again after the reset
    (before the feed's next refresh: up to 60 s apart), the row says the new window within a
    second: the tick had stopped at the reset unseen, and the old "resets in 30s" and its
    percentage stayed until that refresh."""
    window, clock = counting_down(qtbot, resets_in=30)
    assert window.limits.bars[0].status.text().startswith("resets in 30s (")
    window.hide()
    clock[0] = NOW + 40
    qtbot.wait(1500)  # a tick or more, unseen
    window.bring_to_front()
    qtbot.waitUntil(lambda: window.limits.bars[0].percent.text() == "~100% left", timeout=3000)
    qtbot.waitUntil(lambda: not window._countdown_tick.isActive(), timeout=3000)


def test_about_shows_the_app_s_icon_whole_at_the_screen_s_scale(qtbot: QtBot) -> None:
    """Help → About draws the app's icon from its file, 64 px at the window's scale: once X11
    has taken the window icon's pixmaps for the frame, that icon answers any size with a
    small one (24 px at 150 %), which QMessageBox.about had shown blurred and a third as
    big. Stood for here by a window icon that has only a red 24 px pixmap."""
    window = MainWindow()
    qtbot.addWidget(window)
    small = QPixmap(24, 24)
    small.fill(QColor("red"))
    window.setWindowIcon(QIcon(small))
    shown: list[tuple[str, str, QPixmap]] = []

    def look_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        shown.append((box.windowTitle(), box.text(), box.iconPixmap()))
        box.close()

    QTimer.singleShot(300, look_and_close)
    help_menu = window.menuBar().actions()[-1].menu()
    about = next(a for a in help_menu.actions() if a.text().startswith("&About"))
    about.trigger()
    qtbot.waitUntil(lambda: len(shown) == 1)
    title, text, pixmap = shown[0]
    assert APP_NAME in title
    assert __version__ in text
    ratio = window.devicePixelRatioF()
    assert pixmap.devicePixelRatio() == ratio
    assert pixmap.size() == QSize(round(64 * ratio), round(64 * ratio))
    middle = pixmap.toImage().pixelColor(pixmap.width() // 2, pixmap.height() // 2)
    assert middle != QColor("red")


def test_about_goes_to_the_tray_with_the_window_and_leaves_the_tray_free(
    qtbot: QtBot,
) -> None:
    """About is modal to the window only: app-modal, it took every click away from the tray
    icon too (X11), and run in a loop of its own it ended as the window hid. Now a click on
    the tray hides both, and the next brings both back."""
    window = make_window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    help_menu = window.menuBar().actions()[-1].menu()
    next(a for a in help_menu.actions() if a.text().startswith("&About")).trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert box is not None
    assert box.windowModality() == Qt.WindowModality.WindowModal
    window.hide()
    assert not box.isVisible()
    window.bring_to_front()
    qtbot.waitUntil(box.isVisible)
    box.close()


def test_the_focus_ring_comes_back_with_the_window_after_a_dialog(qtbot: QtBot) -> None:
    """Reached with Tab, a control keeps its ring after one of the window's dialogs (Settings,
    About) has closed: Qt takes the rings away as it gives the window the focus back, and a
    keyboard user found the keyboard on it without a sign of it."""
    window = make_window(qtbot)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.show_dashboard(dashboard((session("shop"),), limit=limits()))
    qtbot.keyClick(window, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert focused is not None
    assert ringed(focused)
    settings = QDialog(window)
    settings.open()
    settings.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is settings)
    settings.reject()
    window.activateWindow()  # as the window manager does once the dialog has gone
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is focused)
    assert ringed(focused)


def test_each_table_comes_back_sorted_as_it_was(qtbot: QtBot, tmp_path: Path) -> None:
    """A restart had put every table back to its first order; a value this version cannot
    read leaves the first order."""
    from codex_presence_gui.viewmodels.usage_table import UsageColumn

    path = tmp_path / "ui.ini"
    first = make_window(qtbot, WindowState(path))
    first.table.sortByColumn(Column.PROJECT, Qt.SortOrder.AscendingOrder)
    first.usage_page.model_table.sortByColumn(UsageColumn.COST, Qt.SortOrder.DescendingOrder)
    first.usage_page.model_table.sortByColumn(UsageColumn.COST, Qt.SortOrder.AscendingOrder)
    first.close()
    again = make_window(qtbot, WindowState(path))
    sorted_by = [
        (
            view.horizontalHeader().sortIndicatorSection(),
            view.horizontalHeader().sortIndicatorOrder(),
        )
        for view in (again.table, again.usage_page.project_table, again.usage_page.model_table)
    ]
    assert sorted_by == [
        (Column.PROJECT, Qt.SortOrder.AscendingOrder),
        (UsageColumn.TOKENS, Qt.SortOrder.DescendingOrder),  # never chosen: its first order
        (UsageColumn.COST, Qt.SortOrder.AscendingOrder),
    ]
    QSettings(str(path), QSettings.Format.IniFormat).setValue("tables/sessions", "NOPE upward")
    third = make_window(qtbot, WindowState(path))
    header = third.table.horizontalHeader()
    assert header.sortIndicatorSection() == Column.LAST_ACTIVITY


def test_a_countdown_never_steps_back_when_a_refresh_comes_after_a_tick(qtbot: QtBot) -> None:
    """A refresh is dated when its read began: coming in after a tick, a countdown the tick
    had shown (9m 58s) had stepped back a second (9m 59s)."""
    window, clock = counting_down(qtbot, resets_in=600)
    five = window.limits.bars[0]
    clock[0] = NOW + 1.95
    qtbot.waitUntil(lambda: five.status.text().startswith("resets in 9m 58s ("), timeout=3000)
    clock[0] = NOW + 2.05
    late = dashboard((session("shop"),), limit=limits(resets_in=600), now=NOW + 0.9)
    window.show_dashboard(late)
    assert window.limits.bars[0].status.text().startswith("resets in 9m 57s (")


def test_a_long_model_id_in_the_card_breaks_after_its_hyphens_not_in_a_number() -> None:
    """The card's details wrap a long model id after a hyphen that a word follows ("suffix-"
    / "2026-05-preview"), where it had been cut every 24 characters ("…-202" / "6-05-…"); a
    part with no such mark is still cut to fit."""
    from codex_presence_gui.ui.session_card import LONG_WORD, breakable

    model = "gpt-5.3-codex-extra-long-expe\u2026me-with-suffix-2026-05-preview"
    shown = breakable(f"{model} · CLI · context 97% left")
    assert shown.replace("\u200b", "") == f"{model} · CLI · context 97% left"
    parts = shown.split(" ")[0].split("\u200b")
    assert "suffix-2026-05-" in parts
    assert "gpt-5.3-" in parts
    assert all(len(part) <= LONG_WORD for part in parts)
    assert all(len(part) <= LONG_WORD for part in breakable("x" * 100).split("\u200b"))
    assert breakable("gpt-5.4 · CLI") == "gpt-5.4 · CLI"  # short words are left whole
    # A name's escapes (``shown_key``) are not broken after their backslash.
    escaped = "\\u202egpt-5.1-codex-max-preview-edition"
    assert breakable(escaped).startswith("\\u202egpt-5.1-\u200bcodex-")
