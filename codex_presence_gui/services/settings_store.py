"""The settings as a live value: loaded once, saved atomically, announced when they change."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from codex_presence_gui.core.settings import (
    LoadResult,
    Settings,
    keep_aside,
    load_settings,
    save_settings,
)
from codex_presence_gui.paths import os_problem

log = logging.getLogger(__name__)


class SettingsStore(QObject):
    """Holds the current ``Settings``.

    Signals:
        changed(Settings): new settings were saved; apply them now.
    """

    changed = Signal(object)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        try:
            result = load_settings(path)
        except Exception as error:  # the settings must never stop the app
            # load_settings handles every fault it knows; this is the last line of defence
            # for one it does not, and leaves the file alone.
            log.exception("reading the settings failed")
            result = LoadResult(
                Settings(),
                f"Could not read your settings ({path}: {error!r}); using the defaults for "
                "now and leaving the file as it is (it is kept aside if you save settings).",
                unread=True,
            )
        self.settings: Settings = result.settings
        #: Said once to the user: why the defaults are in use (a backup was made, …).
        self.load_message = result.message
        #: The file that message is about: the backup made of a broken file, else the
        #: settings file itself (None: nothing to say, or no file to show).
        self.load_file: Path | None = result.backup
        if self.load_file is None and result.message and os.path.exists(path):
            self.load_file = path
        #: The file holds values the defaults stand in for, kept as they are until the user
        #: saves (as ``load_message`` says): the app writes no change of its own meanwhile.
        self.kept_as_is = bool(result.problems)
        #: A file the app could not read is at ``path``: kept aside before the first save (a
        #: save had put new settings in its place, the user's lost, after the app said it
        #: left the file as it is).
        self._unread = result.unread
        if result.message:
            log.warning(result.message)

    def update(self, settings: Settings) -> str | None:
        """Save and apply ``settings``; returns a message if they could not be saved (they
        still apply for this run)."""
        if settings == self.settings and settings.extra == self.settings.extra:
            return None
        self.settings = settings
        error = None
        try:
            if self._unread and os.path.lexists(self.path):
                kept = keep_aside(self.path, "unread")
                if kept is None:
                    raise PermissionError(
                        "the file there could not be read, nor moved aside to keep it"
                    )
                log.warning("the settings file that could not be read was kept as %s", kept)
            self._unread = False
            save_settings(self.path, settings)
            self.kept_as_is = False
        except OSError as problem:
            error = f"Could not save your settings to {self.path}: {os_problem(problem)}"
            log.warning(error)
        self.changed.emit(settings)
        return error
