"""Composition root: one instance, settings, window, session feed, usage feed, Discord and tray,
wired.

Start-up order: logging; the QApplication; Qt messages and uncaught exceptions routed to the
log; the single-instance check (a second launch hands over and exits here); settings; the
window (shown at once, in its loading state); the feed, whose first read runs in its own
thread; the Discord worker; the tray. The usage feed starts once the first view is out (its
index update would only compete with that read) and updates when sessions use tokens. On quit
everything stops in reverse, within 2 s.

Every way out takes one path, ``AppShell.request_exit``: File → Quit, the tray, a takeover by
``--replace``, SIGINT/SIGTERM/SIGHUP, the end of the desktop session, and on Windows the
console's close and log-off events. It stops everything (the Discord card cleared, the window
state saved, "stopped in N ms" logged) and then leaves the event loop with the exit code.
"""

from __future__ import annotations

import argparse
import gc
import json
import locale
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType

import shiboken6
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QObject,
    QSize,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QIcon, QSessionManager
from PySide6.QtWidgets import QApplication, QMessageBox

from codex_presence_gui import APP_ID, APP_NAME, __version__, logging_setup, paths
from codex_presence_gui.core.autostart import (
    BASE_DIR_OPTION,
    ensure_launch_at_login,
    launches_at_login,
    set_launch_at_login,
    turned_off_by_desktop,
)
from codex_presence_gui.core.dashboard import Dashboard, build_dashboard, for_display, history_since
from codex_presence_gui.core.discovery import (
    capped_homes,
    discover,
    left_out_message,
    no_home_message,
    resolve_codex_homes,
)
from codex_presence_gui.core.formatting import format_reset_clock, unbroken
from codex_presence_gui.core.history import HistoryReader
from codex_presence_gui.core.notifications import (
    NOTIFICATIONS_FILE,
    NotificationLog,
    due_notices,
)
from codex_presence_gui.core.presence import (
    PAUSED_UNTIL_RESUMED,
    PresenceSettings,
    card_note,
    compose_card,
    is_paused,
    preview_lines,
    resolve_client_id,
)
from codex_presence_gui.core.problems import homes_cap_text, warning_line
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.sanitize import clean_text
from codex_presence_gui.core.settings import (
    SETTINGS_FILE,
    Settings,
    codex_home_of,
    edited_over,
)
from codex_presence_gui.core.usage_index import UsageIndex
from codex_presence_gui.core.usage_recent import RECENT_DAYS, read_recent
from codex_presence_gui.core.zones import local_zone
from codex_presence_gui.services import qt_logging
from codex_presence_gui.services.discord_worker import (
    DiscordPresence,
    DiscordState,
    DiscordStatus,
    seconds,
)
from codex_presence_gui.services.session_feed import SessionFeed
from codex_presence_gui.services.settings_store import SettingsStore
from codex_presence_gui.services.signals import ConsoleEvents, ExitSignals
from codex_presence_gui.services.single_instance import Outcome, SingleInstance, server_name
from codex_presence_gui.services.usage_feed import UsageFeed
from codex_presence_gui.services.worker import exiting_with
from codex_presence_gui.ui.layout_check import layout_report
from codex_presence_gui.ui.main_window import COMPACT_SIZE, DEFAULT_SIZE, LIVE_PAGE, MainWindow
from codex_presence_gui.ui.notifier import Notifier
from codex_presence_gui.ui.settings_dialog import SettingsDialog
from codex_presence_gui.ui.theme import apply_theme
from codex_presence_gui.ui.tray import Tray, tray_available
from codex_presence_gui.ui.window_state import LayoutMode, WindowState
from codex_presence_gui.viewmodels.usage import UsageView, usage_view

log = logging.getLogger(__name__)

#: The sizes a window opens at with none saved.
SCREENSHOT_FULL_SIZE = DEFAULT_SIZE
SCREENSHOT_COMPACT_SIZE = COMPACT_SIZE
#: Each of the feed and the Discord worker gets this long to stop on quit.
STOP_TIMEOUT_MS = 900
#: ``--startup-check`` gives up (and fails) when the window has not painted and read by then.
STARTUP_CHECK_TIMEOUT_MS = 30_000
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: macOS activates an app that starts hidden to the tray; that is not the user asking for it.
LAUNCH_ACTIVATION_S = 2.0
#: A pause's end is checked at least this often (a timer can oversleep a suspended machine).
PAUSE_CHECK_MAX_MS = 60_000
#: How often a desktop that had no tray is asked again whether it has one now: often while
#: a panel may still be starting (the first minutes after log-in), then once a minute.
TRAY_CHECK_MS = 5_000
TRAY_CHECK_SLOW_MS = 60_000
TRAY_CHECK_FAST_S = 300.0
#: The Discord line when Settings has it off: the worker, which only stops, says "paused".
DISCORD_TURNED_OFF = "Discord: off (turned off in Settings)"


def application() -> QApplication:
    """The QApplication (created once), named for settings and the desktop."""
    existing = QApplication.instance()
    if not isinstance(existing, QApplication):
        # Before Qt starts: what it says as it starts (a locale it had to change) is logged.
        qt_logging.install()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    # Qt sets the C library's locale from the environment as it starts (on Unix): strftime's
    # day and month names then followed it in the window's English ("Today, Mittwoch 2
    # Dezember 2026", "resets … (Sa 07:28)"; "月 9 11月" under the chart), and on Discord,
    # where the command line, which starts no Qt, says "Sat 07:28".
    locale.setlocale(locale.LC_TIME, "C")
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    """The app's icon at every size we ship (an empty icon if the resources are missing)."""
    icon = QIcon()
    for size in APP_ICON_SIZES:
        path = paths.resource_path(f"icons/icon-{size}.png")
        if path.is_file():
            icon.addFile(str(path))
    if icon.isNull():
        log.warning("app icon not found under %s", paths.resource_path("icons"))
    return icon


def homes_from(args: argparse.Namespace, settings: Settings | None = None) -> tuple[Path, ...]:
    """The Codex homes: the command line's, else the settings' (``settings``, else the file's
    for a command that loads none), else the default."""
    given = command_line_homes(args)
    if given:
        return given
    configured = settings.codex_homes if settings is not None else paths.configured_homes()
    return resolve_codex_homes([], configured)


