"""Colours: light and dark can be forced; the system choice restores the style's own."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.formatting import Level
from codex_presence_gui.ui.theme import apply_theme, is_dark, level_color, muted_color


def test_forced_themes_and_back(qtbot: QtBot, qapp: QApplication) -> None:
    """Dark, light, and system palettes; bar colours adapt to each."""
    try:
        apply_theme(qapp, "dark")
        assert is_dark(qapp.palette())
        dark_green = level_color(Level.GOOD, qapp.palette())
        apply_theme(qapp, "light")
        assert not is_dark(qapp.palette())
        assert level_color(Level.GOOD, qapp.palette()) != dark_green
        muted = muted_color(qapp.palette())
        text = qapp.palette().color(QPalette.ColorRole.WindowText)
        assert muted != text
    finally:
        apply_theme(qapp, "system")
