"""Logging: a size-capped rotating file in the log folder, plus the console when asked.

NOTE: Qt-free; Qt's own messages are routed here by ``services.qt_logging``.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE = "codex-presence.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure(log_dir: Path | None, verbosity: int = 0) -> Path | None:
    """Log to ``log_dir`` (INFO and up, 1 MB × 4 files at most) and, with ``-v``, the console.

    Returns the log file's path, or None when it could not be opened (the app still runs).
    """
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbosity >= 2 else logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING - 10 * min(verbosity, 2))
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)
    if log_dir is None:
        return None
    path = log_dir / LOG_FILE
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError as error:
        logging.getLogger(__name__).warning("cannot write the log file %s: %s", path, error)
        return None
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    file_handler.setLevel(logging.DEBUG if verbosity >= 2 else logging.INFO)
    root.addHandler(file_handler)
    return path
