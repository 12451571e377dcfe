"""One recipe for a QObject worker in its own QThread, with a cooperative abort and an owner
that never drops a running thread.

The wiring is superqt's ``new_worker_qthread`` (``superqt/utils/_qthreading.py``): the worker
is moved to the thread before it starts, ``thread.started`` → ``worker.work`` (through
``run``), ``worker.finished`` → ``thread.quit`` and ``worker.deleteLater``, ``thread.finished``
→ ``thread.deleteLater``.
Everything that belongs to the thread (timers, watchers, readers, sockets) is created by
``work()``, which runs in the thread; a worker's ``__init__`` only stores plain values.
Services start their threads with ``start_soon``: from the event loop, once the deletions
already pending in the GUI thread are done (PySide and Qt locks, see there).

Stopping is cooperative: ``request_abort()`` sets a flag that long jobs poll through
``should_stop()`` between files or sends (and may cancel a blocking call through ``on_abort``),
then the worker tidies up in its own thread (``cleanup``) and emits ``finished``. When that does
not happen in time the owner keeps the thread (it is *parked* here) until it ends: destroying a
``QThread`` that still runs is a ``qFatal`` in Qt 6 (SIGABRT, "QThread: Destroyed while thread
… is still running"). The process waits for parked threads when it exits.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
import threading
import time
import weakref

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMetaObject,
    QObject,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)

log = logging.getLogger(__name__)

#: At exit, a parked thread is waited for this long (one log line per step) before the process
#: leaves without it; leaving normally would destroy it while it runs (an abort).
EXIT_WAIT_S = 10.0
EXIT_LOG_EVERY_S = 2.0
#: How long the exit waits for a parked thread its owner said may be left behind (a save
#: given up: the user's file stays as it was, whatever the thread does next).
LEAVE_WAIT_S = 1.0

#: How long a service's start waits for threads parked after a timed-out stop to end, and how
#: often it looks (see ``WorkerThread.start_soon``).
PARKED_WAIT_MS = 5000
PARKED_POLL_MS = 50

_parked: list[WorkerThread] = []
_parked_lock = threading.Lock()
#: The status the process exits with (``exiting_with``), for an exit that leaves a thread
#: behind; unknown (an exit by an error, say) is a failure.
_exit_status = 1


class Worker(QObject):
    """Base of the objects that live in a ``WorkerThread``.

    Subclasses implement ``work`` (set up in the thread; may be long), check ``should_stop()``
    between units of work, and put their tidying up in ``cleanup``.

    Signals:
        finished(): the worker is done; its thread's loop quits and the worker is deleted.
    """

    finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        # An Event, not a bool: set from the GUI thread, read from the worker's thread.
        self._abort = threading.Event()
        self._done = False

    @property
    def abort_requested(self) -> bool:
        """True once ``request_abort`` was called (from any thread)."""
        return self._abort.is_set()

    def should_stop(self) -> bool:
        """What long jobs ask between files or sends; cheap and thread-safe."""
        return self._abort.is_set()

    def request_abort(self) -> None:
        """Thread-safe: ask the worker to stop what it is doing as soon as it can."""
        self._abort.set()
        self.on_abort()

    def on_abort(self) -> None:
        """Runs in the caller's thread right after the flag is set: cancel a blocking call in
        progress (a handshake, say). Must be thread-safe; the default does nothing."""

    @Slot()
    def run(self) -> None:
        """Connected to ``thread.started``: calls ``work`` in the worker's thread."""
        self.work()

    def work(self) -> None:
        """Runs in the thread when it starts: create the thread's objects, do the first job.

        An event-driven worker returns and keeps serving its event loop until ``finish``; a
        one-shot job may call ``finish`` itself when it is done.
        """
        raise NotImplementedError

    def cleanup(self) -> None:
        """Runs in the worker's thread just before ``finished``: stop timers, close, clear."""

    @Slot()
    def finish(self) -> None:
        """Tidy up and emit ``finished`` (once); runs in the worker's thread."""
        if self._done:
            return
        self._done = True
        try:
            self.cleanup()
        finally:
            self.finished.emit()


