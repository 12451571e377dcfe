"""Signals and the Windows console events become one ``exit_requested`` on the GUI thread."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from codex_presence_gui.services.signals import (
    CTRL_CLOSE_EVENT,
    CTRL_LOGOFF_EVENT,
    CTRL_SHUTDOWN_EVENT,
    SIGINT_EXIT_CODE,
    ConsoleEvents,
    ExitSignals,
    default_exit_signals,
)

posix = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture
def exits(qtbot: QtBot) -> Iterator[ExitSignals]:
    watcher = ExitSignals()
    yield watcher
    watcher.close()


def test_default_codes() -> None:
    """130 after Ctrl+C, as shells expect; 0 for a polite request to end."""
    codes = default_exit_signals()
    assert codes[signal.SIGINT] == SIGINT_EXIT_CODE == 130
    assert codes[signal.SIGTERM] == 0
    if hasattr(signal, "SIGHUP"):
        assert codes[signal.SIGHUP] == 0


@posix
def test_a_signal_arrives_as_a_qt_signal(exits: ExitSignals, qtbot: QtBot) -> None:
    """The signal is seen while the event loop waits, and the Python handler raises nothing."""
    assert exits.install({signal.SIGUSR1: 7})
    with qtbot.waitSignal(exits.exit_requested, timeout=2000) as blocker:
        os.kill(os.getpid(), signal.SIGUSR1)
    assert blocker.args == ["SIGUSR1", 7]


@posix
def test_uninstall_gives_the_signal_back(exits: ExitSignals) -> None:
    before = signal.getsignal(signal.SIGUSR2)
    assert exits.install({signal.SIGUSR2: 0})
    assert signal.getsignal(signal.SIGUSR2) is not before
    exits.uninstall()
    assert signal.getsignal(signal.SIGUSR2) is before
    assert signal.set_wakeup_fd(-1) == -1  # nothing left watching


def test_install_off_the_main_thread_is_refused(exits: ExitSignals) -> None:
    """Python allows signal handlers only on the main thread: say so, do not crash."""
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(exits.install()))
    thread.start()
    thread.join()
    assert result == [False]


def test_a_request_posted_from_another_thread(exits: ExitSignals, qtbot: QtBot) -> None:
    with qtbot.waitSignal(exits.exit_requested, timeout=2000) as blocker:
        threading.Thread(target=lambda: exits.post("console closed", 0)).start()
    assert blocker.args == ["console closed", 0]


class FakeKernel32:
    """Stands in for kernel32: keeps the handler so that a test can play Windows."""

    def __init__(self, ok: bool = True) -> None:
        self.ok = ok
        self.handlers: list[Any] = []

    def SetConsoleCtrlHandler(self, handler: Any, add: bool) -> int:
        if add:
            self.handlers.append(handler)
        else:
            self.handlers.remove(handler)
        return 1 if self.ok else 0


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (CTRL_CLOSE_EVENT, "console closed"),
        (CTRL_LOGOFF_EVENT, "log-off"),
        (CTRL_SHUTDOWN_EVENT, "shut-down"),
    ],
)
def test_console_events_ask_to_exit_and_wait_for_the_stop(event: int, reason: str) -> None:
    """Windows ends the process when the handler returns: it returns only once stopped."""
    posted: list[tuple[str, int]] = []
    kernel32 = FakeKernel32()
    console = ConsoleEvents(lambda r, c: posted.append((r, c)), kernel32, wait_s=5.0)
    assert console.install()
    (handler,) = kernel32.handlers
    answers: list[int] = []
    windows = threading.Thread(target=lambda: answers.append(handler(event)))
    windows.start()
    deadline = time.monotonic() + 2
    while not posted:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert posted == [(reason, 0)]
    time.sleep(0.1)
    assert windows.is_alive()  # still waiting: the app has not stopped yet
    console.stopped()
    windows.join(2)
    assert answers == [1]
    console.uninstall()
    assert kernel32.handlers == []


def test_console_handler_gives_up_waiting() -> None:
    """A stop that never comes does not hold the handler beyond its limit."""
    console = ConsoleEvents(lambda r, c: None, FakeKernel32(), wait_s=0.1)
    started = time.monotonic()
    assert console.handle(CTRL_CLOSE_EVENT) == 1
    assert time.monotonic() - started < 1


def test_other_console_events_are_left_to_python() -> None:
    """Ctrl+C (0) and Ctrl+Break (1) are Python's SIGINT and SIGBREAK: not handled here."""
    posted: list[tuple[str, int]] = []
    console = ConsoleEvents(lambda r, c: posted.append((r, c)), FakeKernel32(), wait_s=0.1)
    assert console.handle(0) == 0
    assert console.handle(1) == 0
    assert posted == []


def test_no_console_api_off_windows() -> None:
    if sys.platform == "win32":
        pytest.skip("Windows has the console API")
    assert ConsoleEvents(lambda r, c: None).install() is False


def test_a_refused_registration_is_reported() -> None:
    assert ConsoleEvents(lambda r, c: None, FakeKernel32(ok=False)).install() is False
