"""The tray icon: the most limiting window's remaining percent at a glance, and a small menu."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from codex_presence_gui import APP_NAME
from codex_presence_gui.core.dashboard import Dashboard
from codex_presence_gui.core.formatting import Level, format_reset_clock, level_of
from codex_presence_gui.core.models import UsageWindow
from codex_presence_gui.ui.theme import level_color

_SIZES = (16, 22, 24, 32, 48, 64)


def tray_available() -> bool:
    """Whether this desktop shows tray icons (never under the offscreen platform)."""
    return bool(QSystemTrayIcon.isSystemTrayAvailable())


def most_limiting(dashboard: Dashboard | None) -> UsageWindow | None:
    """The current window with the least capacity left (stale or reset readings excluded)."""
    if dashboard is None or dashboard.limits is None:
        return None
    now = dashboard.generated_at
    if dashboard.limits.is_stale(now):
        return None
    current = [w for w in dashboard.limits.windows if not w.is_past_reset(now)]
    return min(current, key=lambda w: w.remaining_percent, default=None)


def tray_pixmap(size: int, remaining: float | None) -> QPixmap:
    """A rounded square in the level's colour with the percent left (or a dash)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    level = Level.UNKNOWN if remaining is None else level_of(remaining)
    # The darker variants stay readable on light and dark task bars alike.
    painter.setBrush(level_color(level, QPalette()))
    painter.setPen(Qt.PenStyle.NoPen)
    radius = size * 0.22
    painter.drawRoundedRect(QRectF(0, 0, size, size), radius, radius)
    text = "–" if remaining is None else f"{min(round(remaining), 99)}"
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * (0.62 if len(text) < 2 else 0.56)))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap


def tray_icon(remaining: float | None) -> QIcon:
    """The tray icon at every common size."""
    icon = QIcon()
    for size in _SIZES:
        icon.addPixmap(tray_pixmap(size, remaining))
    return icon


def tray_tooltip(dashboard: Dashboard | None) -> str:
    """Both windows, what is left and when they reset."""
    if dashboard is None:
        return f"{APP_NAME}: reading Codex logs…"
    limits = dashboard.limits
    if limits is None:
        return f"{APP_NAME}: no limit reading yet"
    now = dashboard.generated_at
    lines = [APP_NAME]
    for window in limits.windows:
        if window.resets_at is not None and window.is_past_reset(now):
            lines.append(f"{window.label}: reset at {format_reset_clock(window.resets_at, now)}")
            continue
        when = (
            f", resets {format_reset_clock(window.resets_at, now)}"
            if window.resets_at is not None
            else ""
        )
        lines.append(f"{window.label}: {window.remaining_percent:.0f}% left{when}")
    if limits.is_stale(now):
        lines.append("(reading older than 15 minutes)")
    return "\n".join(lines)


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
        self.icon = QSystemTrayIcon(tray_icon(None), self)
        self.icon.setToolTip(tray_tooltip(None))
        self.menu = QMenu()
        self.toggle_action = QAction("Show window", self.menu)
        self.toggle_action.triggered.connect(self.toggle_window)
        settings = QAction("Settings…", self.menu)
        settings.triggered.connect(open_settings)
        quit_action = QAction("Quit", self.menu)
        quit_action.triggered.connect(quit_app)
        for action in (self.toggle_action, on_top, pause_discord, settings):
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(quit_action)
        self.menu.aboutToShow.connect(self._refresh_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self._remaining: float | None = -1.0

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def show_dashboard(self, dashboard: Dashboard) -> None:
        """Redraw the icon when the most limiting percent changes; refresh the tooltip."""
        window = most_limiting(dashboard)
        remaining = None if window is None else round(window.remaining_percent)
        if remaining != self._remaining:
            self._remaining = remaining
            self.icon.setIcon(tray_icon(remaining))
        self.icon.setToolTip(tray_tooltip(dashboard))

    def toggle_window(self) -> None:
        """Show (restored, raised) or hide the window."""
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
            return
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _refresh_menu(self) -> None:
        visible = self.window.isVisible() and not self.window.isMinimized()
        self.toggle_action.setText("Hide window" if visible else "Show window")

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        # On macOS a click opens the menu, as people expect there.
        if sys.platform != "darwin" and reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.toggle_window()
