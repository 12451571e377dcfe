"""Composition root: the Qt application and its main window."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from codex_presence_gui import APP_ID, APP_NAME, __version__


def run_app(args: argparse.Namespace) -> int:
    """Start the window and run the event loop until the user quits."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    window = QMainWindow()
    window.setWindowTitle(APP_NAME)
    label = QLabel("Codex Presence is starting.\nThe live window arrives with the next release.")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    window.setCentralWidget(label)
    window.resize(420, 300)
    window.show()
    return int(app.exec())
