"""Window state kept between runs: geometry, layout and the Usage page's bars and period (a
QSettings INI file)."""

from __future__ import annotations

import enum
import logging
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, TypeVar

from PySide6.QtCore import QByteArray, QDataStream, QMargins, QPoint, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from codex_presence_gui.core.usage_recent import RECENT_DAYS, period_days
from codex_presence_gui.paths import keep_aside, make_folder, os_problem
from codex_presence_gui.ui.usage_chart import ChartMode

log = logging.getLogger(__name__)

#: ``ui.ini`` holds a few lines; a larger file is not one (Qt reads it whole, at start).
MAX_STATE_BYTES = 1 << 20
#: What ``QWidget.saveGeometry`` starts with.
GEOMETRY_MAGIC = 0x1D9D0CB
#: Room kept on the screen around a window for the window manager's frame and title bar
#: when the frame is not known (before the window is first shown).
FRAME_ROOM = QMargins(8, 40, 8, 8)
#: Frame margins beyond this (on any side) are no window manager's frame: ``FRAME_ROOM``.
MOST_FRAME = 200
#: The saved frame of a window that was shown with none round it (a window manager that
#: draws none, or KDE's Wayland, which draws it out of the app's sight): "0 0 0 0" was
#: written for a window not framed yet, and is read as a frame not known.
NO_FRAME = "none"


def frame_margins(window: QWidget) -> QMargins:
    """The window manager's frame around ``window`` as last known: none before it was
    shown, nor while what Qt tells is no frame (see ``is_frame``)."""
    frame, inner = window.frameGeometry(), window.geometry()
    margins = QMargins(
        inner.left() - frame.left(),
        inner.top() - frame.top(),
        frame.right() - inner.right(),
        frame.bottom() - inner.bottom(),
    )
    return margins if is_frame(margins) else QMargins()


def is_frame(margins: QMargins) -> bool:
    """Whether ``margins`` can be a window manager's frame: no side below none nor over
    ``MOST_FRAME``. A bogus one, fitted to, would shrink the window to a sliver."""
    sides = (margins.left(), margins.top(), margins.right(), margins.bottom())
    return all(0 <= side <= MOST_FRAME for side in sides)


def shown_unframed(window: QWidget) -> bool:
    """Whether ``window`` is on the screen with no frame round it: exposed (a window hidden,
    minimized or not shown yet is not, and its frame is not known), its frame its own edge."""
    handle = window.windowHandle()
    exposed = handle is not None and handle.isExposed()
    return exposed and window.frameGeometry() == window.geometry()


def framed_after_showing() -> bool:
    """Whether the window manager frames and places a window only once it shows (X11: it
    answers the window's request to be shown), not before, as Windows and macOS do."""
    return QGuiApplication.platformName() == "xcb"


def frame_room(frame: QMargins) -> QMargins:
    """The room a window keeps on its screen for its ``frame`` (``frame_margins``):
    ``FRAME_ROOM`` while none is known."""
    return FRAME_ROOM if frame.isNull() else frame


def placed_within(inner: QRect, frame: QMargins, room: QRect, least: QSize) -> QRect:
    """``inner`` (a window's geometry, without its ``frame``) moved, and shrunk where it is
    larger, so that all of it with its frame is inside ``room``; never smaller than
    ``least``."""
    width = max(min(inner.width(), room.width() - frame.left() - frame.right()), least.width())
    height = max(min(inner.height(), room.height() - frame.top() - frame.bottom()), least.height())
    x = min(inner.x(), room.right() + 1 - frame.right() - width)
    y = min(inner.y(), room.bottom() + 1 - frame.bottom() - height)
    # The top left last: a window too large even so keeps its title bar on the screen.
    x = max(x, room.x() + frame.left())
    y = max(y, room.y() + frame.top())
    return QRect(x, y, width, height)


def kept_centre(placed: QRect, size: QSize, room: QRect) -> QPoint:
    """The top left of a window's frame, grown (or shrunk) to ``size`` from ``placed`` (its
    frame where it was placed), that keeps the centre it was placed at; within ``room``."""
    x = placed.x() - (size.width() - placed.width()) // 2
    y = placed.y() - (size.height() - placed.height()) // 2
    x = max(min(x, room.right() + 1 - size.width()), room.x())
    y = max(min(y, room.bottom() + 1 - size.height()), room.y())
    return QPoint(x, y)


