"""Composition root: the Qt application, the session feed and the main window, wired together.

Start-up order: application object, window state, window (shown at once, in its loading
state), then the feed, whose first read runs in its own thread. On quit the feed is stopped
before the window state is saved.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from codex_presence_gui import APP_ID, APP_NAME, __version__, paths
from codex_presence_gui.core.dashboard import Dashboard, build_dashboard
from codex_presence_gui.core.discovery import resolve_codex_homes
from codex_presence_gui.core.presence import PresenceSettings, compose_card, preview_lines
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.services.discord_worker import DiscordPresence
from codex_presence_gui.services.session_feed import SessionFeed
from codex_presence_gui.ui.main_window import MainWindow
from codex_presence_gui.ui.window_state import LayoutMode, WindowState

log = logging.getLogger(__name__)

SCREENSHOT_FULL_SIZE = (820, 580)
SCREENSHOT_COMPACT_SIZE = (340, 380)


def application() -> QApplication:
    """The QApplication (created once), named for settings and the desktop."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    return app


def homes_from(args: argparse.Namespace) -> tuple[Path, ...]:
    """The Codex homes asked for on the command line, else the default."""
    extra = getattr(args, "command_homes", None) or []
    return resolve_codex_homes([*args.codex_homes, *extra])


def build_main_window(state: WindowState | None = None) -> MainWindow:
    """The main window, in its loading state."""
    return MainWindow(state)


def connect_discord(
    feed: SessionFeed, window: MainWindow, presence: DiscordPresence, settings: PresenceSettings
) -> None:
    """Each dashboard becomes the desired card; the worker's status shows in the window."""

    def publish(board: Dashboard) -> None:
        card = compose_card(board.active, board.limits, settings, board.generated_at)
        presence.set_card(card)
        window.set_discord_preview(preview_lines(card))

    feed.dashboard_changed.connect(publish)
    presence.status_changed.connect(lambda status: window.set_discord_status(status.message))


def run_app(args: argparse.Namespace) -> int:
    """Show the window, follow the Codex homes live, and run until the user quits."""
    from codex_presence_gui.discord_commands import resolve_client_id, settings_from

    app = application()
    state = WindowState(paths.config_dir() / "ui.ini")
    window = build_main_window(state)
    feed = SessionFeed(homes_from(args))
    feed.dashboard_changed.connect(window.show_dashboard)
    window.refresh_requested.connect(feed.refresh_now)
    presence: DiscordPresence | None = None
    if args.no_discord:
        window.set_discord_status("Discord: off (started with --no-discord)")
    else:
        client_id, warning = resolve_client_id()
        if warning:
            log.warning(warning)
        presence = DiscordPresence(client_id)
        connect_discord(feed, window, presence, settings_from(args))

    def shut_down() -> None:
        feed.stop()
        if presence is not None:
            presence.stop()  # clears the card; bounded to well under 2 s

    app.aboutToQuit.connect(shut_down)
    window.show()
    feed.start()
    if presence is not None:
        presence.start()
    return int(app.exec())


def render_screenshot(args: argparse.Namespace) -> int:
    """Render the window offscreen with the homes' current data and save it as a PNG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    dashboard = build_dashboard(CodexReader(homes_from(args)).refresh())
    window = build_main_window()  # no saved state: a screenshot must not touch the user's
    size = args.size or (SCREENSHOT_COMPACT_SIZE if args.compact else SCREENSHOT_FULL_SIZE)
    window.set_layout_mode(LayoutMode.COMPACT if args.compact else LayoutMode.AUTO)
    window.resize(*size)
    window.show_dashboard(dashboard)
    window.show()
    window.setFocus()  # no keyboard-focus frame on the table in the picture
    app.processEvents()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out), "PNG"):
        print(f"Could not write {out}.", file=sys.stderr)
        return 1
    window.close()
    print(f"Saved {out} ({size[0]}x{size[1]}).")
    return 0
