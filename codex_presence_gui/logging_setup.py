"""Logging: a size-capped rotating file in the log folder, plus the console when asked.

NOTE: Qt-free; Qt's own messages are routed here by ``services.qt_logging``.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import stat
import sys
from pathlib import Path

from codex_presence_gui.paths import make_folder

LOG_FILE = "codex-presence.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
#: ``extra`` of a record whose message the caller has printed itself (a refusal to start, in
#: its own words): it goes to the log file, not to the terminal a second time.
PRINTED = {"printed": True}


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
    console.setFormatter(_TerminalFormatter("%(levelname)s %(name)s: %(message)s"))
    console.addFilter(_not_printed)
    root.addHandler(console)
    if log_dir is None:
        return None
    path = log_dir / LOG_FILE
    try:
        make_folder(log_dir)
        _not_a_device(path)
        file_handler = _LogFile(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError as error:
        from codex_presence_gui.paths import os_problem

        logging.getLogger(__name__).warning(
            "cannot write the log file %s: %s", path, os_problem(error)
        )
        return None
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    file_handler.setLevel(logging.DEBUG if verbosity >= 2 else logging.INFO)
    root.addHandler(file_handler)
    return path


def _not_printed(record: logging.LogRecord) -> bool:
    """Whether the console should say ``record``: not when it was printed already
    (``PRINTED``)."""
    return not getattr(record, "printed", False)


def _not_a_device(path: Path) -> None:
    """Refuse a log file that is not a file: opening a FIFO waits for a reader for ever, and
    a device (``/dev/full``) fails every line.

    Raises:
        OSError: ``path`` (followed, if a link) is there and is no regular file.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise OSError("it is not a regular file")


class _LogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file, whose failing writes (a full disk) are said once on standard
    error in a line, not as a traceback per record; writing goes on being tried."""

    failed = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):  # a faulty log call: logging's own report
            super().handleError(record)
            return
        if self.failed:
            return
        self.failed = True
        why = error.strerror or error
        line = f"codex-presence-gui: cannot write the log file {self.baseFilename}: {why}\n"
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.write(line)

    def close(self) -> None:
        # What could not be flushed is lost either way (said already): closing goes on.
        with contextlib.suppress(OSError):
            super().close()


class _TerminalFormatter(logging.Formatter):
    """Each message on one line, without what a terminal would act on: messages name files
    in folders whose names may hold anything (an escape sequence, a line break). A
    traceback, added after the message, stays as it is."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        from codex_presence_gui.core.sanitize import clean_text

        return clean_text(super().formatMessage(record))
