"""Composition root: the Qt application and its main window."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from codex_presence_gui import APP_ID, APP_NAME, __version__


def build_main_window() -> QMainWindow:
    """The main window (until the live window lands: a title and a short note)."""
    window = QMainWindow()
    window.setWindowTitle(APP_NAME)
    label = QLabel(
        "Codex Presence is installed.\n"
        "The live window arrives in the next release;\n"
        "meanwhile run: codex-presence-gui status"
    )
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    window.setCentralWidget(label)
    window.resize(420, 300)
    return window


def run_app(args: argparse.Namespace) -> int:
    """Start the window and run the event loop until the user quits."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    window = build_main_window()
    window.show()
    return int(app.exec())
