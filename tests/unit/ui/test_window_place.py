"""A saved window place comes back wholly on the screen, frame and status bar included."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMargins, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from codex_presence_gui.ui.main_window import MainWindow
from codex_presence_gui.ui.window_state import FRAME_ROOM, WindowState, placed_within

#: Openbox's frame: a 20 px title bar, a 5 px handle below, 1 px sides.
OPENBOX = QMargins(1, 20, 1, 5)


def saved_at(qtbot: QtBot, path: Path, place: QRect, frame: str | None) -> None:
    """A window closed at ``place`` (offscreen, where Qt lets it be anywhere), its frame
    saved as ``frame`` (None: a file from before frames were saved)."""
    window = MainWindow(WindowState(path))
    qtbot.addWidget(window)
    window.setGeometry(place)
    window.close()
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    if frame is None:
        settings.remove("window/frame")
    else:
        settings.setValue("window/frame", frame)
    settings.sync()


def restored(qtbot: QtBot, path: Path) -> MainWindow:
    window = MainWindow(WindowState(path))
    qtbot.addWidget(window)
    return window


def room() -> QRect:
    return QGuiApplication.primaryScreen().availableGeometry()


@pytest.mark.parametrize(
    "place",
    [
        QRect(100, 600, 500, 400),  # its lower part below the screen
        QRect(500, 100, 500, 400),  # its right part beyond the screen
        QRect(-200, -100, 500, 400),  # its title bar above the screen
    ],
    ids=["below", "right", "above"],
)
def test_a_window_saved_partly_off_the_screen_comes_back_wholly_on_it(
    qtbot: QtBot, tmp_path: Path, place: QRect
) -> None:
    """Under openbox, a window saved partly below the screen came back with its frame's
    lower edge 4 px below the screen's (Qt's own clamp guesses the frame as a title bar's
    height): all of it is on the screen now, moved no further than needed."""
    path = tmp_path / "ui.ini"
    saved_at(qtbot, path, place, "1 20 1 5")
    window = restored(qtbot, path)
    frame = window.geometry().marginsAdded(OPENBOX)
    assert room().contains(frame), (frame, room())
    assert window.size() == place.size()
    if place.bottom() > room().bottom():
        assert frame.bottom() == room().bottom()  # moved just enough, not further
        assert window.x() == place.x()


def test_a_window_saved_without_its_frame_keeps_room_for_one(qtbot: QtBot, tmp_path: Path) -> None:
    """A file from before the frame was saved: the room a first window keeps for one."""
    path = tmp_path / "ui.ini"
    saved_at(qtbot, path, QRect(100, 600, 500, 400), None)
    window = restored(qtbot, path)
    assert room().contains(window.geometry().marginsAdded(FRAME_ROOM))


def test_a_window_saved_unframed_keeps_the_frame_saved_before(qtbot: QtBot, tmp_path: Path) -> None:
    """Closed before the window manager had framed it (offscreen here, as a window started
    to the tray and never shown), the window had saved its frame as none ("0 0 0 0"): the
    next start left no room for the title bar. The frame saved before stays."""
    path = tmp_path / "ui.ini"
    saved_at(qtbot, path, QRect(100, 100, 500, 400), "1 20 1 5")
    window = restored(qtbot, path)
    assert window.frameGeometry() == window.geometry()  # no frame known
    window.close()
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    assert settings.value("window/frame") == "1 20 1 5"


def test_a_frame_saved_as_none_keeps_room_for_one(qtbot: QtBot, tmp_path: Path) -> None:
    """A file an earlier version wrote with the frame unknown ("0 0 0 0"): restored below
    the screen's edge, the window keeps room for a frame as a first window does, not
    none (its frame's lower edge had come back below the screen's)."""
    path = tmp_path / "ui.ini"
    saved_at(qtbot, path, QRect(100, 600, 500, 400), "0 0 0 0")
    window = restored(qtbot, path)
    assert room().contains(window.geometry().marginsAdded(FRAME_ROOM))


def test_a_window_saved_on_a_screen_that_is_gone_comes_back_on_the_primary_one(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "ui.ini"
    saved_at(qtbot, path, QRect(room().right() + 1000, 300, 500, 400), "1 20 1 5")
    window = restored(qtbot, path)
    assert room().contains(window.geometry().marginsAdded(OPENBOX))


def test_a_window_larger_than_its_screen_shrinks_to_it_with_its_frame() -> None:
    """On a second screen (to the right of the first) smaller than the window: the window
    fits there, title bar first; never smaller than the layout needs."""
    second = QRect(1920, 0, 800, 480)
    placed = placed_within(QRect(2000, 100, 820, 580), OPENBOX, second, QSize(300, 200))
    assert placed == QRect(1921, 20, 798, 455)
    assert second.contains(placed.marginsAdded(OPENBOX))
    least = placed_within(QRect(2000, 100, 820, 580), OPENBOX, second, QSize(900, 600))
    assert (least.topLeft().x(), least.topLeft().y()) == (1921, 20)  # the title bar shows
    assert least.size() == QSize(900, 600)