def command_line_homes(args: argparse.Namespace) -> tuple[Path, ...]:
    """The Codex homes ``--codex-home`` gave (before or after a command); empty without."""
    given = [*args.codex_homes, *(getattr(args, "command_homes", None) or [])]
    return resolve_codex_homes(given) if given else ()


def build_main_window(state: WindowState | None = None) -> MainWindow:
    """The main window, in its loading state."""
    return MainWindow(state)


def offscreen() -> bool:
    """True under the offscreen platform (tests, screenshots): no dialogs then."""
    app = QApplication.instance()
    name = app.platformName() if isinstance(app, QApplication) else ""
    return name == "offscreen" or os.environ.get("QT_QPA_PLATFORM") == "offscreen"


class ErrorReporter(QObject):
    """``sys.excepthook`` and ``threading.excepthook``: log the traceback, tell the user
    briefly, keep running.

    Widgets may only be built on the GUI thread. An error on any other thread (a worker, a
    Python thread) is logged there and handed to the GUI thread through a queued signal, which
    shows the message.

    Signals:
        reported(str): on the GUI thread, for each error the user is told about.
    """

    reported = Signal(str)
    _report_wanted = Signal(str)

    def __init__(self, log_path: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self._last_dialog = 0.0
        #: The dialogs open now. A dialog without a parent is deleted with its last Python
        #: reference: held only by a local, it had closed the moment it opened.
        self.dialogs: list[QMessageBox] = []
        self._report_wanted.connect(self._report, Qt.ConnectionType.QueuedConnection)

    def __call__(
        self,
        kind: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        text = "".join(traceback.format_exception(kind, error, trace))
        log.error("unexpected error (thread %s):\n%s", threading.current_thread().name, text)
        if on_gui_thread():
            self._report(str(error))
        else:
            self._report_wanted.emit(str(error))

    def thread_hook(self, args: threading.ExceptHookArgs) -> None:
        """``threading.excepthook``: the same, for an error that ended a Python thread."""
        if args.exc_type is SystemExit:
            return  # a thread that exits on purpose, as threading's own hook treats it
        error = args.exc_value if args.exc_value is not None else args.exc_type()
        self(args.exc_type, error, args.exc_traceback)

    @Slot(str)
    def _report(self, message: str) -> None:
        self.reported.emit(message)
        if offscreen() or time.monotonic() - self._last_dialog < 10:
            return
        self._last_dialog = time.monotonic()
        where = f"\n\nDetails are in {self.log_path}." if self.log_path else ""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            APP_NAME,
            f"Something went wrong: {message}{where}\n\nThe app keeps running.",
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Not the app's last window: with the window hidden to the tray, closing it had
        # quit the app.
        box.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.dialogs = [*(kept for kept in self.dialogs if shiboken6.isValid(kept)), box]
        box.open()


def on_gui_thread() -> bool:
    """True on the thread that runs the QApplication (or when there is none yet)."""
    app = QApplication.instance()
    return app is None or QThread.currentThread() is app.thread()


class AppShell(QObject):
    """The running app: owns the pieces and applies settings to them live.

    Signals:
        stopped(): everything has stopped (the card is cleared, the state saved).
    """

    stopped = Signal()

    def __init__(
        self,
        app: QApplication,
        args: argparse.Namespace,
        instance: SingleInstance,
        log_path: Path | None,
        *,
        platform: str | None = None,
        freeze_collector: bool = False,
    ) -> None:
        """``platform`` is ``sys.platform`` unless a test says otherwise; ``freeze_collector``
        (the app's own process, not a test's): see ``_show``."""
        super().__init__()
        self.app = app
        self.platform = sys.platform if platform is None else platform
        self._freeze_collector = freeze_collector
        self.args = args
        self.instance = instance
        self.store = SettingsStore(paths.config_dir() / SETTINGS_FILE)
        settings = self.store.settings
        apply_theme(app, settings.theme)
        self.window = MainWindow(
            WindowState(paths.config_dir() / "ui.ini"), always_on_top=settings.always_on_top
        )
        self.window.log_folder = log_path.parent if log_path else paths.log_dir()
        self.dashboard: Dashboard | None = None
        #: The wall clock (tests replace it): pauses end and cards clear by it.
        self.clock = time.time
        #: Ends a timed pause when its time comes (restarted by ``_apply_pause``).
        self._pause_timer = QTimer(self)
        self._pause_timer.setSingleShot(True)
        self._pause_timer.timeout.connect(self._apply_pause)
        self._discord_message = "Discord: off"
        self._discord_connected = False  # friends see the card now
        #: When the Discord worker's next try is due (``monotonic``, as its timer: a clock
        #: set back does not stretch it), while it says so: the status bar counts down to
        #: it instead of repeating the first delay.
        self.monotonic = time.monotonic
        self._retry_at: float | None = None
        self._retry_tick = QTimer(self)
        self._retry_tick.setInterval(1000)
        self._retry_tick.timeout.connect(self._tick_retry)
        self.feed = self._new_feed(settings)
        self.usage = self._new_usage(settings)
        self.window.usage_page.days_chosen.connect(self._choose_usage_days)
        self.presence = self._new_presence(settings)
        #: The settings dialog while it is open (one at a time).
        self._settings_dialog: SettingsDialog | None = None
        #: Why the settings being applied could not all be (a log-in entry refused).
        self._not_applied = ""
        self.tray: Tray | None = self._new_tray() if tray_available() else None
        self.window.close_to_tray = settings.close_to_tray and self.tray is not None
        self.notifications = NotificationLog(paths.state_dir() / NOTIFICATIONS_FILE)
        self.notifier = Notifier(
            self.window, self.tray.icon if self.tray is not None else None, parent=self
        )
        #: Started at log-in before the desktop's panel, the app found no tray: it looks
        #: again until one is there, and puts its icon in it then (it had stayed without
        #: one, and without closing to the tray, for the whole run).
        self._tray_check = QTimer(self)
        self._tray_check.setInterval(TRAY_CHECK_MS)
        self._tray_check.timeout.connect(self._look_for_tray)
        if self.tray is None:
            self._tray_check.start()
        #: The tray gone while the window is hidden to it (the panel quit, or crashed and
        #: is restarting): the window comes back. Nothing on the screen had reached it (the
        #: icon gone, no taskbar entry) until the tray was back.
        self._tray_gone_check = QTimer(self)
        self._tray_gone_check.setInterval(TRAY_CHECK_MS)
        self._tray_gone_check.timeout.connect(self._show_if_tray_gone)
        if self.tray is not None:
            self._tray_gone_check.start()
        self.window.refresh_requested.connect(self.refresh)
        self.window.settings_requested.connect(self.open_settings)
        self.window.quit_requested.connect(self.quit)
        self.window.codex_folder_chosen.connect(self.use_codex_folder)
        self.window.always_on_top_changed.connect(self._remember_on_top)
        self.window.discord_paused_changed.connect(self._pause_discord)
        self.window.discord_pause_requested.connect(self.pause_discord)
        self.instance.activate_requested.connect(self.window.bring_to_front)
        # A launch with --codex-home is told whether its folders are the ones read here.
        self.instance.details = lambda: _folders_read(self.feed.homes)
        self.instance.replace_requested.connect(lambda: self.request_exit("replaced", 0))
        self.store.changed.connect(self.apply_settings)
        self.store.changed.connect(self._show_in_settings_dialog)
        # The file edited by hand while the app runs: said (a broken edit, kept aside).
        self.store.told.connect(
            lambda text, file: self.window.show_notice(text, key="settings-file", file=file)
        )
        self._applied = settings
        app.aboutToQuit.connect(self._quitting_by_qt)
        # The desktop session ends (log-out, shut-down): Qt asks us to save, and the session
        # manager may kill the process right after, so stop now rather than later.
        app.commitDataRequest.connect(self._session_ending)
        # Not QEvent.ApplicationActivate as well: Qt 6 sends it only when a window becomes
        # active, never for a window hidden to the tray, and catching it would need an event
        # filter on the application, run in Python for every event of every object.
        app.applicationStateChanged.connect(self._application_state)
        self._started_at = time.monotonic()
        self._started_hidden = False
        self._stopped = False
        self._exit_code: int | None = None

    # -- start and stop -----------------------------------------------------------------

    def start(self) -> None:
        """Show the window (or keep it minimized), start reading and publishing."""
        settings = self.store.settings
        minimized = bool(self.args.minimized) or settings.start_minimized
        if getattr(self.args, "startup_check", False):
            minimized = False  # the check is about the window being drawn
        if self.tray is not None:
            self.tray.show()
        if minimized and self.window.close_to_tray:
            pass  # only the tray icon: the window opens from there
        elif minimized:
            self.window.showMinimized()
        else:
            self.window.show()
        self._started_at = time.monotonic()
        self._started_hidden = not self.window.isVisible()
        self.feed.start()
        self._apply_pause()  # a pause kept from the last run goes on, or ended meanwhile
        if self.presence is not None:
            self.presence.start()
        if self.store.load_message:
            self.window.show_notice(self.store.load_message, file=self.store.load_file)
        self.store.watch()  # a change made to the file by hand applies from now on
        turned_off = turned_off_by_desktop() if settings.launch_at_login else None
        if turned_off is not None:
            # The user's choice, made where the desktop lists what starts at log-in: the
            # setting follows it, and the entry stays as the desktop left it (applied, the
            # change would remove it).
            self._applied = replace(self._applied, launch_at_login=False)
            self._save_settings(replace(settings, launch_at_login=False))
            self.window.show_notice(
                "Start when I log in was turned off in your desktop's startup settings "
                f"({clean_text(str(turned_off))}): the app no longer starts at log-in. To "
                "start it then again, tick it in Settings.",
                file=turned_off,
            )
        elif settings.launch_at_login:
            # The app may have moved or been updated since the entry was written.
            problem = ensure_launch_at_login(True)
            if problem:
                self._tell(problem)
        log.info("%s %s started (primary instance, pid %d)", APP_NAME, __version__, os.getpid())

    def _new_tray(self) -> Tray:
        return Tray(
            self.window,
            on_top=self.window.on_top_action,
            pause_discord=self.window.pause_menu.menuAction(),
            open_settings=self.open_settings,
            quit_app=self.quit,
        )

    def _look_for_tray(self) -> None:
        """A tray that appeared since the start gets the icon, as one there at start would."""
        if self._stopped or self.tray is not None:
            self._tray_check.stop()
            return
        if not tray_available():
            if time.monotonic() - self._started_at > TRAY_CHECK_FAST_S:
                self._tray_check.setInterval(TRAY_CHECK_SLOW_MS)  # a desktop without one
            return
        self._tray_check.stop()
        self._tray_gone_check.start()
        log.info("a system tray appeared: showing the tray icon")
        self.tray = self._new_tray()
        self.notifier.tray = self.tray.icon
        self.window.close_to_tray = self.store.settings.close_to_tray
        if self.dashboard is not None:
            self.tray.show_dashboard(self.dashboard)
        self.tray.show()

    def _show_if_tray_gone(self) -> None:
        if self._stopped or self.window.isVisible() or tray_available():
            return
        log.info("the system tray is gone: showing the window that was hidden to it")
        self.window.bring_to_front()

    def quit(self) -> None:
        """Quit from the menu or the tray."""
        self.request_exit("quit", 0)

    @Slot(str, int)
    def request_exit(self, reason: str, code: int = 0) -> None:
        """The one way out: stop everything now, then leave the event loop with ``code``.

        ``app.exit`` rather than ``app.quit``: Qt 6 lets a window veto ``quit()`` by ignoring
        its close event, which the window does when it closes to the tray.
        """
        if self._exit_code is None:
            self._exit_code = code
            log.info("quitting: %s", reason)
        else:
            log.info("quitting already; %s ignored", reason)
        self.shutdown()
        # Ends every loop running (a modal dialog's too) once control returns to it.
        self.app.exit(self.exit_code)

    def _quitting_by_qt(self) -> None:
        """Qt quits by itself when the last window closes (the window closed, not to the
        tray): said in the log as every other way out is, then stopped as they are."""
        if self._exit_code is None and not self._stopped:
            log.info("quitting: the window was closed")
        self.shutdown()

    def _vanish(self) -> None:
        """Take the windows and the tray icon off the screen before the threads are stopped:
        a read stuck on a share that stopped answering holds the exit for up to 10 s, and the
        window had stayed drawn that long, frozen, after the user chose Quit."""
        # Not followed by QGuiApplication.sync(), which runs the events queued meanwhile (a
        # view from the feed, a second launch's "show the window"): a window's hide sends
        # its unmapping to the display itself.
        for widget in QApplication.topLevelWidgets():
            widget.hide()
        if self.tray is not None:
            self.tray.hide()

    @property
    def exit_code(self) -> int:
        """The code the first exit request asked for (0 when none did)."""
        return self._exit_code or 0

    def shutdown(self) -> None:
        """Stop the feed and the Discord worker (card cleared), save, release the instance."""
        if self._stopped:
            return
        self._stopped = True
        started = time.monotonic()
        if self.window.state is not None:
            self.window.state.save_geometry(self.window)
        self._vanish()
        self._pause_timer.stop()
        self._tray_check.stop()
        self._tray_gone_check.stop()
        self.store.watch(False)  # nothing is applied to a window being torn down
        self._retry_tick.stop()  # (the window it counts down in may be gone before the shell)
        self.usage.abort()  # an index update ends while the others stop
        self.feed.stop(STOP_TIMEOUT_MS)
        if self.presence is not None:
            self.presence.stop(STOP_TIMEOUT_MS)
        self.usage.stop(STOP_TIMEOUT_MS)
        # A CSV still being written is given up: the file that was there stays as it was.
        self.window.usage_page.stop_export(STOP_TIMEOUT_MS)
        self.instance.release()
        log.info("stopped in %.0f ms", (time.monotonic() - started) * 1000)
        self.stopped.emit()

    def _session_ending(self, manager: QSessionManager) -> None:
        self.request_exit("the desktop session ends", 0)

    # -- macOS: re-open from Finder, the Dock or Spotlight --------------------------------

    def _application_state(self, state: Qt.ApplicationState) -> None:
        """macOS activates the running app instead of starting a second one (so the
        single-instance hand-over never happens): a window hidden to the tray comes back."""
        if self.platform != "darwin" or state != Qt.ApplicationState.ApplicationActive:
            return
        if self._stopped or self.window.isVisible():
            return
        if self._started_hidden and time.monotonic() - self._started_at < LAUNCH_ACTIVATION_S:
            return  # the launch's own activation, not a re-open
        log.info("re-opened: showing the window")
        self.window.bring_to_front()

    # -- settings -----------------------------------------------------------------------

    def open_settings(self) -> None:
        """The settings dialog; applied settings take effect at once. Asked for again while
        it is open (the tray's Settings… works while the window's dialog is up), the open
        one comes to the front (with the window, when both were hidden to the tray): a
        second one had opened over it, and the OK of either saved its own copy over what the
        other had applied."""
        open_now = self._settings_dialog
        if (
            open_now is not None
            and shiboken6.isValid(open_now)
            and (open_now.isVisible() or self.window.keeps_away(open_now))
        ):
            self.window.bring_to_front()  # shows it again, above the window
            return

        def preview(presence: PresenceSettings) -> list[str]:
            board = self.dashboard
            if board is None:
                return ["(waiting for the first read of your Codex logs)"]
            if getattr(self.args, "private", False):
                presence = replace(presence, privacy_mode=True)
            now = max(self.clock(), board.generated_at)
            card = compose_card(board.active, board.limits, presence, now)
            return preview_lines(card, card_note(board.active, presence, now))

        settings = self.store.settings
        if not settings.launch_at_login and launches_at_login():
            # This install's entry is there though the settings say no (they were reset, a
            # damaged file kept aside): the box says what happens at log-in, and unticking
            # it removes the entry (it had stayed, the box unticked, with no way to remove it).
            settings = replace(settings, launch_at_login=True)
        dialog = SettingsDialog(
            settings,
            preview,
            tray_available=self.tray is not None,
            command_line_homes=[str(home) for home in command_line_homes(self.args)],
            discord_note=_discord_note(self.args),
            in_use=self.store.settings,
            parent=self.window,
        )
        dialog.applied.connect(self._save_from_dialog)
        # Gone once closed: owned by the window, each one opened had stayed until it closed.
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._settings_dialog = dialog
        dialog.open()

    def _save_from_dialog(self, settings: Settings) -> None:
        """Save what the dialog applied; "Start when I log in" unticked over an entry the
        settings did not know of (the box showed it ticked) removes that entry: as saved,
        the setting is no change, and applying a change is what removes an entry. Only what
        was changed in the dialog is saved (what differs from the settings in use, as it was
        last told them): a pause or always on top chosen from the tray while it was open had
        been undone by its OK, which saved the values it showed."""
        dialog = self._settings_dialog
        in_use = dialog.in_use if dialog is not None else self.store.settings
        settings = edited_over(self.store.settings, in_use, settings)
        if (
            not settings.launch_at_login
            and not self.store.settings.launch_at_login
            and launches_at_login()
        ):
            problem = set_launch_at_login(False)
            if problem:
                self._tell(problem)
        self._not_applied = ""
        self._save_settings(settings)
        dialog = self._settings_dialog
        if self._not_applied and dialog is not None and shiboken6.isValid(dialog):
            dialog.not_applied(self.store.settings, self._not_applied)
        self._not_applied = ""

    def _show_in_settings_dialog(self) -> None:
        """The settings changed (by hand, from the tray, by the dialog's Apply): an open
        dialog shows them in the fields the user has not changed there. Read from the store,
        not the signal: a save made while applying them (a log-in entry that could not be
        made) is announced within the first, whose value is then no longer the one in use."""
        dialog = self._settings_dialog
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.show_in_use(self.store.settings, by_hand=self.store.by_hand)

    def _save_settings(self, settings: Settings) -> None:
        error = self.store.update(settings)
        if error:
            self._tell(error)

    def apply_settings(self, settings: Settings) -> None:
        """Apply new settings live, without a restart."""
        apply_theme(self.app, settings.theme)
        if self.window.always_on_top != settings.always_on_top:
            self.window.set_always_on_top(settings.always_on_top)
        self.window.close_to_tray = settings.close_to_tray and self.tray is not None
        homes = homes_from(self.args, settings)
        interval = int(settings.refresh_interval_s * 1000)
        if homes != self.feed.homes or interval != self.feed.poll_interval_ms:
            # Once its thread has ended, gone before the new feed's starts
            # (``WorkerThread.start_soon``) instead of kept for the rest of the run; a thread
            # still finishing (parked) keeps its feed: it is still connected to it.
            if self.feed.stop(STOP_TIMEOUT_MS):
                self.feed.deleteLater()
            self.feed = self._new_feed(settings)
            self.feed.start()
        if homes != self.usage.homes:
            started = self.usage.running
            if self.usage.stop(STOP_TIMEOUT_MS):
                self.usage.deleteLater()
            self.usage = self._new_usage(settings)
            if started:
                self.usage.start()
        if self.presence is not None:
            self.presence.set_client_id(self._client_id(settings))
        self._apply_pause(settings)
        if self.presence is not None and self.dashboard is not None:
            self._publish(self.dashboard)
        kept = settings
        if settings.launch_at_login != self._applied.launch_at_login:
            problem = set_launch_at_login(settings.launch_at_login)
            if problem:
                self._tell(problem)
                self._not_applied = problem  # (an open settings dialog says it too)
                # Not done: the setting stays what happens at log-in (kept ticked, the box
                # said the app starts then, and each start tried and said it again).
                kept = replace(settings, launch_at_login=self._applied.launch_at_login)
        self._applied = kept
        if kept is not settings:
            self._save_settings(kept)  # comes back here with nothing left to change

    def refresh(self) -> None:
        """Read the logs again now: the live view, and the Usage page's index (which otherwise
        waits for a session's tokens to move, or its once-a-minute look)."""
        self.feed.refresh_now()
        if self.usage.running:
            self.usage.request_update()

    def use_codex_folder(self, folder: str) -> None:
        """The folder chosen on the first-run panel becomes the settings' Codex folder (the
        one above, when the folder chosen is the one Codex keeps its logs in)."""
        folder = codex_home_of(folder)
        if command_line_homes(self.args):
            # Started with --codex-home, whose folder was not found: the folder chosen in this
            # window is read now, in its place (saved only, it had been left unread while the
            # panel went on saying that no folder was found).
            self.args.codex_homes = [folder]
            self.args.command_homes = None
        settings = self.store.settings
        homes = (folder, *(home for home in settings.codex_homes if home != folder))
        self._save_settings(replace(settings, codex_homes=homes))
        if self.feed.homes != homes_from(self.args, self.store.settings):
            self.apply_settings(self.store.settings)  # the settings named it already

    def _remember_on_top(self, on: bool) -> None:
        if self.store.settings.always_on_top != on:
            self._save_settings(replace(self.store.settings, always_on_top=on))

    def _pause_discord(self, paused: bool) -> None:
        """ "Until I resume" checked or unchecked."""
        self.pause_discord(PAUSED_UNTIL_RESUMED if paused else 0.0)

    def pause_discord(self, until: float) -> None:
        """Pause until ``until`` (epoch seconds; ``PAUSED_UNTIL_RESUMED``), or resume (0).
        Kept in the settings, so that a pause survives a restart."""
        settings = self.store.settings
        if settings.discord_paused_until != until:
            self._save_settings(replace(settings, discord_paused_until=until))
        paused = _pause_text(until, self.clock())
        log.info("Discord %s", f"paused {paused}" if paused else "resumed")

    def _apply_pause(self, settings: Settings | None = None) -> None:
        """Publish or not as the pause says; a pause whose time has come ends here (and is
        saved as ended), checked again at its end and at least every minute."""
        settings = self.store.settings if settings is None else settings
        now = self.clock()
        until = settings.discord_paused_until
        if until > 0 and until <= now:
            log.info("the Discord pause has ended")
            if not self.store.kept_as_is:
                # Ended by itself: saved so that the next start does not see it either. The
                # store's change comes back here through apply_settings.
                self._save_settings(replace(settings, discord_paused_until=0.0))
                return
            # Not saved over values the user is to fix (it had written their defaults over
            # them, unasked, at the start after a timed pause): each start finds it ended.
            until = 0.0
        paused = is_paused(until, now)
        self._pause_timer.stop()
        if until > 0:
            self._pause_timer.start(max(0, min(int((until - now) * 1000) + 50, PAUSE_CHECK_MAX_MS)))
        self.window.set_discord_pause(_pause_text(until, now))
        if self.presence is not None:
            # Nothing to pause or resume while Settings has it off (as with --no-discord).
            self.window.pause_menu.menuAction().setEnabled(settings.discord_enabled)
            self.presence.set_enabled(settings.discord_enabled and not paused)
            self._show_discord_status()

    def _discord_status(self, status: DiscordStatus) -> None:
        self._discord_message = status.message
        # "Friends on Discord see:" only once Discord has taken the card.
        self._discord_connected = status.seen
        tail = f"retrying in {seconds(status.retry_in)}" if status.retry_in else ""
        if tail and status.message.endswith(tail) and not self._stopped:
            # Counted down (``_tick_retry``), in the countdown's steps from its first figure:
            # the worker's "retrying in 19s" had turned into "20s" a second later.
            self._retry_at = self.monotonic() + (status.retry_in or 0.0)
            self._discord_message = status.message[: -len(tail)] + _countdown(status.retry_in or 0)
            self._retry_tick.start()
        else:
            self._retry_at = None
            self._retry_tick.stop()
        self._show_discord_status(status.state)

    def _tick_retry(self) -> None:
        # Drawn only where it can be seen, and only when the words change: Discord is often
        # simply not running, and an app left open all day should not repaint for it.
        if self._retry_at is None or not self.window.isVisible() or self.window.isMinimized():
            return
        tail = _countdown(self._retry_at - self.monotonic())
        head = self._discord_message.rpartition("retrying ")[0]
        if head and not self._discord_message.endswith(tail):
            self._discord_message = head + tail
            self._show_discord_status()

    def _show_discord_status(self, state: DiscordState | None = None) -> None:
        message = self._discord_message
        settings = self.store.settings
        stopped = state is DiscordState.PAUSED or message == "Discord: paused"
        paused = _pause_text(settings.discord_paused_until, self.clock())
        if stopped and not settings.discord_enabled:
            # Turned off, not paused: no pause to wait for or resume from the menu.
            message = DISCORD_TURNED_OFF
        elif stopped and paused:
            message = f"Discord: paused {paused}"
        self.window.set_discord_status(message, connected=self._discord_connected)

    # -- pieces -------------------------------------------------------------------------

    def _new_feed(self, settings: Settings) -> SessionFeed:
        feed = SessionFeed(
            homes_from(self.args, settings),
            poll_interval_ms=int(settings.refresh_interval_s * 1000),
            parent=self,
        )
        feed.dashboard_changed.connect(self._show)
        return feed

    def _new_usage(self, settings: Settings) -> UsageFeed:
        usage = UsageFeed(
            homes_from(self.args, settings),
            build=usage_view,
            days=self.window.usage_page.days,  # the period kept from the last run
            parent=self,
        )
        usage.usage_changed.connect(self._show_usage)
        return usage

    def _choose_usage_days(self, days: int) -> None:
        """The Usage page's new period: read in the feed's thread (the page keeps the one it
        shows until then)."""
        self.usage.set_days(days)

    def _show_usage(self, view: object) -> None:
        if isinstance(view, UsageView):
            self.window.show_usage(view)

    def _new_presence(self, settings: Settings) -> DiscordPresence | None:
        if self.args.no_discord:
            self.window.set_discord_status("Discord: off (started with --no-discord)")
            self.window.pause_menu.menuAction().setEnabled(False)
            return None
        paused = is_paused(settings.discord_paused_until, self.clock())
        presence = DiscordPresence(
            self._client_id(settings, warn=True),
            enabled=settings.discord_enabled and not paused,
            parent=self,
        )
        presence.status_changed.connect(self._discord_status)
        return presence

    @staticmethod
    def _client_id(settings: Settings, *, warn: bool = False) -> str:
        """The Discord application id, as ``discord-check`` chooses it: the environment's
        overrides the settings' (at start and at every change of the settings alike), unless
        it is not a number."""
        client_id, problem = resolve_client_id(configured=settings.discord_client_id)
        if problem and warn:
            log.warning("%s", problem)
        return client_id

    def _show(self, board: Dashboard) -> None:
        if self._freeze_collector and board.insights is not None:
            # The first view with the week's history: what lives now (the modules, the
            # window, the history's readings: some 200,000 objects) lives on, and the cycle
            # collector's full passes over it stalled the window 115-176 ms every 15-20 s with
            # a thousand sessions (each refresh's new snapshots push it to a full pass). Frozen,
            # a full pass takes 4-7 ms. They are still freed when dropped (no cycles among
            # them); cyclic garbage of this moment is kept, once.
            self._freeze_collector = False
            gc.freeze()
        self.dashboard = board
        if not self.usage.running and not self._stopped:
            self.usage.start()  # after the first view: its first update reads every log
        self.usage.note_dashboard(board)
        self.window.show_dashboard(board)
        if self.tray is not None:
            self.tray.show_dashboard(board)
        self._publish(board)
        self._notify(board)

    def _notify(self, board: Dashboard) -> None:
        """Threshold crossings and resets, each said once (remembered across restarts)."""
        settings = self.store.settings
        if not settings.notifications_enabled or board.insights is None:
            return  # the first view comes before the history, which tells resets apart
        due = due_notices(
            board,
            settings.notify_used_thresholds,
            notify_resets=settings.notify_resets,
            notes=self.notifications,
        )
        channel = self.notifier.notify_all(due.notices)
        if channel is not None:
            titles = " | ".join(notice.title for notice in due.notices)
            log.info("notified (%s): %s", channel.value, titles)
        if due.said:
            self.notifications.record(due.said, board.generated_at)

    def _publish(self, board: Dashboard) -> None:
        presence_settings = self.store.settings.presence()
        if getattr(self.args, "private", False):
            presence_settings = replace(presence_settings, privacy_mode=True)
        # The clock, not only the read's time: the idle clear and a pause's end move on
        # between refreshes too (every refresh composes again, so the card comes back with
        # the session's next activity).
        now = max(self.clock(), board.generated_at)
        if 0 < presence_settings.paused_until <= now:
            self._apply_pause()  # ended since the last check (a machine back from sleep)
        card = compose_card(board.active, board.limits, presence_settings, now)
        note = card_note(board.active, presence_settings, now)
        self.window.set_discord_preview(preview_lines(card, note))
        if self.presence is not None:
            self.presence.set_card(card)

    def _tell(self, message: str) -> None:
        """Say something once, without blocking."""
        self.window.show_notice(message)


def _countdown(left: float) -> str:
    """What is left of a retry's delay, as the status bar counts it down: ``retrying in 25s``
    in steps of 5 s (fewer repaints), each second from 10 s, then ``retrying now``."""
    if left < 0.5:
        return "retrying now"
    whole = max(1, round(left))  # (0.5 s rounds to even: "retrying in 0s")
    return f"retrying in {seconds(whole if whole < 10 else -(-whole // 5) * 5)}"


def _pause_text(until: float, now: float) -> str | None:
    """How long Discord is paused, as the menu and the status bar say it (None: it is not)."""
    if until == PAUSED_UNTIL_RESUMED:
        return "until you resume"
    if not is_paused(until, now):
        return None
    return f"until {format_reset_clock(until, now)}"  # as the Discord preview says it


class StartupCheck(QObject):
    """``--startup-check``: note when the window first paints and first shows data, then quit.

    Prints one JSON line of wall-clock times (seconds since the epoch), so whoever launched the
    process (the packaging smoke test) can measure from its own launch time.
    """

    def __init__(self, shell: AppShell) -> None:
        super().__init__(shell)
        self.shell = shell
        self.first_paint: float | None = None
        self.first_data: float | None = None
        self._done = False
        shell.window.installEventFilter(self)
        shell.feed.dashboard_changed.connect(self._data)
        QTimer.singleShot(STARTUP_CHECK_TIMEOUT_MS, self._finish)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and self.first_paint is None:
            self.first_paint = time.time()
            self._maybe_finish()
        return False

    def _data(self, _board: Dashboard) -> None:
        if self.first_data is None:
            self.first_data = time.time()
            self.shell.window.repaint()  # the data must be drawn, not only received
            self._maybe_finish()

    def _maybe_finish(self) -> None:
        if self.first_paint is not None and self.first_data is not None:
            QTimer.singleShot(0, self._finish)

    def _finish(self) -> None:
        if self._done:
            return
        self._done = True
        board = self.shell.dashboard
        report = {
            "first_paint": self.first_paint,
            "first_data": self.first_data,
            "sessions": len(board.sessions) if board is not None else None,
            "platform": self.shell.app.platformName(),
            "icon": not self.shell.app.windowIcon().isNull(),  # resources/ made it into the app
        }
        print(json.dumps(report), flush=True)
        ok = self.first_paint is not None and self.first_data is not None
        self.shell.app.exit(0 if ok else 1)


def _discord_note(args: argparse.Namespace) -> str:
    """What this run's command line does to Discord, for the settings' Discord tab."""
    if getattr(args, "no_discord", False):
        return (
            f"This window was started with {unbroken('--no-discord')}: nothing is sent to "
            "Discord until it starts without that option. What is set here applies then."
        )
    if getattr(args, "private", False):
        return (
            f"This window was started with {unbroken('--private')}: friends see only that you "
            "are coding, whatever is set here, until it starts without that option."
        )
    return ""


#: The longest answer read as the running instance's folders (more is not one from us).
DETAILS_MAX_CHARS = 64 * 1024


def _homes_asked(args: argparse.Namespace) -> tuple[str, tuple[Path, ...]] | None:
    """The folders this launch asked for itself, and how it asked: ``--codex-home``, or
    ``CODEX_HOME`` where Settings names no folders (which would win over it); None for a
    plain launch, which asks only for the window."""
    given = command_line_homes(args)
    if given:
        return "--codex-home", given
    if os.environ.get("CODEX_HOME", "").strip() and not paths.configured_homes():
        return "CODEX_HOME", resolve_codex_homes([])
    return None


def _reads_the_same(details: str, homes: tuple[Path, ...]) -> bool:
    """Whether the running instance (its answer's ``details``: the folders it reads, as a
    JSON list of real paths) reads ``homes``; False when it did not say."""
    if len(details) > DETAILS_MAX_CHARS:
        return False
    try:
        reads = json.loads(details)
    except (ValueError, RecursionError):
        return False
    if not isinstance(reads, list) or not all(isinstance(home, str) for home in reads):
        return False
    # Real paths: a folder given relative to another working folder is another folder, and
    # a link to the folder read is that folder. Of the folders asked, those read.
    return sorted(reads) == sorted(os.path.realpath(home) for home in capped_homes(homes)[0])


def _folders_read(homes: Sequence[Path]) -> str:
    """The running instance's ``details``: the folders it reads (the first ``MAX_HOMES`` of
    its homes), as real paths."""
    return json.dumps([os.path.realpath(home) for home in capped_homes(homes)[0]])


def run_app(args: argparse.Namespace) -> int:
    """Run the window until the user quits; a second launch hands over and returns at once."""
    log_path = logging_setup.configure(paths.log_dir(), args.verbose)
    app = application()
    qt_logging.install()  # (application() did, unless an instance was there already)
    reporter = ErrorReporter(log_path, parent=app)
    sys.excepthook = reporter
    threading.excepthook = reporter.thread_hook
    # Early, so that a signal during start-up is held until the event loop can act on it.
    exits = ExitSignals(parent=app)
    exits.install()
    instance = SingleInstance(paths.state_dir() / "instance.lock", server_name(paths.config_dir()))
    started = instance.start(replace=bool(args.replace))
    if started.outcome is Outcome.ACTIVATED:
        message = started.message
        asked = _homes_asked(args)
        if asked is not None and not _reads_the_same(started.details, asked[1]):
            # Handed over, the launch's folders would otherwise go unsaid and unused.
            message += (
                " It keeps reading the Codex folders it was started with; to read the "
                f"{asked[0]} given here, quit it first or add --replace."
            )
        print(message)
        log.info(message, extra=logging_setup.PRINTED)
        # A startup check that only woke another instance checked nothing.
        return 1 if getattr(args, "startup_check", False) else 0
    if started.outcome is not Outcome.PRIMARY:
        message = started.message
        base = paths.base_dir()
        if started.outcome is Outcome.LOCK_ERROR and base is not None:
            message += (
                f" This copy keeps its files in {base} ({BASE_DIR_OPTION} or "
                f"{paths.BASE_DIR_ENV}): choose a folder you can write to."
            )
        elif started.outcome is Outcome.LOCK_ERROR:
            # The system's folder (a read-only home, an XDG variable naming a file) had been
            # said with no way on, whatever kept the lock out of it.
            message += (
                f" To start anyway, keep the app's files in a folder you can write to: "
                f"{BASE_DIR_OPTION} DIR (or {paths.BASE_DIR_ENV}=DIR)."
            )
        message = clean_text(message)  # a folder's name may hold anything
        print(message, file=sys.stderr)
        log.warning(message, extra=logging_setup.PRINTED)
        if not offscreen():
            # Ctrl+C or a log-out closes the box (nothing else here listens for them).
            exits.exit_requested.connect(lambda _reason, _code: app.exit(1))
            QMessageBox.warning(None, APP_NAME, message)
        return 1
    shell = AppShell(app, args, instance, log_path, freeze_collector=True)
    exits.exit_requested.connect(shell.request_exit)
    console = ConsoleEvents(exits.post)
    console.install()  # Windows only; it waits for the stop before Windows ends the process
    shell.stopped.connect(console.stopped)
    if getattr(args, "startup_check", False):
        StartupCheck(shell)
    QTimer.singleShot(0, shell.start)
    code = int(app.exec())
    shell.shutdown()  # aboutToQuit already did this unless exit() came before the loop ran
    exits.ignore_from_now()  # stopped: another Ctrl+C must not kill the tear-down
    exiting_with(code)  # kept if the exit leaves a given-up save's thread behind
    return code


def render_screenshot(args: argparse.Namespace) -> int:
    """Render the window offscreen with the homes' current data and save it as a PNG; with
    ``--check-layout`` also print the layout report and fail when it finds problems."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    # Styled as the app styles its window (outlines, sort arrows), with the system's colours
    # unless --theme says otherwise (the app itself uses the saved setting).
    apply_theme(app, getattr(args, "theme", None) or "system")
    homes, warnings = _screenshot_homes(args)
    reader = CodexReader(homes)  # the first MAX_HOMES, the others said in the status bar
    result = reader.refresh()
    found = reader.discovery
    history = HistoryReader().refresh(
        found.files if found is not None else (), since=history_since(result)
    )
    dashboard = for_display(build_dashboard(result, history=history))
    days = getattr(args, "usage_days", None) or RECENT_DAYS
    usage = read_usage_view(homes, days=days)  # the first MAX_HOMES, the others said on the page
    window = build_main_window()  # no saved state: a screenshot must not touch the user's
    window.usage_page.set_days(days)
    size = args.size or (SCREENSHOT_COMPACT_SIZE if args.compact else SCREENSHOT_FULL_SIZE)
    mode = LayoutMode.AUTO
    if args.compact:
        mode = LayoutMode.COMPACT
    elif getattr(args, "full", False):
        mode = LayoutMode.FULL
    window.set_layout_mode(mode)
    window.show_dashboard(dashboard)
    while window.model.pending:  # many sessions today: their rows come a batch per turn
        QApplication.processEvents()
    window.show_usage(usage)
    window.set_page(getattr(args, "tab", None) or LIVE_PAGE)
    # Once the page is chosen: the Usage page may be shorter than the live view can be, and
    # a size asked for before had been held to the live view's least height.
    window.resize(*size)
    window.show()
    window.setFocus()  # no keyboard-focus frame on the table in the picture
    settle()
    try:
        return _save_screenshot(window, Path(args.out), size, getattr(args, "check_layout", False))
    finally:
        window.close()  # also on a failure: a window left open would sit over later ones
        for warning in warnings:  # after the rest, where they are read
            print(warning, file=sys.stderr)


def _screenshot_homes(args: argparse.Namespace) -> tuple[tuple[Path, ...], list[str]]:
    """The homes ``screenshot`` reads, chosen as the other commands choose them, and the
    warnings they give of them: folders in the settings that cannot be used (a relative
    one: left out), and homes that are no folder (not there, or a file). It had read what
    it could and said nothing: a picture of another folder's numbers, or of none."""
    given = command_line_homes(args)
    chosen, unusable = ([], None) if given else paths.settings_homes()
    homes = given or resolve_codex_homes([], chosen)
    # The first MAX_HOMES are read (the others said): only they are looked at.
    read, not_read = capped_homes(homes)
    said = [homes_cap_text(left_out=not_read)] if not_read else []
    if not any(os.path.isdir(home) for home in read):
        said.append(no_home_message(read, from_settings=bool(chosen)))
    else:
        left_out = (left_out_message(home) for home in read)
        said += [message for message in left_out if message is not None]
    if unusable is not None:  # why the folders chosen in Settings were not all looked in
        said.append(unusable)
    return homes, [warning_line(text) for text in said]


def _save_screenshot(window: MainWindow, out: Path, size: tuple[int, int], checking: bool) -> int:
    """Save the rendered window as ``out``, say so, and with ``checking`` print the layout
    report; the exit status."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a file where its folder should be, a read-only place
        print(f"Could not write {out}: {error.strerror or error}.", file=sys.stderr)
        return 1
    # Encoded here and written by Python, whose error says why a write failed (a read-only
    # folder, a folder of that name): Qt's save had said only "Could not write".
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not window.grab().save(buffer, "PNG"):
        print(f"Could not write {out}: the picture could not be encoded.", file=sys.stderr)
        return 1
    try:
        out.write_bytes(data.data())
    except OSError as error:
        print(f"Could not write {out}: {error.strerror or error}.", file=sys.stderr)
        return 1
    shot = f"{window.width()}x{window.height()}"
    # A compact window no taller than its content is what was asked (its default, 340x380,
    # had always been said refused): only another width, or a greater height, is not.
    shorter = window.compact and window.height() < size[1]
    if window.width() != size[0] or (window.height() != size[1] and not shorter):
        # The window keeps to the sizes its layout allows (at least its least size; the
        # compact one no taller than its content): say what was drawn.
        shot += f"; asked for {size[0]}x{size[1]}, which its layout does not allow"
    # With the report, stdout carries only its JSON, for whatever reads it.
    print(f"Saved {out} ({shot}).", file=sys.stderr if checking else sys.stdout)
    if not checking:
        return 0
    layout = "compact" if window.compact else "full"
    report = layout_report(window, layout, QSize(*size))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 1 if report["problems"] else 0


def read_usage_view(
    homes: Sequence[Path], now: float | None = None, *, days: int = RECENT_DAYS
) -> UsageView:
    """The Usage view of ``homes`` over ``days`` days as the usage feed would deliver it, read
    at once into an index in memory (a screenshot leaves the user's cache alone)."""
    from codex_presence_gui.core.pricing import Pricer
    from codex_presence_gui.core.problems import DATING_KINDS, outside_closed_homes

    found = discover(homes)
    closed = tuple((str(home), why) for home, why in found.closed_homes)
    with UsageIndex.in_memory() as index:
        result = index.update(homes, files=found.files, unsearched=found.unsearched, workers=1)
        found_wrong = (*found.errors, *outside_closed_homes(result.problems, closed))
        recent = read_recent(
            index,
            homes,
            now=time.time() if now is None else now,
            zone=local_zone(),
            pricer=Pricer(),
            missing_homes=tuple(str(home) for home in found.missing_homes),
            problems=tuple(str(problem) for problem in found_wrong),
            dating_problems=sum(problem.kind in DATING_KINDS for problem in found_wrong),
            sessionless=tuple(str(home) for home in found.sessionless),
            closed_homes=closed,
            days=days,
        )
    return usage_view(recent)


def settle() -> None:
    """Let pending layout, resize and deferred deletions happen, as they would before a paint:
    rows a refresh replaced must be gone, not lingering under their successors."""
    app = QApplication.instance()
    if app is None:
        return
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
