"""The composition root builds a window that shows up (offscreen)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from codex_presence_gui import APP_NAME
from codex_presence_gui.app import build_main_window


def test_main_window_shows(qtbot: QtBot) -> None:
    """The window opens with the app's name as its title."""
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == APP_NAME
    assert window.isVisible()
