"""The tray icon: the most limiting window's percent left and mark, and a menu with every window."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Slot
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetricsF,
    QIcon,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon, QWidget

from codex_presence_gui.core.dashboard import Dashboard
from codex_presence_gui.core.formatting import Level
from codex_presence_gui.ui.labels import (
    left_to_right,
    name_drawn_in,
    plain_tooltip,
    show_as_written,
)
from codex_presence_gui.ui.theme import level_color
from codex_presence_gui.ui.window_state import bring_to_front, focus_within
from codex_presence_gui.viewmodels.glance import Glance, glance

_SIZES = (16, 20, 22, 24, 32, 40, 48, 64)

#: A window that lost the focus this recently was in front when the icon was clicked: on
#: Windows the click itself takes the focus to the taskbar before the icon hears of it.
FRONT_GRACE_S = 0.5

#: Below this size the mark is left out: at 16–20 px it would be about 4 px tall and unreadable,
#: and the number matters most (the tooltip and the menu name the window). From 22 px it reads.
MARK_MIN_SIZE = 22


class TrayFace(NamedTuple):
    """What the icon shows: the number (or a dash), the window's mark, colour and style."""

    text: str
    mark: str
    level: Level
    hollow: bool  # the number is not a fresh reading (stale, or a reset has passed)


NO_READING = TrayFace("–", "", Level.UNKNOWN, hollow=False)


def tray_available() -> bool:
    """Whether this desktop shows tray icons (never under the offscreen platform)."""
    return bool(QSystemTrayIcon.isSystemTrayAvailable())


def tray_face(view: Glance) -> TrayFace:
    """The face of the most limiting window, or the neutral dash without a reading."""
    window = view.limiting
    if window is None:
        return NO_READING
    return TrayFace(str(window.percent), window.mark, window.level, window.tentative)


def _color(level: Level) -> QColor:
    # The darker (light-theme) variants: white reads on them, and they read on light and dark
    # task bars alike when drawn as the outline and text of a hollow icon.
    return level_color(level, QPalette(QColor("white")))


def _fitted_font(text: str, box: QRectF, *, bold: bool) -> QFont:
    """The largest whole pixel size at which ``text`` fits ``box``: its ink across, a digit's
    height (or its own, if taller) up, so a dash or a ``0`` stands as tall as ``64``, no taller."""
    font = QFont()
    font.setBold(bold)
    # Slightly tighter than the font's own spacing, so 100 gets a larger size at 16 px.
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 94)
    size = max(int(box.height() * 1.6), 4)
    while size > 4:
        font.setPixelSize(size)
        metrics = QFontMetricsF(font)
        ink = metrics.tightBoundingRect(text)
        height = max(ink.height(), metrics.tightBoundingRect("0").height())
        if ink.width() <= box.width() and height <= box.height():
            break
        size -= 1
    font.setPixelSize(size)
    return font


def _draw_centered(painter: QPainter, text: str, box: QRectF, *, bold: bool) -> QRectF:
    """Draw ``text`` as large as fits, its ink centred in ``box``; returns where the ink is."""
    font = _fitted_font(text, box, bold=bold)
    ink = QFontMetricsF(font).tightBoundingRect(text)
    # Whole-pixel origins keep the glyph stems on the pixel grid, so small sizes stay crisp.
    x = round(box.center().x() - ink.center().x())
    y = round(box.center().y() - ink.center().y())
    painter.setFont(font)
    painter.drawText(QPointF(x, y), text)
    return ink.translated(x, y)


