"""The tray: icon shows the most limiting window; tooltip lists them; click toggles."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from codex_presence_gui.ui.tray import Tray, most_limiting, tray_pixmap, tray_tooltip
from tests.helpers.snapshots import NOW, dashboard, limits, session


def test_most_limiting_window() -> None:
    """The window with the least left; nothing when stale or no reading."""
    board = dashboard((session("a"),), limit=limits((36.0, 82.0)))
    window = most_limiting(board)
    assert window is not None
    assert window.label == "Weekly"
    assert most_limiting(dashboard((session("a"),), limit=limits(observed=NOW - 3600))) is None
    assert most_limiting(None) is None


def test_tooltip_lists_windows_and_resets(qtbot: QtBot) -> None:
    """Both windows with what is left and when they reset."""
    text = tray_tooltip(dashboard((session("a"),), limit=limits((36.0, 82.0))))
    lines = text.splitlines()
    assert lines[0] == "Codex Presence"
    assert lines[1].startswith("5h: 64% left, resets ")
    assert lines[2].startswith("Weekly: 18% left, resets ")
    assert tray_tooltip(None).endswith("reading Codex logs…")


def test_icon_is_drawn(qtbot: QtBot) -> None:
    """A coloured square with the percent, at any size."""
    for size in (16, 32, 64):
        pixmap = tray_pixmap(size, 18.0)
        assert (pixmap.width(), pixmap.height()) == (size, size)
        assert not pixmap.toImage().isNull()


def test_click_toggles_the_window(qtbot: QtBot) -> None:
    """Show when hidden, hide when shown; the icon follows the dashboard."""
    window = QWidget()
    qtbot.addWidget(window)
    tray = Tray(
        window,
        on_top=QAction("on top"),
        pause_discord=QAction("pause"),
        open_settings=lambda: None,
        quit_app=lambda: None,
    )
    tray.toggle_window()
    assert window.isVisible()
    tray.toggle_window()
    assert not window.isVisible()
    tray.show_dashboard(dashboard((session("a"),), limit=limits((36.0, 82.0))))
    assert "Weekly: 18% left" in tray.icon.toolTip()
