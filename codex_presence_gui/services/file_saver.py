"""Write a file the user chose (the Usage page's CSV) from a worker thread: a slow or hung
folder (a network share, a FUSE mount) takes its time there, not the window's."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from codex_presence_gui.paths import os_problem, save_text
from codex_presence_gui.services.worker import Worker, WorkerHandle

log = logging.getLogger(__name__)

#: How long the GUI thread waits for a save's thread to end once its result is in (its work
#: has returned: only the thread's own ending is left, a few milliseconds).
DONE_WAIT_MS = 2000


class SaveWorker(Worker):
    """Writes one text to one file, whole or not at all (``paths.save_text``), then waits in
    its thread's loop for the owner's ``finish``.

    An abort (the app quitting) keeps the file that was at the path: the new one is not
    renamed over it (``save_text``'s ``cancelled``), and nothing is said any more.

    Signals:
        saved(str): the file was written (its path).
        failed(str, str): it could not be (its path, the reason in plain words).
    """

    saved = Signal(str)
    failed = Signal(str, str)

    def __init__(self, path: str, text: str) -> None:
        super().__init__()
        self._path = path
        self._text = text

    def work(self) -> None:
        """Write the file (the one job: it may take as long as the folder does)."""
        try:
            save_text(self._path, self._text, cancelled=self.should_stop)
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

    def save(self, path: Path, text: str) -> bool:
        """Start writing ``text`` to ``path``; False (and nothing started) while another save
        runs: two writes to one file at once would race to be the one left."""
        if self.running:
            return False
        self.target = path
        worker = SaveWorker(str(path), text)
        worker.saved.connect(self._saved)
        worker.failed.connect(self._failed)
        self._launch(worker, "file-save")
        return True

    def stop(self, timeout_ms: int = 3000) -> bool:
        """Give up a save in progress (the file that was there stays) and wait for its thread;
        True when it ended in time (else it is kept until it ends: see ``WorkerThread``)."""
        self.target = None
        return super().stop(timeout_ms)

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
