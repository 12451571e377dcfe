"""See the ways a desktop session asks the app to end, as a Qt signal on the GUI thread.

POSIX signals (SIGINT, SIGTERM, SIGHUP) and, on Windows, the console's close, log-off and
shut-down events all end up as one ``exit_requested(reason, code)`` emitted by the event loop,
so that they can take the same orderly path as File → Quit.

Why not Python's default handling: Python runs a signal handler only between bytecodes of the
main thread. While Qt's event loop waits in C, nothing runs, so Ctrl+C is noticed only at the
next Python slot, where ``KeyboardInterrupt`` is raised *inside* that slot: Qt prints a
traceback and carries on. SIGTERM and SIGHUP kill the process outright. Instead, each
signal's byte is written by the interpreter's C-level handler into a socket pair
(``signal.set_wakeup_fd``); a ``QSocketNotifier`` wakes the event loop on it. The Python-level
handlers do nothing at all: they exist only so that the interpreter catches the signal.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import queue
import signal
import socket
import threading
from collections.abc import Callable, Mapping
from types import FrameType
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, Signal, Slot

log = logging.getLogger(__name__)

#: Exit codes: 128 + SIGINT after Ctrl+C, as shells expect; a polite request ends with 0.
SIGINT_EXIT_CODE = 130


def default_exit_signals() -> dict[int, int]:
    """The signals that end the app on this platform, each with its exit code."""
    codes = {int(signal.SIGINT): SIGINT_EXIT_CODE, int(signal.SIGTERM): 0}
    for name in ("SIGHUP", "SIGBREAK"):  # POSIX's hang-up; Windows' Ctrl+Break
        number = getattr(signal, name, None)
        if number is not None:
            codes[int(number)] = 0
    return codes


def _ignore(_signum: int, _frame: FrameType | None) -> None:
    """The Python-level handler: nothing; the wake-up byte has told the event loop already."""


#: Byte written for a request posted from another thread (no signal has number 0).
_POSTED = 0


class ExitSignals(QObject):
    """Turns signals and posted requests into ``exit_requested`` on the owning (GUI) thread.

    Signals:
        exit_requested(str, int): the reason (e.g. ``"SIGTERM"``) and the exit code to use.
    """

    exit_requested = Signal(str, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._codes: dict[int, int] = {}
        self._previous: dict[int, Any] = {}
        self._previous_fd: int | None = None
        self._posted: queue.SimpleQueue[tuple[str, int]] = queue.SimpleQueue()
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._installed = False

    def install(self, codes: Mapping[int, int] | None = None) -> bool:
        """Catch ``codes``' signals (default: ``default_exit_signals()``) from now on.

        Only the main thread may do this; elsewhere (or when a signal cannot be caught) the
        failure is logged and False returned: the app runs on with the default handling.
        """
        if self._installed:
            return True
        if threading.current_thread() is not threading.main_thread():
            log.warning("exit signals not watched: not on the main thread")
            return False
        codes = dict(default_exit_signals() if codes is None else codes)
        try:
            self._previous_fd = signal.set_wakeup_fd(
                self._writer.fileno(), warn_on_full_buffer=False
            )
        except (ValueError, OSError) as error:
            log.warning("exit signals not watched: %s", error)
            return False
        for number in codes:
            try:
                self._previous[number] = signal.signal(number, _ignore)
            except (ValueError, OSError) as error:
                log.warning("cannot watch signal %s: %s", number, error)
                continue
            self._codes[number] = codes[number]
        self._installed = True
        return True

    def uninstall(self) -> None:
        """Give the signals back to their previous handlers (tests; the app keeps them)."""
        if not self._installed:
            return
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(-1 if self._previous_fd is None else self._previous_fd)
        self._previous.clear()
        self._codes.clear()
        self._installed = False

    def ignore_from_now(self) -> None:
        """The app has stopped: the signals watched are ignored for the moments left, and the
        wake-up socket is no longer written to. Python gives its handlers back to the
        default action as it ends: another Ctrl+C (or a session manager's SIGTERM) in that
        tear-down had killed the process (status -2, not 130), and one that came once the
        socket was closed printed a traceback."""
        if not self._installed:
            return
        for number in self._codes:
            with contextlib.suppress(ValueError, OSError):
                signal.signal(number, signal.SIG_IGN)
        with contextlib.suppress(ValueError, OSError):
            signal.set_wakeup_fd(-1)
        self._codes.clear()
        self._previous.clear()
        self._installed = False

    def post(self, reason: str, code: int = 0) -> None:
        """Thread-safe: ask for an exit from any thread (the Windows console handler's)."""
        self._posted.put((reason, code))
        with contextlib.suppress(OSError):  # full: a wake-up is pending anyway
            self._writer.send(bytes([_POSTED]))

    def close(self) -> None:
        """Stop watching and close the socket pair."""
        self.uninstall()
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()

    @Slot()
    def _drain(self) -> None:
        try:
            data = self._reader.recv(512)
        except OSError:
            return
        for number in data:
            if number == _POSTED:
                while True:
                    try:
                        reason, code = self._posted.get_nowait()
                    except queue.Empty:
                        break
                    self.exit_requested.emit(reason, code)
            elif number in self._codes:
                self.exit_requested.emit(_signal_name(number), self._codes[number])


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# -- Windows console events ---------------------------------------------------------------

CTRL_CLOSE_EVENT = 2
CTRL_LOGOFF_EVENT = 5
CTRL_SHUTDOWN_EVENT = 6
CONSOLE_EVENTS = {
    CTRL_CLOSE_EVENT: "console closed",
    CTRL_LOGOFF_EVENT: "log-off",
    CTRL_SHUTDOWN_EVENT: "shut-down",
}
#: Windows ends the process as soon as the handler returns (and after 5 s regardless).
CONSOLE_WAIT_S = 3.0


class ConsoleEvents:
    """Windows: the console's close, log-off and shut-down events, via ``SetConsoleCtrlHandler``.

    The handler runs on a thread Windows creates, and the process ends the moment it returns.
    So it only posts the request to the GUI thread, then waits (at most ``wait_s``) until the
    app says it has stopped (``stopped()``). Ctrl+C and Ctrl+Break are not handled here:
    Python turns them into SIGINT and SIGBREAK, which ``ExitSignals`` sees.

    ``kernel32`` is injectable so that tests can run this anywhere with a fake.
    """

    def __init__(
        self,
        post: Callable[[str, int], None],
        kernel32: Any = None,
        *,
        wait_s: float = CONSOLE_WAIT_S,
    ) -> None:
        self._post = post
        self._kernel32 = kernel32
        self._wait_s = wait_s
        self._stopped = threading.Event()
        self._callback: Any = None

    def install(self) -> bool:
        """Register the handler; False when there is no console API (not Windows)."""
        kernel32 = self._kernel32
        if kernel32 is None:
            if os.name != "nt":
                return False
            kernel32 = getattr(ctypes, "WinDLL")("kernel32", use_last_error=True)  # noqa: B009
            self._kernel32 = kernel32
        prototype = getattr(ctypes, "WINFUNCTYPE", ctypes.CFUNCTYPE)
        handler_type = prototype(ctypes.c_int, ctypes.c_uint)
        # Kept on self: Windows calls it later, and a collected callback would crash.
        self._callback = handler_type(self.handle)
        if not kernel32.SetConsoleCtrlHandler(self._callback, True):
            log.warning("cannot watch the console's close and log-off events")
            return False
        return True

    def uninstall(self) -> None:
        if self._callback is not None and self._kernel32 is not None:
            self._kernel32.SetConsoleCtrlHandler(self._callback, False)
        self._callback = None

    def stopped(self) -> None:
        """Thread-safe: the app has stopped; a waiting handler may return (the process ends)."""
        self._stopped.set()

    def handle(self, event: int) -> int:
        """The handler: 1 (handled) for the events above, 0 (next handler) for the rest."""
        reason = CONSOLE_EVENTS.get(event)
        if reason is None:
            return 0
        self._post(reason, 0)
        self._stopped.wait(self._wait_s)
        return 1
