"""Route Qt's own warnings and messages into Python logging."""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

#: Messages Qt prints in normal operation that say nothing useful to a user: the offscreen
#: platform's notes (in tests), and a folder asked to open on a desktop without a file manager
#: (the window says so itself, with the folder's path; the terminal had a warning too).
HARMLESS = ("This plugin does not support", "Unable to detect a launcher for ")
#: Messages of something Qt has already handled, kept in the log but not printed: a locale
#: that is not UTF-8 (``LC_ALL=C``), which Qt switches to C.UTF-8 itself, had printed four
#: lines at each start of the window and of ``screenshot``.
HANDLED = ("Detected locale ",)

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _LEVELS.get(kind, logging.WARNING)
    if level == logging.WARNING and message.startswith(HARMLESS):
        level = logging.DEBUG
    elif level == logging.WARNING and message.startswith(HANDLED):
        level = logging.INFO
    category = context.category or "default"
    log.log(level, "%s: %s", category, message)


def install() -> None:
    """Send Qt's messages to the ``qt`` logger from now on."""
    qInstallMessageHandler(_handler)
