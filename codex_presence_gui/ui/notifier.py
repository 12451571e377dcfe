"""Shows desktop notifications: as a tray message, else through the system's notifier, else as
a notice inside the window (always somewhere the user can see)."""

from __future__ import annotations

import enum
import shutil
import sys
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QProcess
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from codex_presence_gui import APP_NAME, paths
from codex_presence_gui.core.notifications import Notice, by_urgency, one_message
from codex_presence_gui.ui.main_window import MainWindow


class Channel(enum.Enum):
    """Where a notification went."""

    TRAY = "tray"
    SYSTEM = "system"
    WINDOW = "window"


def _applescript_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def system_command(
    title: str,
    body: str,
    platform: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
) -> list[str] | None:
    """The command that shows a notification without a tray, or None where there is none."""
    if platform.startswith("linux") or "bsd" in platform:
        program = which("notify-send")
        if program is None:
            return None
        icon = paths.resource_path("icons/icon-256.png")
        return [program, f"--app-name={APP_NAME}", f"--icon={icon}", title, body]
    if platform == "darwin":
        program = which("osascript")
        if program is None:
            return None
        script = (
            f"display notification {_applescript_text(body)} with title {_applescript_text(title)}"
        )
        return [program, "-e", script]
    return None


class Notifier(QObject):
    """Delivers notifications; ``tray`` is the app's tray icon when the desktop has one."""

    def __init__(
        self,
        window: MainWindow,
        tray: QSystemTrayIcon | None = None,
        *,
        command: Callable[[str, str], list[str] | None] = system_command,
        start: Callable[[str, list[str]], bool] | None = None,
        tray_shown: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.tray = tray
        #: Whether a tray shows icons now: the panel that held the icon can go away (a
        #: panel restart, a tray extension turned off) while the icon still says it is
        #: visible, and a message shown then is seen by no one.
        self._tray_shown = tray_shown
        self._command = command
        self._start = start or _start_detached
        self._clock = clock

    def notify(self, title: str, body: str) -> Channel:
        """Show one notification; returns where it went. In the window, it replaces the
        notice of the same title."""
        return self._deliver((title, body), [(title, body, title)])

    def notify_all(self, notices: Sequence[Notice]) -> Channel | None:
        """Show what is due at once (None when nothing is): one message, the most urgent
        first, where one message at a time shows (a tray, the system's notifier); in the
        window, a notice for each limit window, replacing the last one about it (a message
        kept under one window's name would be replaced by that window's next news, the other
        windows' with it). Of one window's news due at once, the notice keeps the newest: a
        threshold of its new period, not the reset that ended the one before (the reset,
        least urgent, came last and replaced it)."""
        message = one_message(notices)
        if message is None:
            return None
        parts: dict[str, tuple[str, str, str]] = {}
        for notice in by_urgency(notices):
            # A threshold notice is about the window's current period, a reset about the
            # end of the one before: the first of a window, in this order, is the newest.
            parts.setdefault(notice.topic, (notice.title, notice.body, notice.topic))
        return self._deliver(message, list(parts.values()))

    def _deliver(self, message: tuple[str, str], parts: list[tuple[str, str, str]]) -> Channel:
        title, body = message
        if self.tray is not None and self.tray.isVisible() and self._tray_shown():
            self.tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 15_000)
            return Channel.TRAY
        command = self._command(title, body)
        if command is not None and self._start(command[0], command[1:]):
            return Channel.SYSTEM
        # A notice stays until dismissed: it says when it was given, so that "in 2 h" in it
        # reads from then, not from whenever it is read.
        said_at = time.strftime("%H:%M", time.localtime(self._clock()))
        for part_title, part_body, key in parts:
            self.window.show_notice(f"{said_at} · {part_title}: {part_body}", key=key)
        QApplication.alert(self.window)
        return Channel.WINDOW


def _start_detached(program: str, arguments: list[str]) -> bool:
    started, _pid = QProcess.startDetached(program, arguments)
    return bool(started)