def placed_before_growing(frame: QRect, before: QSize, room: QRect) -> QRect:
    """Where the window manager had placed a window's frame of size ``before``, told only
    once it had answered the window's growth too: now ``frame``. A window grown keeps its
    top left (X11's gravity), unless that takes it past its screen's edge: openbox moves it
    in then, and where it had placed it is lost. Against ``room``'s far edge (right, lower)
    after growing, the window is taken to have been centred on that side, as openbox places
    a new window."""
    x, y = frame.x(), frame.y()
    if frame.width() > before.width() and frame.right() == room.right():
        x = room.x() + (room.width() - before.width()) // 2
    if frame.height() > before.height() and frame.bottom() == room.bottom():
        y = room.y() + (room.height() - before.height()) // 2
    return QRect(QPoint(x, y), before)


def nearest_room(frame: QRect, rooms: Sequence[QRect]) -> QRect:
    """Of ``rooms`` (the screens' available geometries, the primary one first), the one
    nearest to ``frame`` (a window with its frame): one it overlaps, else the one the least
    distance away; the first of those that tie."""

    def distance(room: QRect) -> int:
        across = max(room.left() - frame.right(), frame.left() - room.right(), 0)
        down = max(room.top() - frame.bottom(), frame.top() - room.bottom(), 0)
        return across * across + down * down

    return min(rooms, key=distance)


def _owner_depth(widget: QWidget | None, window: QWidget) -> int | None:
    """How many owners up from ``widget`` ``window`` is (0: ``widget`` is ``window``; 1: one
    of its dialogs; 2: a dialog of that dialog), or None when ``window`` owns no such one."""
    depth = 0
    while widget is not None:
        if widget is window:
            return depth
        widget = widget.parentWidget()
        depth += 1
    return None


def focus_within(window: QWidget) -> bool:
    """Whether ``window`` or one of its dialogs (Settings) has the focus."""
    return _owner_depth(QApplication.activeWindow(), window) is not None


def open_dialogs(window: QWidget) -> list[QDialog]:
    """The dialogs of ``window`` on screen (Settings; a folder picker over it), each after
    the one it belongs to."""
    owned: list[tuple[int, QDialog]] = []
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            depth = _owner_depth(widget, window)
            if depth:
                owned.append((depth, widget))
    return [dialog for _depth, dialog in sorted(owned, key=lambda pair: pair[0])]


def bring_to_front(window: QWidget) -> None:
    """Show ``window`` (minimized or hidden to the tray) as it was before, maximized or full
    screen again if it was (``showNormal`` had put a maximized window back at its normal
    size), raised and focused; or, while a dialog of its own blocks it (Settings), that
    dialog (or the last one over it) focused above it. A dialog that blocks nothing (a status
    item's details) is raised with it but left unfocused: the keyboard had gone to it from
    the window at each click on the tray's icon, and from Settings when Qt listed it last."""
    if window.isMinimized() or not window.isVisible():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.show()
    window.raise_()
    window.activateWindow()
    dialogs = open_dialogs(window)
    for dialog in dialogs:
        dialog.raise_()
    modal = [dialog for dialog in dialogs if dialog.isModal()]
    if modal:  # the window takes no input
        # The deepest one waited on, or a dialog of its own over it (the lists go by depth).
        over = [dialog for dialog in dialogs if _owner_depth(dialog, modal[-1]) is not None]
        over[-1].raise_()
        over[-1].activateWindow()


class LayoutMode(enum.Enum):
    """Full layout, compact layout, or chosen from the window's size."""

    AUTO = "auto"
    COMPACT = "compact"
    FULL = "full"


_Choice = TypeVar("_Choice", bound=enum.Enum)


