"""The worker recipe: work runs in the thread, the abort is cooperative, finished deletes the
worker, and a thread that does not stop in time is kept, never destroyed while it runs."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Callable, Iterator

import pytest
import shiboken6
from PySide6.QtCore import QObject, QThread, QTimer
from pytestqt.qtbot import QtBot

from codex_presence_gui.services import worker as worker_module
from codex_presence_gui.services.worker import Worker, WorkerThread, join_parked, parked_threads


class Recorder(Worker):
    """Records where things happen; ``busy_s`` makes ``work`` a long job."""

    def __init__(self, busy_s: float = 0.0, *, cooperative: bool = True) -> None:
        super().__init__()
        self.busy_s = busy_s
        self.cooperative = cooperative
        self.work_thread: threading.Thread | None = None
        self.cleanup_thread: threading.Thread | None = None
        self.timer_thread: QThread | None = None
        self.aborted_early = False
        self.aborts_seen = 0

    def work(self) -> None:
        self.work_thread = threading.current_thread()
        timer = QTimer(self)  # a thread-bound object, created where it will live
        self.timer_thread = timer.thread()
        deadline = time.monotonic() + self.busy_s
        while time.monotonic() < deadline:
            if self.cooperative and self.should_stop():
                self.aborted_early = True
                return
            time.sleep(0.01)

    def on_abort(self) -> None:
        self.aborts_seen += 1

    def cleanup(self) -> None:
        self.cleanup_thread = threading.current_thread()


@pytest.fixture
def owned() -> Iterator[Callable[[Worker, str], WorkerThread]]:
    """Make owners; whatever a test leaves running is stopped before it is let go."""
    owners: list[WorkerThread] = []

    def make(worker: Worker, name: str) -> WorkerThread:
        owners.append(WorkerThread(worker, name))
        return owners[-1]

    yield make
    for owner in owners:
        owner.stop(5000)
    assert join_parked(5.0)


def test_work_and_cleanup_run_in_the_thread_and_finished_deletes_the_worker(
    qtbot: QtBot, owned: Callable[[Worker, str], WorkerThread]
) -> None:
    """The worker's objects belong to its thread; stopping deletes the worker there."""
    worker = Recorder()
    owner = owned(worker, "recipe-test")
    assert not owner.running
    owner.start()
    qtbot.waitUntil(lambda: worker.work_thread is not None, timeout=3000)
    assert owner.running
    assert worker.work_thread is not threading.main_thread()
    assert worker.timer_thread is not QThread.currentThread()
    assert owner.stop(3000)
    assert not owner.running
    assert worker.cleanup_thread is worker.work_thread
    assert worker.abort_requested
    assert worker.aborts_seen == 1
    assert not shiboken6.isValid(worker)  # finished → deleteLater, processed as the thread ended
    assert owner.stop(3000)  # a second stop is harmless


def test_stop_before_start_is_immediate(owned: Callable[[Worker, str], WorkerThread]) -> None:
    """A worker that never started has nothing to wait for."""
    owner = owned(Recorder(), "never-started")
    assert owner.stop(10)


def test_a_long_job_that_checks_the_flag_stops_at_once(
    qtbot: QtBot, owned: Callable[[Worker, str], WorkerThread]
) -> None:
    """Stopping during a 10 s job: the job sees the flag and the thread ends quickly."""
    worker = Recorder(busy_s=10.0)
    owner = owned(worker, "cooperative")
    owner.start()
    qtbot.waitUntil(lambda: worker.work_thread is not None, timeout=3000)
    started = time.monotonic()
    assert owner.stop(3000)
    assert time.monotonic() - started < 1.0
    assert worker.aborted_early
    assert worker.cleanup_thread is not None


def test_a_thread_that_does_not_stop_in_time_is_kept_until_it_ends(qtbot: QtBot) -> None:
    """The wait times out: stop says so, and the thread outlives its dropped owner.

    The old feed let go of such a thread, and Qt aborted the process ("QThread: Destroyed
    while thread … is still running").
    """
    worker = Recorder(busy_s=0.8, cooperative=False)
    owner = WorkerThread(worker, "stubborn")  # no other reference to it is kept
    owner.start()
    qtbot.waitUntil(lambda: worker.work_thread is not None, timeout=3000)
    started = time.monotonic()
    assert not owner.stop(100)
    assert time.monotonic() - started < 0.5
    assert parked_threads() == ["stubborn"]
    del owner
    gc.collect()  # the caller lets go; the park keeps the thread alive
    assert join_parked(5.0)
    assert parked_threads() == []


def test_exit_waits_for_parked_threads(
    qtbot: QtBot, owned: Callable[[Worker, str], WorkerThread]
) -> None:
    """The exit hook waits for a parked thread instead of destroying it."""
    worker = Recorder(busy_s=0.5, cooperative=False)
    owner = owned(worker, "at-exit")
    owner.start()
    qtbot.waitUntil(lambda: worker.work_thread is not None, timeout=3000)
    assert not owner.stop(50)
    worker_module._join_parked_at_exit()  # returns (no os._exit) once the thread has ended
    assert not owner.running
    assert worker.cleanup_thread is not None  # the finish queued by stop still ran


class LeftError(Exception):
    """Raised by the stand-in for ``os._exit`` in the exit hook's tests."""


