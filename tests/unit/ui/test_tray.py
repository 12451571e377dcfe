"""The tray: the icon shows the most limiting window, the menu lists every window."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QRectF, Qt
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.dashboard import Dashboard
from codex_presence_gui.core.formatting import Level
from codex_presence_gui.core.models import LimitSnapshot, UsageWindow
from codex_presence_gui.ui import tray as tray_module
from codex_presence_gui.ui.labels import WORD_JOINER, plain_tooltip
from codex_presence_gui.ui.main_window import MainWindow
from codex_presence_gui.ui.tray import (
    FRONT_GRACE_S,
    MARK_MIN_SIZE,
    NO_READING,
    Tray,
    TrayFace,
    face_layout,
    paint_face,
    tray_face,
    tray_pixmap,
)
from codex_presence_gui.viewmodels.glance import glance
from tests.helpers.snapshots import NOW, dashboard, limits, session

pytestmark = pytest.mark.usefixtures("qapp")

SIZES = (16, 20, 22, 24, 32, 48, 64)
FRESH = TrayFace("29", "W", Level.LOW, hollow=False)
STALE = TrayFace("29", "W", Level.LOW, hollow=True)
FULL = TrayFace("100", "5h", Level.GOOD, hollow=False)


def make_tray(qtbot: QtBot) -> Tray:
    window = QWidget()
    qtbot.addWidget(window)
    return Tray(
        window,
        on_top=QAction("on top"),
        pause_discord=QAction("pause"),
        open_settings=lambda: None,
        quit_app=lambda: None,
    )


def ink_of(size: int, face: TrayFace) -> QRectF:
    pixmap = QPixmap(size, size)
    painter = QPainter(pixmap)
    ink = paint_face(painter, size, face)
    painter.end()
    return ink


def test_face_of_the_most_limiting_window() -> None:
    """Its percent and mark; hollow when stale or past reset; a dash without a reading."""
    fresh = glance(dashboard(limit=limits((36.0, 71.0))))
    assert tray_face(fresh) == TrayFace("29", "W", Level.LOW, hollow=False)
    stale = glance(dashboard(limit=limits((36.0, 71.0), observed=NOW - 3600)))
    assert tray_face(stale) == TrayFace("29", "W", Level.LOW, hollow=True)
    reset = LimitSnapshot("codex", None, None, NOW - 9000, (UsageWindow(300, 80.0, NOW - 60),))
    assert tray_face(glance(dashboard(limit=reset))) == TrayFace("100", "5h", Level.GOOD, True)
    assert tray_face(glance(dashboard(limit=limits((0.0, 0.0))))).text == "100"
    assert tray_face(glance(None)) == NO_READING
    assert NO_READING.text == "–"


def test_icon_is_square_at_every_size() -> None:
    """Drawn at each size, not scaled."""
    for size in SIZES:
        for face in (FRESH, STALE, FULL, NO_READING):
            pixmap = tray_pixmap(size, face)
            assert (pixmap.width(), pixmap.height()) == (size, size)


def test_stale_icon_is_hollow() -> None:
    """Inside a stale icon the task bar shows through; a fresh one is filled; both outlined."""
    for size in (MARK_MIN_SIZE, 32, 48, 64):
        _number, mark = face_layout(size, FRESH)
        assert mark is not None
        # Beside the narrow mark, clear of its ink.
        x, y = round(size * 0.2), round(mark.center().y())
        fresh = tray_pixmap(size, FRESH).toImage()
        stale = tray_pixmap(size, STALE).toImage()
        assert fresh.pixelColor(x, y).alpha() == 255
        assert stale.pixelColor(x, y).alpha() == 0
        assert stale.pixelColor(size // 2, 0).alpha() > 0  # the outline
    # Without a mark (small sizes), the gap beside the number's ink is transparent too.
    small = tray_pixmap(16, TrayFace("1", "W", Level.GOOD, hollow=True)).toImage()
    assert small.pixelColor(3, 8).alpha() == 0


def test_the_mark_is_left_out_only_when_too_small() -> None:
    """Below ``MARK_MIN_SIZE`` the number has the whole icon; from it on, the mark is under it."""
    assert face_layout(16, FRESH)[1] is None
    number, mark = face_layout(32, FRESH)
    assert mark is not None
    assert number.bottom() < mark.top()
    assert number.height() > mark.height()
    assert face_layout(64, NO_READING)[1] is None


def white_columns(size: int, face: TrayFace) -> list[int]:
    image = tray_pixmap(size, face).toImage()
    return [
        x
        for x in range(size)
        for y in range(size)
        if (c := image.pixelColor(x, y)).alpha() == 255 and min(c.red(), c.green(), c.blue()) > 200
    ]


def test_100_fits_without_clipping() -> None:
    """The three digits' ink lies inside the icon, clear of the edges (and of the outline of a
    hollow icon), and still spans most of its width."""
    for size in SIZES:
        ink = ink_of(size, FULL)
        assert ink.left() >= 1
        assert ink.right() <= size - 1
        assert ink.top() >= 1
        assert ink.bottom() <= size - 1
        assert ink.width() >= size * 0.6
        hollow = ink_of(size, FULL._replace(hollow=True))
        outline = max(1, size // 16)
        assert hollow.left() >= outline
        assert hollow.right() <= size - outline
        # The painted white pixels agree: none at the edge columns.
        columns = white_columns(size, FULL)
        assert min(columns) >= 1
        assert max(columns) <= size - 2


def test_menu_starts_with_the_window_lines(qtbot: QtBot) -> None:
    """One line per window, a separator, then the actions; a line opens the window."""
    tray = make_tray(qtbot)
    actions = tray.menu.actions()
    assert actions[0].text() == "Reading your Codex logs…"
    assert actions[1].isSeparator()
    assert actions[2] is tray.toggle_action
    tray.show_dashboard(dashboard((session("a"),), limit=limits((36.0, 71.0))))
    actions = tray.menu.actions()
    assert actions[0].text().startswith("5h: 64% left · resets ")
    assert actions[1].text().startswith("Weekly: 29% left · resets ")
    assert actions[0].isEnabled()  # readable, not greyed
    assert actions[2].isSeparator()
    assert actions[3] is tray.toggle_action
    actions[0].trigger()
    assert tray.window.isVisible()
    weekly = LimitSnapshot("codex", None, None, NOW, (UsageWindow(10080, 12.0, NOW + 3600),))
    tray.show_dashboard(dashboard(limit=weekly))
    actions = tray.menu.actions()
    assert actions[0].text().startswith("Weekly: 88% left")
    assert actions[1].isSeparator()
    assert tray.line_actions == [actions[0]]
    tray.show_dashboard(dashboard())
    assert tray.menu.actions()[0].text() == "No limit reading yet"


def test_opening_the_menu_brings_the_lines_up_to_date(qtbot: QtBot) -> None:
    """Ages and passed resets are taken when the menu opens; the icon follows."""
    tray = make_tray(qtbot)
    tray.show_dashboard(dashboard(limit=limits((36.0, 71.0))))
    assert not tray.face.hollow
    tray.clock = lambda: NOW + 20 * 60
    tray.menu.aboutToShow.emit()
    assert tray.line_actions[0].text().endswith(" · as of 20m ago")
    assert tray.face == TrayFace("29", "W", Level.LOW, hollow=True)
    tray.clock = lambda: NOW - 600  # a clock behind the refresh never turns time back
    tray.menu.aboutToShow.emit()
    assert not tray.face.hollow


def test_icon_is_redrawn_only_when_its_face_changes(qtbot: QtBot) -> None:
    """The same face keeps the same icon; a new percent draws a new one."""
    tray = make_tray(qtbot)
    tray.show_dashboard(dashboard(limit=limits((36.0, 71.0))))
    key = tray.icon.icon().cacheKey()
    tray.show_dashboard(dashboard(limit=limits((37.0, 71.2)), now=NOW + 5))
    assert tray.icon.icon().cacheKey() == key
    tray.show_dashboard(dashboard(limit=limits((37.0, 72.0)), now=NOW + 10))
    assert tray.icon.icon().cacheKey() != key
    assert tray.face.text == "28"


def test_tooltip_follows_the_dashboard(qtbot: QtBot) -> None:
    """The glance's tooltip: every window, and the age when stale."""
    tray = make_tray(qtbot)
    assert tray.icon.toolTip() == "Codex Presence: Reading your Codex logs…"
    tray.show_dashboard(dashboard(limit=limits((36.0, 71.0), observed=NOW - 3600)))
    lines = tray.icon.toolTip().splitlines()
    assert lines[0] == "Codex Presence"
    assert lines[2].startswith("Weekly: 29% left")
    assert lines[3] == "as of 1h ago"


