"""The settings as a live value: loaded at start, saved atomically, announced when they
change, and read again when the file is edited by hand while the app runs."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from codex_presence_gui.core.settings import (
    LoadResult,
    Settings,
    edited_over,
    keep_aside,
    load_settings,
    peek_settings,
    save_settings,
)
from codex_presence_gui.paths import os_problem

log = logging.getLogger(__name__)

#: How often the file is looked at for a change made by hand (one ``stat``).
HAND_CHECK_MS = 2000

Signature = tuple[int, int, int] | None


def _signature(path: Path) -> Signature:
    """What tells a file changed: its identity, size and time of change (None: no file)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_ino, status.st_size, status.st_mtime_ns)


class SettingsStore(QObject):
    """Holds the current ``Settings``.

    The file is looked at every ``HAND_CHECK_MS`` (``watch``): a change made by hand (an
    editor) applies at once, and a save of the app's own goes on top of it. Saved over, hand
    edits had been lost at the next always on top or pause, even at a pause's end.

    Signals:
        changed(Settings): new settings were saved, or edited by hand (``by_hand``); apply
            them now.
        told(str, object): something to say about the file (its ``Path`` to show, or None).
    """

    changed = Signal(object)
    told = Signal(str, object)

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
        #: The file was changed by hand into one that cannot be used (``take_hand_edits``).
        self._broken_by_hand = False
        #: The settings last announced (``changed``) came from the file, edited by hand, not
        #: from the app: an open settings dialog names the file when it says so.
        self.by_hand = False
        if result.message:
            log.warning(result.message)
        #: The file as last read or written (see ``_signature``).
        self._seen = _signature(path)
        self._hand_timer = QTimer(self)
        self._hand_timer.setInterval(HAND_CHECK_MS)
        self._hand_timer.timeout.connect(self.take_hand_edits)

    def watch(self, on: bool = True) -> None:
        """Look at the file for changes made by hand from now on (``on``), or no more."""
        if on:
            self._hand_timer.start()
        else:
            self._hand_timer.stop()

    def take_hand_edits(self) -> bool:
        """Read the file again if it changed since the app last read or wrote it, and apply
        what it holds; True when settings changed. A file that cannot be used now (broken
        by an edit in progress, say) is said once and left alone: the settings in use stay,
        and the app's next save keeps the file aside first (``update``)."""
        seen = _signature(self.path)
        if seen == self._seen:
            return False
        self._seen = seen
        if seen is None:  # deleted: the settings in use stay, and the next save writes them
            return False
        result = peek_settings(self.path)
        if result.message and not result.problems:
            self._broken_by_hand = True
            said = (
                f"{result.message.removesuffix('; using the defaults.').rstrip('.')}: the "
                "settings in use stay as they were. Fix the file, or change a setting here, "
                "which keeps that file aside and saves the settings in use."
            )
            log.warning("%s", said)
            self.told.emit(said, self.path)
            return False
        self._broken_by_hand = False
        self.kept_as_is = bool(result.problems)
        if result.message:
            log.warning("%s", result.message)
            self.told.emit(result.message, self.path)
        if result.settings == self.settings and result.settings.extra == self.settings.extra:
            return False
        log.info("the settings file was changed by hand: applying it")
        self.settings = result.settings
        self.by_hand = True
        self.changed.emit(result.settings)
        return True

    def update(self, settings: Settings) -> str | None:
        """Save and apply ``settings``; returns a message if they could not be saved (they
        still apply for this run). What ``settings`` changes is saved over the file as it is
        now: a change made to it by hand since it was read stays."""
        before = self.settings
        if self.take_hand_edits():
            settings = edited_over(self.settings, before, settings)
        if settings == self.settings and settings.extra == self.settings.extra:
            return None
        self.settings = settings
        error = None
        try:
            if self._broken_by_hand and os.path.lexists(self.path):
                # Broken by hand: kept, as a broken file at start is, not saved over; what
                # is no file to read (a FIFO put there) under the name such a one gets then.
                readable = os.path.isfile(self.path)
                kept = keep_aside(self.path, "corrupt" if readable else "unread")
                if kept is not None:
                    why = "could not be understood" if readable else "could not be read"
                    said = f"Your settings file {why}: it was kept as {kept}."
                    log.warning("%s", said)
                    self.told.emit(said, kept)
                self._broken_by_hand = False
            if self._unread and os.path.lexists(self.path):
                kept = keep_aside(self.path, "unread")
                if kept is None:
                    raise PermissionError(
                        "the file there could not be read, nor moved aside to keep it"
                    )
                # Said with its name: the notice at start only said it would be kept aside
                # (and its "Show file" now shows the new settings in its place).
                said = f"Your settings file could not be read: it was kept as {kept}."
                log.warning("%s", said)
                self.told.emit(said, kept)
            self._unread = False
            save_settings(self.path, settings)
            self._seen = _signature(self.path)
            self.kept_as_is = False
        except OSError as problem:
            error = f"Could not save your settings to {self.path}: {os_problem(problem)}"
            log.warning(error)
        self.by_hand = False
        self.changed.emit(settings)
        return error