def _outline_width(size: int) -> int:
    # Whole pixels, drawn on the pixel grid: a crisp 1 px line reads better than a blurred 1.5.
    return max(1, size // 16)


def face_layout(size: int, face: TrayFace) -> tuple[QRectF, QRectF | None]:
    """The boxes of the number and of the mark (None when the mark is left out) in a square of
    ``size`` pixels."""
    # Text may come close to a filled edge, but must keep clear of a hollow icon's outline.
    pad = _outline_width(size) + 1.0 if face.hollow else max(1.0, size * 0.06)
    inner = QRectF(pad, pad, size - 2 * pad, size - 2 * pad)
    if not face.mark or size < MARK_MIN_SIZE:
        return inner, None
    gap = max(1.0, size * 0.04)
    number_h = round(inner.height() * 0.58)
    number = QRectF(inner.left(), inner.top(), inner.width(), number_h)
    mark_top = inner.top() + number_h + gap
    mark = QRectF(inner.left(), mark_top, inner.width(), inner.bottom() - mark_top)
    return number, mark


def paint_face(painter: QPainter, size: int, face: TrayFace) -> QRectF:
    """Paint ``face`` into a ``size`` square; returns where the number's ink is."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    color = _color(face.level)
    radius = size * 0.22
    if face.hollow:
        width = _outline_width(size)
        painter.setPen(QPen(color, width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = width / 2
        painter.drawRoundedRect(QRectF(half, half, size - width, size - width), radius, radius)
        ink_color = color
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(QRectF(0, 0, size, size), radius, radius)
        ink_color = QColor("white")
    painter.setPen(ink_color)
    number_box, mark_box = face_layout(size, face)
    # A bold dash fitted to the width turns into a block; a regular one still reads as a dash.
    ink = _draw_centered(painter, face.text, number_box, bold=face != NO_READING)
    if mark_box is not None:
        _draw_centered(painter, face.mark, mark_box, bold=True)
    return ink


def tray_pixmap(size: int, face: TrayFace) -> QPixmap:
    """The icon at one size."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    paint_face(painter, size, face)
    painter.end()
    return pixmap


def tray_icon(face: TrayFace) -> QIcon:
    """The icon at every common size, each drawn for its size rather than scaled."""
    icon = QIcon()
    for size in _SIZES:
        icon.addPixmap(tray_pixmap(size, face))
    return icon


class MirroredAction(QAction):
    """A checkable copy of ``original`` with no shortcut, checked whenever it is (either way).

    A menu shows an action's shortcut beside it; the tray's menu must not show the window's
    keys, which do nothing from the tray or while the window is hidden. Its connections to
    ``original`` are to its own methods, which Qt drops with it (a closure would outlive a
    tray made again, and touch its deleted copy)."""

    def __init__(self, original: QAction, parent: QObject) -> None:
        super().__init__(original.text(), parent)
        self.original = original
        self.setCheckable(original.isCheckable())
        self.follow()
        original.changed.connect(self.follow)
        original.toggled.connect(self.setChecked)
        # Checking the copy checks the original, whose own handlers then do the work.
        self.toggled.connect(original.setChecked)

    @Slot()
    def follow(self) -> None:
        """Take the original's text, state and check."""
        original = self.original
        self.setText(original.text())
        self.setEnabled(original.isEnabled())
        self.setChecked(original.isChecked())


def as_written(text: str) -> str:
    """``text`` for a menu line, its "&" shown rather than taken for an access key."""
    return text.replace("&", "&&")


class Tray(QObject):
    """The tray icon and its menu; shown only where the desktop has a tray."""

    def __init__(
        self,
        window: QWidget,
        *,
        on_top: QAction,
        pause_discord: QAction,
        open_settings: Callable[[], None],
        quit_app: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        #: The wall clock, read when the menu opens so its ages and resets are current.
        self.clock: Callable[[], float] = time.time
        #: The steady clock that dates the window's last loss of the focus.
        self.ticks: Callable[[], float] = time.monotonic
        self._left_front_at = -FRONT_GRACE_S - 1.0
        #: What the menu's show/hide line said when the menu opened, and so what it does.
        self._menu_hides = False
        self._focused_here = self._focus_here()
        #: A click brought the shown window up, and it has not had the focus since: the
        #: desktop refused the raise (GNOME's focus-stealing prevention, Wayland), and the
        #: next click hides it instead of asking again for ever.
        self._raise_unanswered = False
        # Any window's activation, not only this one's: the focus may be on one of its
        # dialogs (Settings), and leave from there.
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusWindowChanged.connect(self._focus_moved)
        self._dashboard: Dashboard | None = None
        self._face = NO_READING
        self.icon = QSystemTrayIcon(tray_icon(NO_READING), self)
        self.menu = QMenu()
        self.menu.setToolTipsVisible(True)  # a line's given one only: the zone note's
        self.toggle_action = QAction("Show &window", self.menu)
        self.toggle_action.triggered.connect(self._menu_toggle)
        settings = QAction(self.menu)
        show_as_written(self.menu, (settings.setText, "&Settings…"))  # "…" last in RTL too
        settings.triggered.connect(open_settings)
        quit_action = QAction("&Quit", self.menu)
        quit_action.triggered.connect(quit_app)
        #: The window's "Always on top" without its Ctrl+T, which works only in the window.
        self.on_top_action = MirroredAction(on_top, self.menu)
        for action in (self.toggle_action, self.on_top_action, pause_discord, settings):
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(quit_action)
        #: The window lines go above this separator.
        self._lines_end = self.menu.insertSeparator(self.toggle_action)
        self.line_actions: list[QAction] = []
        self.menu.aboutToShow.connect(self._refresh_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self._show(glance(None))

    @property
    def face(self) -> TrayFace:
        """What the icon shows now."""
        return self._face

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def show_dashboard(self, dashboard: Dashboard) -> None:
        """Show a new refresh: icon (redrawn only when its face changes), tooltip, menu lines."""
        self._dashboard = dashboard
        self._show(glance(dashboard))

    def toggle_window(self) -> None:
        """Hide the window if it is in front; otherwise show it (restored, raised, focused).

        A window behind others is brought up rather than hidden: a click on the icon means
        "let me see it", and hiding what cannot be seen would need a second click to undo.
        """
        if self.window_in_front() or (self._raise_unanswered and self.window.isVisible()):
            self._raise_unanswered = False
            self.window.hide()
            return
        self._raise_unanswered = self.window.isVisible() and not self.window.isMinimized()
        self.show_window()

    def window_in_front(self) -> bool:
        """Whether the user can see the window now: shown, not minimized, and focused (or
        focused until a moment ago, the click on the icon having taken the focus) or pinned
        above the others."""
        window = self.window
        if not window.isVisible() or window.isMinimized():
            return False
        # The pin is set on the native window once shown (the widget's flags may not say it).
        handle = window.windowHandle()
        flags = handle.flags() if handle is not None else window.windowFlags()
        return (
            self._focus_here()
            or self.ticks() - self._left_front_at < FRONT_GRACE_S
            or bool(flags & Qt.WindowType.WindowStaysOnTopHint)
        )

    def _focus_here(self) -> bool:
        # Its dialogs count: with Settings open, the window itself never has the focus (a
        # click had only raised it again, never hidden it).
        return focus_within(self.window)

    def _focus_moved(self) -> None:
        here = self._focus_here()
        if self._focused_here and not here:
            self._left_front_at = self.ticks()
        if here:
            self._raise_unanswered = False  # the raise was answered
        self._focused_here = here

    def _menu_toggle(self) -> None:
        # The line does what it said when the menu opened: the menu has the focus by now.
        if self._menu_hides:
            self.window.hide()
        else:
            self.show_window()

    def show_window(self) -> None:
        """Show the window, restored, raised and focused."""
        bring_to_front(self.window)

    def _show(self, view: Glance) -> None:
        face = tray_face(view)
        if face != self._face:
            self._face = face
            self.icon.setIcon(tray_icon(face))
        # Plain where Qt draws it (an X11 tray) as where Windows does: it holds names.
        self.icon.setToolTip(plain_tooltip(view.tooltip))
        direction = self.menu.layoutDirection()
        # A model's name from the logs is laid out in its own direction (a Hebrew one would
        # take the "5h" after it into its run), and its "&" is shown, not taken for a key.
        drawn = tuple(
            f"{name_drawn_in(direction, as_written(w.whose))} {w.line}" if w.whose else w.line
            for w in (*view.windows, *view.others)  # the account's own windows unnamed
        )
        # A folder's name in the waiting line, a TZ in the note: theirs too.
        lines = drawn or (as_written(view.waiting),)
        # Under the reset clocks, that they are UTC's: short, the sentence in its tooltip
        # (as the limits panel says it), which the menu shows.
        note = as_written(view.zone_line)
        self._set_lines((*lines, note) if note else lines, last_tip=view.zone_note)

    def _set_lines(self, lines: tuple[str, ...], *, last_tip: str = "") -> None:
        """One action per line, above the window actions; reused when the count holds; the
        last one's tooltip ``last_tip`` (none on the others).

        The lines are enabled (greyed text is hard to read, and the numbers are the point of
        the menu): choosing one opens the window, where the whole story is.
        """
        while len(self.line_actions) > len(lines):
            action = self.line_actions.pop()
            self.menu.removeAction(action)
            action.deleteLater()
        while len(self.line_actions) < len(lines):
            action = QAction(self.menu)
            action.triggered.connect(self.show_window)
            self.menu.insertAction(self._lines_end, action)
            self.line_actions.append(action)
        # Read as written in a right-to-left menu too: "Reading your Codex logs…" had been drawn
        # "…Reading your Codex logs".
        written = self.menu.layoutDirection() == Qt.LayoutDirection.RightToLeft
        for action, text in zip(self.line_actions, lines, strict=True):
            action.setText(left_to_right(text) if written else text)
            action.setToolTip(last_tip if action is self.line_actions[-1] else "")

    def _refresh_menu(self) -> None:
        self._menu_hides = self.window_in_front()
        self.toggle_action.setText("Hide &window" if self._menu_hides else "Show &window")
        if self._dashboard is not None:
            # The last refresh may be seconds old: ages and passed resets are taken at the
            # moment the menu opens (never before the refresh itself).
            now = max(self.clock(), self._dashboard.generated_at)
            self._show(glance(self._dashboard, now=now))

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        # On macOS a click opens the menu, as people expect there.
        if sys.platform != "darwin" and reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.toggle_window()