def test_reset_clocks_in_utc_for_a_tz_the_system_lacks_are_said(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``TZ`` naming a zone the system does not have: the tray's reset clocks are UTC's, and
    its tooltip says so in the limits panel's words, its menu in a short line whose tooltip
    is that sentence; they had shown them unsaid."""
    monkeypatch.delenv("TZDIR", raising=False)
    monkeypatch.setenv("TZ", "Mars/Olympus")
    said = (
        "TZ=Mars/Olympus names a time zone this system does not have; times are in UTC (as "
        "the system's clock counts them)."
    )
    line = "Times are UTC (TZ=Mars/Olympus unknown)"
    tray = make_tray(qtbot)
    tray.show_dashboard(dashboard((session("a"),), limit=limits((36.0, 71.0))))
    lines = tray.icon.toolTip().splitlines()
    assert lines[1].startswith("5h: 64% left · resets ")
    assert lines[-1] == said
    assert [action.text() for action in tray.line_actions][-1] == line
    assert tray.line_actions[-1].toolTip() == said
    assert tray.menu.toolTipsVisible()
    tray.menu.aboutToShow.emit()  # the menu made again as it opens keeps it
    assert len(tray.line_actions) == 3
    assert tray.line_actions[-1].text() == line
    assert tray.line_actions[-1].toolTip() == said
    monkeypatch.setenv("TZ", "UTC")
    tray.show_dashboard(dashboard((session("a"),), limit=limits((36.0, 71.0))))
    assert "Mars" not in tray.icon.toolTip()
    assert len(tray.line_actions) == 2


def test_a_long_tz_the_system_lacks_keeps_the_menu_narrow(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The note was one menu line of about 120 characters and the ``TZ`` (up to 60 of it):
    the menu as wide as the screen's half. Its line is short, the ``TZ`` elided in it; the
    tooltip has the sentence."""
    monkeypatch.delenv("TZDIR", raising=False)
    setting = "Some/" + "Very_Long_Region_Name_" * 4 + "Olympus"
    monkeypatch.setenv("TZ", setting)
    tray = make_tray(qtbot)
    tray.show_dashboard(dashboard((session("a"),), limit=limits((36.0, 71.0))))
    (*_, line) = line_texts(tray)
    assert line.startswith("Times are UTC (TZ=Some/")
    assert "…" in line
    assert line.endswith("Olympus unknown)")
    assert len(line) <= 60, line
    said = tray.line_actions[-1].toolTip()
    assert said.startswith(f"TZ={setting[:20]}")
    assert said.endswith("times are in UTC (as the system's clock counts them).")
    # Less than half the sentence's width (it had been wider than all of it).
    width = tray.menu.sizeHint().width()
    assert width < tray.menu.fontMetrics().horizontalAdvance(said) / 2, width


def test_an_ampersand_in_a_menu_line_from_a_setting_is_shown(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The menu's lines that name what the user set (a ``TZ`` the system lacks, a Codex folder
    without ``sessions``) show an "&" in it, as a model's name does; it had been taken for an
    access key, the "&" gone and the next letter underlined."""
    monkeypatch.delenv("TZDIR", raising=False)
    monkeypatch.setenv("TZ", "Mars/R&D")
    tray = make_tray(qtbot)
    tray.show_dashboard(dashboard((session("a"),), limit=limits((36.0, 71.0))))
    assert line_texts(tray)[-1] == "Times are UTC (TZ=Mars/R&&D unknown)"
    monkeypatch.delenv("TZ")
    home = Path("/srv/R&D")
    tray.show_dashboard(replace(dashboard((session("a"),)), homes=(home,), sessionless=(home,)))
    (line,) = line_texts(tray)
    assert line.startswith("/srv/R&&D/sessions is missing"), line


def test_a_tooltip_that_looks_like_html_reads_as_written(qtbot: QtBot) -> None:
    """A folder named like HTML at the start of the tooltip (where Qt looks): an X11 tray,
    where Qt draws the tooltip, had drawn it bold; it reads as written there, and on Windows,
    whose tray shows a tooltip as plain text, with nothing more than marks drawn as nothing.
    A model's name further down is left as it is: Qt takes no such text for HTML."""
    from PySide6.QtGui import Qt as QtGuiNamespace

    might_be_rich = QtGuiNamespace.mightBeRichText  # type: ignore[attr-defined]
    tray = make_tray(qtbot)
    home = Path("/srv/<b>codex</b>")
    board = replace(dashboard((session("a"),)), homes=(home,), sessionless=(home,))
    written = glance(board).tooltip
    assert "<b>codex</b>" in written
    assert might_be_rich(written)
    tray.show_dashboard(board)
    shown = tray.icon.toolTip()
    assert not might_be_rich(shown)  # Qt draws it as plain text
    assert shown.replace(WORD_JOINER, "") == written  # as plain text, it reads the same
    named = replace(
        dashboard(limit=limits((36.0, 71.0))),
        other_limits=(spark_named("<img src=x> & <b>Spark</b>"),),
    )
    tray.show_dashboard(named)
    assert tray.icon.toolTip() == glance(named).tooltip
    assert not might_be_rich(tray.icon.toolTip())
    for rich in ("&lt;b&gt; quota", "<!DOCTYPE html>", "<i>x</i>\nmore"):
        assert might_be_rich(rich)
        assert not might_be_rich(plain_tooltip(rich))
        assert plain_tooltip(rich).replace(WORD_JOINER, "") == rich


def spark_named(name: str) -> LimitSnapshot:
    return LimitSnapshot(
        "codex_bengalfox", name, "plus", NOW - 40, (UsageWindow(300, 62.0, NOW + 3600),)
    )


def test_click_toggles_the_window(qtbot: QtBot) -> None:
    """Show when hidden, hide when in front; the menu's action says which."""
    tray = make_tray(qtbot)
    tray.toggle_window()
    assert tray.window.isVisible()
    qtbot.waitUntil(tray.window.isActiveWindow)
    tray.menu.aboutToShow.emit()
    assert tray.toggle_action.text() == "Hide &window"
    tray.toggle_window()
    assert not tray.window.isVisible()
    tray.menu.aboutToShow.emit()
    assert tray.toggle_action.text() == "Show &window"


class SteadyClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def focus_another_window(qtbot: QtBot) -> QWidget:
    """Show another window and give it the focus (the tray's window loses it)."""
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow)
    return other


