"""Window state kept between runs: geometry, layout and the Usage page's bars (a QSettings INI
file)."""

from __future__ import annotations

import enum
import logging
import os
import stat
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QWidget

from codex_presence_gui.paths import keep_aside, make_folder, os_problem
from codex_presence_gui.ui.usage_chart import ChartMode

log = logging.getLogger(__name__)

#: ``ui.ini`` holds a few lines; a larger file is not one (Qt reads it whole, at start).
MAX_STATE_BYTES = 1 << 20


def bring_to_front(window: QWidget) -> None:
    """Show ``window`` (minimized or hidden to the tray) as it was before, maximized or full
    screen again if it was (``showNormal`` had put a maximized window back at its normal
    size), raised and focused."""
    if window.isMinimized() or not window.isVisible():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.show()
    window.raise_()
    window.activateWindow()


class LayoutMode(enum.Enum):
    """Full layout, compact layout, or chosen from the window's size."""

    AUTO = "auto"
    COMPACT = "compact"
    FULL = "full"


_Choice = TypeVar("_Choice", bound=enum.Enum)


class WindowState:
    """Reads and writes ``ui.ini``; unreadable values fall back to defaults, and a file that
    cannot be kept (its folder cannot be made) leaves the window with them: it is no reason
    not to open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            make_folder(path.parent)
        except OSError as error:
            log.warning("cannot keep the window's state in %s: %s", path, os_problem(error))
        else:
            _no_file_kept_aside(path)
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def layout_mode(self) -> LayoutMode:
        """The layout choice (automatic by default)."""
        return self._choice("window/layout", LayoutMode.AUTO)

    @layout_mode.setter
    def layout_mode(self, mode: LayoutMode) -> None:
        self._keep("window/layout", mode)

    @property
    def chart_mode(self) -> ChartMode:
        """The Usage page's bars: of tokens (the default) or of cost."""
        return self._choice("usage/chart", ChartMode.TOKENS)

    @chart_mode.setter
    def chart_mode(self, mode: ChartMode) -> None:
        self._keep("usage/chart", mode)

    def _choice(self, key: str, default: _Choice) -> _Choice:
        """The value kept under ``key``, else (none, or one this version does not know)
        ``default``."""
        try:
            return type(default)(str(self._settings.value(key, default.value)))
        except ValueError:
            return default

    def _keep(self, key: str, choice: enum.Enum) -> None:
        self._settings.setValue(key, choice.value)
        self._settings.sync()

    def save_geometry(self, window: QWidget) -> None:
        """Remember the window's size and position."""
        self._settings.setValue("window/geometry", window.saveGeometry())
        self._settings.sync()

    def restore_geometry(self, window: QWidget) -> bool:
        """Put the window back where it was (Qt clamps it to the screens); False if unknown."""
        value = self._settings.value("window/geometry")
        if not isinstance(value, QByteArray) or value.isEmpty():
            return False
        return bool(window.restoreGeometry(value))


def _no_file_kept_aside(path: Path) -> None:
    """Put aside what is at ``path`` but cannot be the state file: Qt would wait on a FIFO
    for a writer for ever, read a device or a huge file without end, and could not replace
    a folder."""
    try:
        info = os.stat(path)
    except OSError:
        return  # none (or a dangling link, which Qt's save replaces)
    if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_STATE_BYTES:
        return
    backup = keep_aside(path)
    log.warning("the window's state %s was no state file; kept as %s", path, backup)
