"""Composition root: the Qt application, the session feed and the main window, wired together.

Start-up order: application object, window state, window (shown at once, in its loading
state), then the feed, whose first read runs in its own thread. On quit the feed is stopped
before the window state is saved.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from codex_presence_gui import APP_ID, APP_NAME, __version__, paths
from codex_presence_gui.core.dashboard import build_dashboard
from codex_presence_gui.core.discovery import resolve_codex_homes
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.services.session_feed import SessionFeed
from codex_presence_gui.ui.main_window import MainWindow
from codex_presence_gui.ui.window_state import LayoutMode, WindowState

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


def run_app(args: argparse.Namespace) -> int:
    """Show the window, follow the Codex homes live, and run until the user quits."""
    app = application()
    state = WindowState(paths.config_dir() / "ui.ini")
    window = build_main_window(state)
    feed = SessionFeed(homes_from(args))
    feed.dashboard_changed.connect(window.show_dashboard)
    window.refresh_requested.connect(feed.refresh_now)
    app.aboutToQuit.connect(feed.stop)
    window.show()
    feed.start()
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