#: The most text of kept model colours read or written (64 models of long names: 5 KB).
MAX_COLORS_TEXT = 16384


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
    def page(self) -> str:
        """The page the full layout showed last: ``"live"`` (the default) or ``"usage"``;
        anything else kept (another version's, a hand-edited one) reads as the default."""
        page = str(self._settings.value("window/page", "live"))
        return page if page in ("live", "usage") else "live"

    @page.setter
    def page(self, page: str) -> None:
        self._settings.setValue("window/page", page)
        self._sync()

    @property
    def chart_mode(self) -> ChartMode:
        """The Usage page's bars: of tokens (the default) or of cost."""
        return self._choice("usage/chart", ChartMode.TOKENS)

    @chart_mode.setter
    def chart_mode(self, mode: ChartMode) -> None:
        self._keep("usage/chart", mode)

    @property
    def usage_days(self) -> int:
        """The Usage page's period, in days: 7, 30 (the default) or 90; any other value kept
        (another version's, a hand-edited one) reads as the default."""
        return period_days(self._settings.value("usage/days", RECENT_DAYS))

    @usage_days.setter
    def usage_days(self, days: int) -> None:
        self._settings.setValue("usage/days", period_days(days))
        self._sync()

    @property
    def model_colors(self) -> dict[str, int]:
        """The colour each model had in the Usage page's charts (``viewmodels.usage.
        kept_colors``), so that it keeps it after a restart; empty for anything else kept
        there (another version's, a hand-edited or damaged value)."""
        import json

        from codex_presence_gui.viewmodels.usage import KEPT_COLORS, OWN_COLORS

        text = self._settings.value("usage/colors", "")
        if not isinstance(text, str) or len(text) > MAX_COLORS_TEXT:
            return {}
        try:
            kept = json.loads(text) if text else {}
        except (ValueError, RecursionError):
            return {}
        if not isinstance(kept, dict):
            return {}
        colors = {
            name: color
            for name, color in kept.items()
            if type(color) is int and color in OWN_COLORS and len(name) <= MAX_COLORS_TEXT
        }
        return dict(list(colors.items())[-KEPT_COLORS:])

    @model_colors.setter
    def model_colors(self, colors: dict[str, int]) -> None:
        import json

        text = json.dumps(colors, ensure_ascii=False, separators=(",", ":"))
        if len(text) <= MAX_COLORS_TEXT:
            self._settings.setValue("usage/colors", text)
            self._sync()

    def table_sort(self, table: str) -> tuple[str, bool] | None:
        """How ``table`` (``sessions``, ``projects``, ``models``) was last sorted: its column's
        name and whether largest first; None if never (or not in a form this version reads)."""
        column, _, order = str(self._settings.value(f"tables/{table}", "")).partition(" ")
        if not column or order not in ("descending", "ascending"):
            return None
        return column, order == "descending"

    def keep_table_sort(self, table: str, column: str, descending: bool) -> None:
        """Remember how ``table`` is sorted (see ``table_sort``)."""
        order = "descending" if descending else "ascending"
        self._settings.setValue(f"tables/{table}", f"{column} {order}")
        self._sync()

    def out_of_compact(self) -> tuple[QSize, bool] | None:
        """The size the window had when a compact layout was chosen over the full one, and
        whether it was maximized: what the full layout takes back, after a restart too (the
        default size had come back, the user's lost); None if unknown."""
        size = self._settings.value("window/full_size")
        if not isinstance(size, QSize) or size.width() <= 0 or size.height() <= 0:
            return None
        return size, str(self._settings.value("window/full_maximized", "false")) == "true"

    def keep_out_of_compact(self, size: QSize, maximized: bool) -> None:
        """Remember ``out_of_compact`` (at once, as the layout: a crash keeps them in step)."""
        self._settings.setValue("window/full_size", size)
        self._settings.setValue("window/full_maximized", "true" if maximized else "false")
        self._sync()

    def _choice(self, key: str, default: _Choice) -> _Choice:
        """The value kept under ``key``, else (none, or one this version does not know)
        ``default``."""
        try:
            return type(default)(str(self._settings.value(key, default.value)))
        except ValueError:
            return default

    def _keep(self, key: str, choice: enum.Enum) -> None:
        self._settings.setValue(key, choice.value)
        self._sync()

    def _sync(self) -> None:
        """Write what was set. The first write that fails is logged: Qt keeps the file as it
        was and says nothing (its status stays at the first error, so it is said once)."""
        failed_before = self._settings.status() != QSettings.Status.NoError
        self._settings.sync()
        if not failed_before and self._settings.status() != QSettings.Status.NoError:
            log.warning(
                "the window's size, place and layout could not be saved to %s (its folder "
                "cannot be written, or the disk is full); they stay as last saved",
                self.path,
            )

    def save_geometry(self, window: QWidget) -> None:
        """Remember the window's size and position, and its frame as last known: a window
        the window manager has not framed (never shown: started to the tray, or quit while
        minimized at start) keeps the frame saved before, not none, which had left the next
        start no room for it. A window shown with no frame saves ``NO_FRAME``: read as not
        known, it had been put back with room for a frame, 48 px less of the screen."""
        self._settings.setValue("window/geometry", window.saveGeometry())
        frame = frame_margins(window)
        if not frame.isNull():
            sides = (frame.left(), frame.top(), frame.right(), frame.bottom())
            self._settings.setValue("window/frame", " ".join(str(side) for side in sides))
        elif shown_unframed(window):
            self._settings.setValue("window/frame", NO_FRAME)
        self._sync()

    def restore_geometry(self, window: QWidget) -> bool:
        """Put the window back where it was, all of it (its frame too) on the screen it was
        on, or at the nearest edge of the screen nearest to it when that one is gone (as
        Windows and KDE do); False if unknown."""
        value = self._settings.value("window/geometry")
        if not isinstance(value, QByteArray) or value.isEmpty():
            return False
        saved = saved_geometry(value)
        if not window.restoreGeometry(value):
            if saved is None:
                return False
            # Qt gives up a place saved on a screen of another width than the one it now
            # takes for it (a second screen since unplugged, of another size): the window
            # had been placed as a first one, in the middle of the screen. At its normal
            # size on the screen nearest to where it was, and maximized (or full screen)
            # there again if it was: it had come back at its normal size.
            frame = self._frame()
            room = room_nearest(saved.geometry.marginsAdded(frame))
            window.setGeometry(placed_within(saved.normal, frame, room, window.minimumSize()))
            if saved.full_screen:
                window.setWindowState(window.windowState() | Qt.WindowState.WindowFullScreen)
            elif saved.maximized:
                window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
            return True
        if not window.isMaximized() and not window.isFullScreen():
            # From the place saved, not the one Qt restored: Qt moves a window near the
            # screen's edge in by a title bar's height it guesses, one a window with no
            # frame does not have.
            keep_on_screen(window, self._frame(), saved.geometry if saved else None)
        return True

    def saved_unframed(self) -> bool:
        """Whether the window was last shown with no frame round it (``NO_FRAME``)."""
        return str(self._settings.value("window/frame", "")) == NO_FRAME

    def _frame(self) -> QMargins:
        """The window's frame when it was saved (before it is shown, Qt knows none): none
        for ``NO_FRAME``, ``FRAME_ROOM`` when unknown (none saved, or "0 0 0 0": a window
        saved unframed)."""
        saved = str(self._settings.value("window/frame", ""))
        if saved == NO_FRAME:
            return QMargins()
        try:
            sides = [int(side) for side in saved.split()]
        except ValueError:
            return FRAME_ROOM
        if len(sides) != 4 or not is_frame(frame := QMargins(*sides)) or frame.isNull():
            return FRAME_ROOM
        return frame