class WorkerThread:
    """Owns one ``Worker`` and its ``QThread``; lives with its owner in the GUI thread.

    Args:
        worker: a fresh worker (it is moved to the new thread here, before the thread starts).
        name: the thread's name (shown in debuggers and in Qt's messages).
        leavable: why the process may exit without this thread once it is parked (its owner
            has made whatever it still does harmless), or None: the exit then waits
            ``EXIT_WAIT_S`` for it.
    """

    def __init__(self, worker: Worker, name: str, leavable: str | None = None) -> None:
        thread = QThread()
        thread.setObjectName(name)
        worker.moveToThread(thread)
        # To a slot of the base class: a subclass's ``work`` without ``@Slot`` would be called
        # as a plain callable in the GUI thread instead of in the worker's thread.
        thread.started.connect(worker.run)
        # Direct: the QThread object lives in the GUI thread, so an automatic connection would
        # queue quit() there, and the GUI thread is the one blocked in stop()'s wait.
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        worker.finished.connect(worker.deleteLater)
        thread.finished.connect(thread.deleteLater)
        self.name = name
        self.worker = worker
        self.leavable = leavable
        # Strong references until the thread has ended: Python owns both objects, and letting
        # go of them would delete them under the running thread.
        self._thread = thread
        self._started = False
        self._start_pending = False
        self._deadline = 0.0  # until when a pending start waits for parked threads to end
        self._cancelled = False  # stopped before it started: a pending start is dropped
        self._stopped = False

    @property
    def running(self) -> bool:
        """True from ``start`` until the thread has ended."""
        return self._started and not _ended(self._thread)

    def start(self) -> None:
        """Start the thread (once); ``worker.work`` runs there."""
        if not self._started and not self._cancelled:
            self._started = True
            self._thread.start()

    def start_soon(self) -> None:
        """Start the thread from the GUI thread's event loop, once the objects already marked
        for deletion there are gone (the way services start their workers).

        Why: PySide calls into Python (for the GIL) from a QObject's destructor while it holds
        a lock from Qt's pool of signal-slot locks, and a starting worker holds the GIL while
        it creates its timers and watchers, which take locks from the same pool. A worker
        started while the GUI thread deleted a window's rows waited for ever on one such lock
        (seen once, in the tests). Deletions pending at the start are the likely ones: a
        settings dialog just closed, rows a refresh replaced. A thread parked after a stop
        that timed out deletes its worker in its own thread when it ends: the start waits for
        it too, for up to ``PARKED_WAIT_MS``. What this cannot cover: objects made in the GUI
        thread while such a thread ends, and deletions that come later.
        """
        if self._started or self._start_pending:
            return
        self._start_pending = True
        self._deadline = time.monotonic() + PARKED_WAIT_MS / 1000
        self._start_later(0)

    def _start_later(self, delay_ms: int) -> None:
        # Through a weak reference: an owner let go of before the call is not kept alive,
        # nor started, by it. The QThread object lives in the GUI thread: the call is made
        # there.
        owner = weakref.ref(self)

        def start() -> None:
            alive = owner()
            if alive is not None:
                alive._start_after_deletions()

        QTimer.singleShot(delay_ms, self._thread, start)

    def _start_after_deletions(self) -> None:
        if self._started or self._cancelled:
            return
        if any(owner is not self for owner in _running_parked()):
            if time.monotonic() < self._deadline:
                self._start_later(PARKED_POLL_MS)
                return
            log.warning("starting thread %r while a parked thread still runs", self.name)
        # At the top of the event loop, not inside a caller that may still use those objects.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.start()

    def stop(self, timeout_ms: int) -> bool:
        """Ask the worker to abort and finish, and wait up to ``timeout_ms``.

        Returns True when the thread ended in time. Otherwise the thread is parked: it is kept
        (with its worker) until it ends, and the process waits for it when it exits. It is never
        dropped while it runs.
        """
        self._cancelled = True
        if not self._started or _ended(self._thread):
            return True
        worker = self.worker
        worker.request_abort()
        if not self._stopped:
            self._stopped = True
            # Queued into the worker's thread: runs as soon as the current job returns, which
            # the abort flag makes quick. cleanup() then runs in the thread that owns the objects.
            QMetaObject.invokeMethod(worker, "finish", Qt.ConnectionType.QueuedConnection)
        if self._thread.wait(timeout_ms):
            _prune_parked()
            return True
        log.warning(
            "thread %r did not stop within %d ms; kept until it ends", self.name, timeout_ms
        )
        _park(self)
        return False

    def __del__(self) -> None:
        # An owner let go without stop() (its parent object was deleted, a test failed): ask
        # the worker to end and keep the thread, instead of destroying it while it runs.
        try:
            if self.running:
                self.stop(0)
        except Exception:  # interpreter shutdown: the exit hook has waited already
            pass

    def wait(self, timeout_ms: int) -> bool:
        """Wait for the thread to end (after ``stop``); True when it has."""
        if not self._started or _ended(self._thread):
            return True
        return bool(self._thread.wait(timeout_ms))