def tray_behind_another_window(qtbot: QtBot, ago: float = 1.0) -> tuple[Tray, SteadyClock]:
    """A tray whose window is shown but was left for another window ``ago`` seconds ago."""
    tray = make_tray(qtbot)
    tray.ticks = ticks = SteadyClock()
    tray.toggle_window()
    qtbot.waitUntil(tray.window.isActiveWindow)
    focus_another_window(qtbot)
    ticks.now += ago
    return tray, ticks


def test_a_click_brings_up_a_window_behind_others(qtbot: QtBot) -> None:
    """Shown but behind another window, a click on the icon brings the window up and
    focuses it: it had hidden it, and a second click was needed to see it."""
    tray, _ = tray_behind_another_window(qtbot)
    assert not tray.window_in_front()
    tray.toggle_window()
    assert tray.window.isVisible()
    qtbot.waitUntil(tray.window.isActiveWindow)
    tray.toggle_window()  # now in front: the next click hides it
    assert not tray.window.isVisible()


def test_a_raise_the_desktop_refuses_leaves_the_next_click_to_hide(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the desktop refuses to raise a window behind others (GNOME's focus-stealing
    prevention, Wayland), a click asks for it and nothing happens: the next click hides it,
    and the one after shows it again, instead of every click asking again for ever."""
    tray, _ = tray_behind_another_window(qtbot)
    refused: list[QWidget] = []
    monkeypatch.setattr(tray_module, "bring_to_front", refused.append)
    tray.toggle_window()
    assert refused == [tray.window]
    assert tray.window.isVisible()
    tray.toggle_window()  # the window never got the focus: hidden
    assert not tray.window.isVisible()
    monkeypatch.undo()
    tray.toggle_window()
    assert tray.window.isVisible()


def test_a_raise_answered_is_not_taken_for_refused(qtbot: QtBot) -> None:
    """A window brought up and focused, then left behind another again: the next click
    brings it up again (it had answered the last raise), it does not hide it."""
    tray, ticks = tray_behind_another_window(qtbot)
    tray.toggle_window()
    qtbot.waitUntil(tray.window.isActiveWindow)
    focus_another_window(qtbot)
    ticks.now += 5.0
    tray.toggle_window()
    assert tray.window.isVisible()
    qtbot.waitUntil(tray.window.isActiveWindow)


def test_a_click_that_took_the_focus_still_hides(qtbot: QtBot) -> None:
    """Where the click on the icon takes the focus from the window first (Windows' taskbar),
    the window left a moment ago was in front: the click hides it."""
    tray, _ = tray_behind_another_window(qtbot, ago=FRONT_GRACE_S / 2)
    assert not tray.window.isActiveWindow()
    tray.toggle_window()
    assert not tray.window.isVisible()


def test_a_pinned_window_hides_at_a_click(qtbot: QtBot) -> None:
    """Always on top, the window is in front though another has the focus."""
    tray, _ = tray_behind_another_window(qtbot)
    handle = tray.window.windowHandle()
    assert handle is not None
    handle.setFlag(Qt.WindowType.WindowStaysOnTopHint, True)  # as the window's pin does
    tray.toggle_window()
    assert not tray.window.isVisible()


def tray_with_a_dialog_open(qtbot: QtBot) -> tuple[Tray, SteadyClock, QDialog]:
    """A tray whose window is shown with a dialog of its own open and focused (Settings)."""
    tray = make_tray(qtbot)
    tray.ticks = ticks = SteadyClock()
    tray.toggle_window()
    qtbot.waitUntil(tray.window.isActiveWindow)
    dialog = QDialog(tray.window)
    dialog.open()  # window-modal, as Settings is
    qtbot.waitUntil(dialog.isActiveWindow)
    ticks.now += 5.0
    return tray, ticks, dialog


def test_a_window_with_its_dialog_in_front_hides_at_a_click(qtbot: QtBot) -> None:
    """With one of its dialogs focused (Settings), the window is in front: a click hides it.
    The window itself never has the focus then: each click only raised it again."""
    tray, _, _ = tray_with_a_dialog_open(qtbot)
    assert tray.window_in_front()
    tray.toggle_window()
    assert not tray.window.isVisible()


def test_a_click_that_took_the_focus_from_a_dialog_still_hides(qtbot: QtBot) -> None:
    """The click on the icon takes the focus from the window's dialog first (Windows'
    taskbar): the window was in front a moment ago, and the click hides it."""
    tray, ticks, _ = tray_with_a_dialog_open(qtbot)
    focus_another_window(qtbot)
    ticks.now += FRONT_GRACE_S / 2
    assert tray.window_in_front()
    ticks.now += FRONT_GRACE_S
    assert not tray.window_in_front()


def test_the_menu_line_does_what_it_said(qtbot: QtBot) -> None:
    """The menu takes the focus once open: its show/hide line does what it said when the
    menu opened, not what the focus says when it is chosen."""
    tray, ticks = tray_behind_another_window(qtbot)
    tray.menu.aboutToShow.emit()
    assert tray.toggle_action.text() == "Show &window"
    tray.toggle_action.trigger()
    qtbot.waitUntil(tray.window.isActiveWindow)
    tray.menu.aboutToShow.emit()
    assert tray.toggle_action.text() == "Hide &window"
    focus_another_window(qtbot)  # the menu, say, took the focus
    ticks.now += 5.0
    tray.toggle_action.trigger()
    assert not tray.window.isVisible()


@pytest.mark.parametrize("away", ["minimized", "hidden"])
def test_a_maximized_window_comes_back_maximized(qtbot: QtBot, away: str) -> None:
    """Minimized (or hidden to the tray) while maximized, a click on the icon brings the
    window back maximized, as the taskbar does: it had come back at its normal size. A menu
    line chosen while it is shown leaves it maximized too."""
    tray = make_tray(qtbot)
    window = tray.window
    window.resize(400, 300)
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized)
    if away == "minimized":
        window.showMinimized()
        qtbot.waitUntil(window.isMinimized)
    else:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        tray.toggle_window()
        assert not window.isVisible()
    tray.toggle_window()
    qtbot.waitUntil(lambda: window.isVisible() and not window.isMinimized())
    assert window.isMaximized()
    tray.show_window()  # a limit's line in the menu
    assert window.isMaximized()
    assert not window.isMinimized()


def test_a_normal_window_comes_back_normal(qtbot: QtBot) -> None:
    """Minimized at its own size, it comes back at that size, not maximized."""
    tray = make_tray(qtbot)
    window = tray.window
    window.show()
    window.resize(400, 300)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    tray.toggle_window()
    qtbot.waitUntil(lambda: not window.isMinimized())
    assert window.isVisible()
    assert not window.isMaximized()
    assert window.size().width() == 400


def test_white_scan_sees_the_text() -> None:
    """The scan used above finds the white digits, and not the coloured body."""
    assert white_columns(32, FULL)
    assert not white_columns(32, FULL._replace(text="", mark=""))


def test_always_on_top_shows_no_shortcut_in_the_tray(qtbot: QtBot) -> None:
    """Ctrl+T works only in the window: the tray's menu does not show it (the View menu
    does), and the tray's check follows the window's both ways."""
    window = MainWindow()
    qtbot.addWidget(window)
    tray = Tray(
        window,
        on_top=window.on_top_action,
        pause_discord=window.pause_menu.menuAction(),
        open_settings=lambda: None,
        quit_app=lambda: None,
    )
    [on_top] = [action for action in tray.menu.actions() if "on &top" in action.text()]
    assert on_top.shortcut().isEmpty()
    assert on_top.isCheckable()
    assert window.on_top_action.shortcut() == QKeySequence("Ctrl+T")
    assert not on_top.isChecked()
    on_top.trigger()  # from the tray
    assert window.on_top_action.isChecked()
    assert window.always_on_top
    window.on_top_action.trigger()  # from the window
    assert not on_top.isChecked()
    assert not window.always_on_top
    window.set_always_on_top(True)  # from the settings
    assert on_top.isChecked()


def test_a_tray_made_again_leaves_the_windows_action_working(qtbot: QtBot) -> None:
    """The tray's copy of "Always on top" goes with its menu: the window's action, which
    lives on, must not reach the deleted copy (a closure had: "Internal C++ object already
    deleted" at each change)."""
    window = MainWindow()
    qtbot.addWidget(window)

    def tray() -> Tray:
        return Tray(
            window,
            on_top=window.on_top_action,
            pause_discord=window.pause_menu.menuAction(),
            open_settings=lambda: None,
            quit_app=lambda: None,
        )

    first = tray()
    first.menu.deleteLater()
    first.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    second = tray()
    window.on_top_action.setText("Always on &top (again)")  # changed: copies follow
    window.on_top_action.trigger()
    assert window.always_on_top
    [copy] = [a for a in second.menu.actions() if "on &top" in a.text()]
    assert copy.isChecked()
    assert copy.text() == "Always on &top (again)"


def test_menu_reads_as_written_in_a_right_to_left_menu(qtbot: QtBot) -> None:
    """Right to left, the menu's lines and actions read as written: "Reading your Codex logs…"
    and "Settings…" had been drawn "…Reading your Codex logs" and "…Settings"."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from codex_presence_gui.ui.labels import LEFT_TO_RIGHT_MARK
    from tests.helpers.bidi import reading_order

    def check(tray: Tray) -> set[str]:
        written = set()
        for action in tray.menu.actions():
            if action.isSeparator():
                continue
            text = action.text().replace("&", "")
            as_written = text.replace(LEFT_TO_RIGHT_MARK, "")
            shown = reading_order(text, tray.menu.font(), tray.menu.layoutDirection())
            assert shown == as_written, (shown, as_written)
            written.add(as_written)
        return written

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # as ``-reverse`` does
    try:
        tray = make_tray(qtbot)
        assert tray.menu.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert {"Reading your Codex logs…", "Settings…"} <= check(tray)
        tray.show_dashboard(dashboard((session("a"),), limit=limits((36.0, 71.0))))
        assert any(text.startswith("5h: 64% left") for text in check(tray))
    finally:
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def test_every_action_of_the_menu_has_its_own_access_key(qtbot: QtBot) -> None:
    """A key for each action below the window lines (pressed with the menu open): "Show
    window", "Settings…" and "Quit" had none, where the window's "Always on top" and "Pause
    Discord status" (as the app passes them) had theirs."""
    window = QWidget()
    qtbot.addWidget(window)
    on_top, pause = QAction("Always on &top"), QAction("&Pause Discord status")
    tray = Tray(
        window,
        on_top=on_top,
        pause_discord=pause,
        open_settings=lambda: None,
        quit_app=lambda: None,
    )
    actions = tray.menu.actions()
    below = actions[actions.index(tray._lines_end) + 1 :]
    texts = [action.text() for action in below if not action.isSeparator()]
    assert len(texts) == 5
    assert all(text.count("&") == 1 for text in texts), texts
    keys = {text[text.index("&") + 1].lower() for text in texts}
    assert len(keys) == len(texts), texts


def spark_bucket(name: str = "GPT-5.3-Codex-Spark") -> LimitSnapshot:
    """A model's own limits, shown by the window under the account's."""
    return LimitSnapshot(
        "codex_bengalfox",
        name,
        "plus",
        NOW - 40,
        (
            UsageWindow(300, 62.0, NOW + 3 * 3600),
            UsageWindow(10080, 18.0, NOW + 5 * 86400, slot="secondary"),
        ),
    )


def with_models(*models: LimitSnapshot) -> Dashboard:
    board = dashboard((session("a"),), limit=limits((36.0, 71.0)))
    return replace(board, other_limits=models)


def line_texts(tray: Tray) -> list[str]:
    return [action.text() for action in tray.line_actions]


def test_the_menu_lists_a_models_limits_too(qtbot: QtBot) -> None:
    """The window's extra limits (a model's own 5h and weekly) are in the menu as well, one
    line per window after the account's, named as the window names them; the menu listed the
    account's alone. The icon stays with the account's."""
    tray = make_tray(qtbot)
    tray.show_dashboard(with_models(spark_bucket()))
    lines = line_texts(tray)
    assert len(lines) == 4
    assert lines[0].startswith("5h: 64% left · resets ")
    assert lines[1].startswith("Weekly: 29% left · resets ")
    assert lines[2].startswith("GPT-5.3-Codex-Spark 5h: 38% left · resets ")
    assert lines[3].startswith("GPT-5.3-Codex-Spark Weekly: 82% left · resets ")
    actions = tray.menu.actions()
    assert actions[:4] == tray.line_actions
    assert actions[4].isSeparator()
    assert tray.face == TrayFace("29", "W", Level.LOW, hollow=False)
    assert "GPT-5.3-Codex-Spark 5h: 38% left · Weekly: 82% left" in tray.icon.toolTip()
    tray.show_dashboard(dashboard((session("a"),), limit=limits((36.0, 71.0))))
    assert len(line_texts(tray)) == 2  # gone again with the model's reading
    # A model's limits shown alone (no reading of the account's found) are named too.
    tray.show_dashboard(dashboard((session("a"),), limit=spark_bucket()))
    lines = line_texts(tray)
    assert len(lines) == 2
    assert lines[0].startswith("GPT-5.3-Codex-Spark 5h: 38% left · resets ")
    assert lines[1].startswith("GPT-5.3-Codex-Spark Weekly: 82% left · resets ")


def test_a_dropped_tray_takes_its_menu_with_it_at_once(qtbot: QtBot) -> None:
    """The menu is a window of its own. A helper of its "Settings…" text had held it in a
    reference cycle, so it lived on until Python's collector ran, at any moment: once that
    was while Qt sent every window a change of direction, and Qt crashed on the menu it had
    just deleted."""
    import gc

    from PySide6.QtWidgets import QApplication, QMenu

    def menus() -> int:
        return sum(isinstance(w, QMenu) for w in QApplication.topLevelWidgets())

    gc.collect()
    before = menus()
    gc.disable()
    try:
        tray = make_tray(qtbot)
        assert menus() == before + 1
        del tray
        assert menus() == before
    finally:
        gc.enable()


def test_a_models_name_reads_as_written_in_the_menu(qtbot: QtBot) -> None:
    """A Hebrew model name keeps "5h" after it (left to right and right to left), and a
    name with "&" shows it rather than underlining the next letter."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from codex_presence_gui.ui.labels import LEFT_TO_RIGHT_MARK
    from tests.helpers.bidi import reading_order

    def drawn(tray: Tray) -> list[str]:
        direction = tray.menu.layoutDirection()
        return [reading_order(text, tray.menu.font(), direction) for text in line_texts(tray)]

    tray = make_tray(qtbot)
    tray.show_dashboard(with_models(spark_bucket("R&D"), spark_bucket("מודל")))
    lines = line_texts(tray)
    assert lines[2].startswith("R&&D 5h: 38% left")
    shown = drawn(tray)
    assert shown[4].startswith("לדומ 5h: 38% left"), shown[4]  # a right-to-left name, drawn
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        tray = make_tray(qtbot)
        tray.show_dashboard(with_models(spark_bucket("מודל")))
        (line,) = [t for t in drawn(tray) if "38%" in t]
        assert line.replace(LEFT_TO_RIGHT_MARK, "").startswith("לדומ 5h: 38% left"), line
    finally:
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def test_the_menu_of_a_home_with_a_models_limits(qtbot: QtBot, tmp_path: Path) -> None:
    """The layout matrix's home with extra limits, read as the app reads it: the menu has the
    window's four limit rows, in the window's words."""
    from codex_presence_gui.core.dashboard import build_dashboard
    from codex_presence_gui.core.reader import CodexReader
    from codex_presence_gui.viewmodels.limits import limits_view
    from tests.helpers.layout_states import write_state

    home = write_state("extra-bucket-credits", tmp_path / "home")
    board = build_dashboard(CodexReader([home]).refresh(discover_files=True))
    tray = make_tray(qtbot)
    tray.show_dashboard(board)
    panel = limits_view(board)
    rows = [
        (f"{row.whose} " if row.whose else "") + f"{row.label}: {row.percent_text}"
        for group in panel.groups
        for row in group.rows
    ]
    assert rows == [
        "5h: 64% left",
        "Weekly: 29% left",
        "GPT-5.3-Codex-Spark 5h: 38% left",
        "GPT-5.3-Codex-Spark Weekly: 82% left",
    ]
    lines = line_texts(tray)
    assert len(lines) == len(rows)
    for line, row in zip(lines, rows, strict=True):
        assert line.startswith(row + " · resets "), (line, row)
