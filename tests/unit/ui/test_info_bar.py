"""Notices in the window: kept until dismissed, one per key, and readable in either theme."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from codex_presence_gui.core.formatting import Level
from codex_presence_gui.core.sanitize import tooltip_html
from codex_presence_gui.ui.info_bar import MAX_NOTICES, InfoBar, Notice
from codex_presence_gui.ui.theme import apply_theme, is_dark


def _lightness(color: object) -> float:
    return color.lightnessF()  # type: ignore[attr-defined]


def test_notices_are_kept_one_per_key_and_the_oldest_goes(qtbot: QtBot) -> None:
    bar = InfoBar()
    qtbot.addWidget(bar)
    assert bar.isHidden()
    bar.add_notice("first", key="a")
    bar.add_notice("first, again", key="a")
    assert bar.texts() == ["first, again"]
    for number in range(MAX_NOTICES):
        bar.add_notice(f"n{number}")
    assert bar.texts() == [f"n{number}" for number in range(MAX_NOTICES)]
    for text in bar.texts():
        bar.dismiss(text)
    assert bar.isHidden()


def test_a_notice_follows_a_theme_changed_while_it_shows(qtbot: QtBot, qapp: QApplication) -> None:
    """Switched to dark (or back) in Settings while a notice shows: its tinted background
    follows the window's, so that its text, which follows the palette, stays readable."""
    window = QWidget()
    qtbot.addWidget(window)
    bar = InfoBar(window)
    QVBoxLayout(window).addWidget(bar)
    try:
        apply_theme(qapp, "light")
        bar.add_notice("The settings file could not be read", Level.WARN)
        window.show()
        notice = bar.notices[0]
        for theme in ("dark", "light", "dark"):
            apply_theme(qapp, theme)
            qapp.processEvents()
            palette = notice.palette()
            background = palette.color(palette.ColorRole.Window)
            text = notice.label.palette().color(palette.ColorRole.WindowText)
            assert is_dark(palette) == (theme == "dark"), theme
            assert abs(_lightness(background) - _lightness(text)) > 0.5, theme
    finally:
        apply_theme(qapp, "system")


def test_a_show_file_button_does_not_widen_a_notice(qtbot: QtBot, tmp_path: Path) -> None:
    """The button goes under the text: the compact window is narrow, and a notice about a
    file already holds a long path."""
    backup = tmp_path / "settings.json.corrupt-20261130-020512"
    text = f"Your settings file could not be understood. It was kept as {backup}."
    plain, with_file = Notice("a", text, Level.WARN), Notice("b", text, Level.WARN, file=backup)
    qtbot.addWidget(plain)
    qtbot.addWidget(with_file)
    assert with_file.minimumSizeHint().width() <= plain.minimumSizeHint().width()
    assert with_file.show_button is not None
    assert with_file.show_button.toolTip() == tooltip_html(
        f"Open the folder that holds {backup.name}"
    )
