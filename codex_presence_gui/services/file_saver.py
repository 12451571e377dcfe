"""Write a file the user chose (the Usage page's CSV) from a worker thread: a slow or hung
folder (a network share, a FUSE mount) takes its time there, not the window's."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from codex_presence_gui.paths import os_problem, save_text
from codex_presence_gui.services.worker import Worker, WorkerHandle

log = logging.getLogger(__name__)

#: How long the GUI thread waits for a save's thread to end once its result is in (its work
#: has returned: only the thread's own ending is left, a few milliseconds).
DONE_WAIT_MS = 2000
#: How long a save given up (the app quitting) waits for its new file's removal: a folder
#: hung for the removal too must not hold the quit (the file then stays, as it must).
DISCARD_WAIT_MS = 500
#: Why the app may quit without a save's thread once the save was given up (it then writes
#: nothing over the user's file): the exit does not wait for a folder that hangs.
GIVEN_UP = "a file save given up; the file that was there stays as it was"


class NewFile:
    """The new file a save writes before renaming it over the user's, known to both threads:
    a save given up while its folder hangs (the app quitting) has it removed, so that no
    ``.name.xxxx.tmp`` is left beside the user's file when the process leaves without the
    hung thread (``services.worker``'s exit wait)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._path: str | None = None
        self._discarded = False

    def made(self, path: str) -> None:
        """The save's thread: the new file exists (removed at once if the save was given up
        meanwhile: its rename then fails, and the user's file stays)."""
        with self._lock:
            if not self._discarded:
                self._path = path
                return
        _remove(path)

    def done(self) -> None:
        """The save's thread: the new file was renamed over the user's, or removed."""
        with self._lock:
            self._path = None

    def discard(self, wait_ms: int = DISCARD_WAIT_MS) -> None:
        """The GUI thread, giving the save up: remove the new file, waiting ``wait_ms`` at
        most. Never the user's file: the path removed is the new file's own, which names
        nothing once the file was renamed over the user's.

        The removal runs in a thread of its own: in a folder that hangs for it too, the quit
        goes on and the file stays. Where the system refuses to remove a file still open
        (Windows), it stays too; the save's thread removes it if it ever ends.
        """
        with self._lock:
            self._discarded = True
            path, self._path = self._path, None
        if path is None:
            return
        remover = threading.Thread(target=_remove, args=(path,), name="file-discard", daemon=True)
        remover.start()
        remover.join(wait_ms / 1000)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
        log.info("removed %s, the new file of a save given up", path)


class SaveWorker(Worker):
    """Writes one text to one file, whole or not at all (``paths.save_text``), then waits in
    its thread's loop for the owner's ``finish``.

    An abort (the app quitting) keeps the file that was at the path: the new one is not
    renamed over it (``save_text``'s ``cancelled``), and nothing is said any more. The new
    file's path is told to ``new_file``, for the owner to remove if the save hangs.

    Signals:
        saved(str): the file was written (its path).
        failed(str, str): it could not be (its path, the reason in plain words).
    """

    saved = Signal(str)
    failed = Signal(str, str)

    def __init__(self, path: str, text: str, new_file: NewFile) -> None:
        super().__init__()
        self._path = path
        self._text = text
        self._new_file = new_file

    def work(self) -> None:
        """Write the file (the one job: it may take as long as the folder does)."""
        try:
            save_text(self._path, self._text, cancelled=self.should_stop, made=self._new_file.made)
        except OSError as error:
            if self.should_stop():
                log.info("the save to %s was given up: the app is quitting", self._path)
                return
            self.failed.emit(self._path, os_problem(error))
            return
        except Exception as error:  # a bug: said, not "Saving…" and Export off for good
            log.exception("the save to %s failed unexpectedly", self._path)
            if not self.should_stop():
                self.failed.emit(self._path, str(error) or type(error).__name__)
            return
        finally:
            self._new_file.done()
        if not self.should_stop():
            self.saved.emit(self._path)


class FileSaver(WorkerHandle):
    """The GUI thread's side of one save at a time: ``save`` starts it in its own thread,
    ``saved`` or ``failed`` says how it ended, ``stop`` gives it up (the app quitting).

    Signals:
        saved(Path): the file was written.
        failed(Path, str): it could not be (the reason in plain words).
    """

    saved = Signal(Path)
    failed = Signal(Path, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: The file being written, while a save runs.
        self.target: Path | None = None
        #: The new file the running save writes first (see ``stop``).
        self._new_file = NewFile()

    def save(self, path: Path, text: str) -> bool:
        """Start writing ``text`` to ``path``; False (and nothing started) while another save
        runs: two writes to one file at once would race to be the one left."""
        if self.running:
            return False
        self.target = path
        self._new_file = NewFile()
        worker = SaveWorker(str(path), text, self._new_file)
        worker.saved.connect(self._saved)
        worker.failed.connect(self._failed)
        self._launch(worker, "file-save", leavable=GIVEN_UP)
        return True

    def stop(self, timeout_ms: int = 3000) -> bool:
        """Give up a save in progress (the file that was there stays) and wait for its thread;
        True when it ended in time (else it is kept until it ends: see ``WorkerThread``, and
        the new file it was writing is removed, since the process may leave without it)."""
        self.target = None
        ended = super().stop(timeout_ms)
        if not ended:
            self._new_file.discard()
        return ended

    @Slot(str)
    def _saved(self, path: str) -> None:
        if self._done():
            self.saved.emit(Path(path))

    @Slot(str, str)
    def _failed(self, path: str, reason: str) -> None:
        if self._done():
            self.failed.emit(Path(path), reason)

    def _done(self) -> bool:
        """End the finished save's thread (its work has returned); False for a result queued
        before a ``stop``, which nobody waits for any more."""
        if not self.running:
            return False
        self.stop(DONE_WAIT_MS)
        return True