class SavedGeometry(NamedTuple):
    """What ``saveGeometry`` keeps of a window: its geometry (without its frame), its
    normal geometry (the same unless maximized or full screen), and whether it was either."""

    geometry: QRect
    normal: QRect
    maximized: bool
    full_screen: bool


def saved_geometry(saved: QByteArray) -> SavedGeometry | None:
    """The window's place in ``saved``, what ``saveGeometry`` gives (``restoreGeometry``
    reads it and changes it); None when it holds none."""
    stream = QDataStream(saved)
    stream.setVersion(QDataStream.Version.Qt_4_0)
    if stream.readUInt32() != GEOMETRY_MAGIC:
        return None
    major = stream.readUInt16()
    stream.readUInt16()  # the minor version: each adds nothing before the geometry
    rects = [_read_rect(stream) for _ in range(2)]  # the frame's, the normal geometry
    stream.skipRawData(4)  # the screen's number
    maximized, full_screen = stream.readUInt8(), stream.readUInt8()
    if major > 2:  # the screen's width, then the geometry
        stream.skipRawData(4)
        rects.append(_read_rect(stream))
    if stream.status() != QDataStream.Status.Ok or not rects[-1].isValid():
        return None
    normal = rects[1] if rects[1].isValid() else rects[-1]
    return SavedGeometry(rects[-1], normal, bool(maximized), bool(full_screen))


def _read_rect(stream: QDataStream) -> QRect:
    left, top, right, bottom = (stream.readInt32() for _ in range(4))
    return QRect(QPoint(left, top), QPoint(right, bottom))


def keep_on_screen(window: QWidget, frame: QMargins, inner: QRect | None = None) -> None:
    """Move ``window`` (and shrink it where it is larger) so that all of it, with its
    ``frame``, is on the screen it is on, or on the primary screen when it is on none;
    from ``inner`` (its geometry as saved) when given. Qt's own clamp of a restored window
    guesses the frame as a title bar's height: under openbox, a window saved partly off the
    screen came back 4 px below its lower edge."""
    inner = window.geometry() if inner is None else inner
    room = room_nearest(inner.marginsAdded(frame))
    placed = placed_within(inner, frame, room, window.minimumSize())
    if placed != window.geometry():
        window.setGeometry(placed)


def room_nearest(framed: QRect) -> QRect:
    """The room of the screen ``framed`` (a window with its frame) is on, else of the one
    nearest to it (see ``nearest_room``)."""
    screen = QGuiApplication.screenAt(framed.center())
    if screen is not None:
        return screen.availableGeometry()
    primary = QGuiApplication.primaryScreen()
    others = [each for each in QGuiApplication.screens() if each is not primary]
    return nearest_room(framed, [each.availableGeometry() for each in (primary, *others)])


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