def _ended(thread: QThread) -> bool:
    # thread.finished → thread.deleteLater may already have deleted the C++ object. Not
    # isFinished(): it is already true while the thread still runs its last steps (the
    # ``finished`` slots, the worker's deleteLater), and letting go of the objects then made
    # Python delete them under that thread (a crash seen in about one run in ten under load).
    # wait(0) is true only once the thread has really ended.
    return not shiboken6.isValid(thread) or bool(thread.wait(0))


def _park(owner: WorkerThread) -> None:
    with _parked_lock:
        if owner not in _parked:
            _parked.append(owner)
    _prune_parked()


def _running_parked() -> list[WorkerThread]:
    """Parked threads that have not ended yet (those that have are let go of)."""
    _prune_parked()
    with _parked_lock:
        return list(_parked)


def _prune_parked() -> None:
    """Let go of parked threads that have ended (in the GUI thread, never in their own)."""
    with _parked_lock:
        ended = [owner for owner in _parked if owner.wait(0)]
        for owner in ended:
            _parked.remove(owner)


def parked_threads() -> list[str]:
    """Names of threads that did not stop in time and are still running."""
    return [owner.name for owner in _running_parked()]


def join_parked(limit_s: float = EXIT_WAIT_S, leavable_s: float | None = None) -> bool:
    """Wait for every parked thread to end, logging each one still running every few seconds;
    True when all ended within ``limit_s``.

    With ``leavable_s``, threads their owner said may be left behind (``leavable``) are waited
    for that long only: True then also when only such threads are still running after it.
    """
    started = time.monotonic()
    deadline = started + limit_s
    while True:
        _prune_parked()
        with _parked_lock:
            pending = list(_parked)
        if not pending:
            return True
        now = time.monotonic()
        if leavable_s is not None and all(owner.leavable for owner in pending):
            if now - started >= leavable_s:
                return True
            deadline = min(deadline, started + leavable_s)
        left = deadline - now
        if left <= 0:
            return False
        names = ", ".join(repr(owner.name) for owner in pending)
        log.warning("waiting for thread %s to end before exiting", names)
        step_ms = int(min(EXIT_LOG_EVERY_S, left) * 1000) + 1
        pending[0].wait(step_ms)


def exiting_with(status: int) -> None:
    """The process is about to exit with ``status``: the status kept when the exit leaves
    behind a thread that may be left (see ``WorkerThread``'s ``leavable``)."""
    global _exit_status
    _exit_status = status


@atexit.register
def _join_parked_at_exit() -> None:
    """The last chance: wait for parked threads, and never let Python destroy a running one.

    Registered after PySide6 was imported, so it runs before PySide6's own clean-up. A thread
    its owner said may be left behind (a save hung in a dead network folder, given up) is
    waited for ``LEAVE_WAIT_S`` only, and leaving without it is no failure: the quit the user
    asked for took a second, not ``EXIT_WAIT_S``, and kept its status.
    """
    if join_parked(leavable_s=LEAVE_WAIT_S):
        left = _running_parked()
        if not left:
            return
        for owner in left:
            log.info("exiting without thread %r: %s", owner.name, owner.leavable)
        _leave(_exit_status)
    log.error(
        "threads %s still running %.0f s after quitting; exiting without them",
        ", ".join(parked_threads()),
        EXIT_WAIT_S,
    )
    _leave(1)


def _leave(status: int) -> None:
    """Exit now: a normal exit would destroy the running QThread objects (an abort, SIGABRT)."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


class WorkerHandle(QObject):
    """The GUI thread's side of one worker: a service (the session feed, the usage feed)
    starts its worker with ``_launch`` and stops it with ``stop``; results queued from a
    stopped worker are dropped by the service's slots (``running`` is False by then)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._owner: WorkerThread | None = None

    @property
    def running(self) -> bool:
        """True between ``start`` and ``stop``."""
        return self._owner is not None

    def _launch(self, worker: Worker, name: str, leavable: str | None = None) -> None:
        self._owner = WorkerThread(worker, name, leavable)
        self._owner.start_soon()

    def stop(self, timeout_ms: int = 3000) -> bool:
        """Stop the worker and wait for its thread; True when it ended in time.

        Work outlasting ``timeout_ms`` keeps its thread until it ends (``WorkerThread.stop``);
        nothing it produces is delivered any more.
        """
        owner = self._owner
        if owner is None:
            return True
        self._owner = None
        return owner.stop(timeout_ms)