def test_exit_leaves_a_leavable_thread_behind_after_a_second_with_the_apps_status(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parked thread its owner said may be left (a given-up save in a hung folder) holds
    the exit ``LEAVE_WAIT_S``, not ``EXIT_WAIT_S`` (10 s), and the process keeps the status
    the app asked for: the quit had taken 11 s and ended with status 1."""
    statuses: list[int] = []

    def leave(status: int) -> None:
        statuses.append(status)
        raise LeftError

    monkeypatch.setattr(worker_module.os, "_exit", leave)
    monkeypatch.setattr(worker_module, "LEAVE_WAIT_S", 0.2)
    monkeypatch.setattr(worker_module, "_exit_status", 1)
    worker = Recorder(busy_s=3.0, cooperative=False)
    owner = WorkerThread(worker, "hung-save", leavable="a save given up")
    owner.start()
    qtbot.waitUntil(lambda: worker.work_thread is not None, timeout=3000)
    assert not owner.stop(50)
    worker_module.exiting_with(0)
    started = time.monotonic()
    with pytest.raises(LeftError):
        worker_module._join_parked_at_exit()
    assert time.monotonic() - started < 1.5
    assert statuses == [0]
    assert join_parked(5.0)  # (the test's own clean-up: the thread ends by itself)


def test_exit_waits_for_an_unleavable_thread_beside_a_leavable_one(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only threads that may all be left are cut short: a parked thread without ``leavable``
    beside one with it is waited for, as before."""
    monkeypatch.setattr(worker_module, "LEAVE_WAIT_S", 0.05)
    hung = Recorder(busy_s=3.0, cooperative=False)
    stubborn = Recorder(busy_s=0.6, cooperative=False)
    owners = [WorkerThread(hung, "hung-save", leavable="a save given up")]
    owners.append(WorkerThread(stubborn, "stubborn"))
    for owner in owners:
        owner.start()
    qtbot.waitUntil(lambda: None not in (hung.work_thread, stubborn.work_thread), timeout=3000)
    assert not any(owner.stop(20) for owner in owners)
    assert join_parked(5.0, leavable_s=0.05)  # true once only the leavable one runs
    assert not owners[1].running
    assert owners[0].running
    assert not join_parked(0.05)  # without leavable_s, the leavable one is waited for
    assert join_parked(5.0)


def test_an_owner_let_go_without_stop_parks_its_thread(qtbot: QtBot) -> None:
    """Dropping a running owner asks its worker to stop and keeps the thread until it ends."""
    worker = Recorder(busy_s=10.0)
    owner = WorkerThread(worker, "forgotten")
    owner.start()
    qtbot.waitUntil(lambda: worker.work_thread is not None, timeout=3000)
    del owner
    gc.collect()
    assert worker.abort_requested
    assert join_parked(5.0)
    assert worker.aborted_early


def test_a_service_start_waits_for_the_deletions_already_pending(
    qtbot: QtBot, owned: Callable[[Worker, str], WorkerThread]
) -> None:
    """``start_soon`` starts the thread from the event loop, after the objects marked for
    deletion in the GUI thread are gone: a worker starting while they are deleted can wait
    for ever on a lock their destructor holds (PySide takes the GIL there)."""
    doomed = QObject()
    gone: list[bool] = []
    doomed.destroyed.connect(lambda: gone.append(True))
    doomed.deleteLater()
    del doomed
    seen_gone: list[bool] = []

    class Watcher(Recorder):
        def work(self) -> None:
            seen_gone.append(bool(gone))
            super().work()

    owner = owned(Watcher(), "start-soon-test")
    owner.start_soon()
    owner.start_soon()  # once only
    assert not owner.running  # not from inside the caller
    qtbot.waitUntil(lambda: bool(seen_gone), timeout=3000)
    assert seen_gone == [True]
    assert owner.running


def test_a_start_asked_for_then_stopped_never_happens(
    qtbot: QtBot, owned: Callable[[Worker, str], WorkerThread]
) -> None:
    """A service stopped before the event loop ran (a settings change right after the start)
    does not start its thread afterwards."""
    worker = Recorder()
    owner = owned(worker, "cancelled-start")
    owner.start_soon()
    assert owner.stop(1000)
    qtbot.wait(50)
    assert worker.work_thread is None
    assert not owner.running


def test_a_start_waits_for_a_parked_thread_to_end(
    qtbot: QtBot, owned: Callable[[Worker, str], WorkerThread]
) -> None:
    """A settings change after a stop that timed out: the new worker starts once the old
    thread has ended (it deletes its worker in its own thread as it ends)."""
    old = Recorder(busy_s=0.6, cooperative=False)
    parked = owned(old, "old-feed")
    parked.start()
    qtbot.waitUntil(lambda: old.work_thread is not None, timeout=3000)
    assert not parked.stop(10)
    new = Recorder()
    owner = owned(new, "new-feed")
    owner.start_soon()
    qtbot.wait(200)
    assert new.work_thread is None  # the old one still runs
    qtbot.waitUntil(lambda: new.work_thread is not None, timeout=5000)
    assert parked_threads() == []


def test_a_pending_start_does_not_keep_its_owner(qtbot: QtBot) -> None:
    """An owner let go of before the event loop ran is not kept alive, nor started, by the
    start it asked for."""
    worker = Recorder()
    owner = WorkerThread(worker, "let-go")
    gone = weakref.ref(owner)
    owner.start_soon()
    del owner
    gc.collect()
    assert gone() is None
    qtbot.wait(100)
    assert worker.work_thread is None
