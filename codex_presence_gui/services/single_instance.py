"""One running instance per user: a lock file decides, a local socket carries "activate"/"replace".

The first launch takes a ``QLockFile`` (whose stale-lock detection recognises a crashed or
killed owner) and listens on a per-user ``QLocalServer``, and on one beside the lock. A later
launch asks it to show its window and exits, or, with ``--replace``, asks it to quit and takes
over once the lock is free.
An owner that does not answer within a few seconds is reported as hung instead of waited on.
"""

from __future__ import annotations

import enum
import getpass
import hashlib
import logging
import math
import os
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from codex_presence_gui import LAUNCHED_AT
from codex_presence_gui.core.formatting import format_duration
from codex_presence_gui.core.sanitize import is_utf8
from codex_presence_gui.paths import keep_aside, make_folder, os_problem

log = logging.getLogger(__name__)

ACTIVATE = b"activate"
REPLACE = b"replace"
#: "replace-unless-newer <monotonic time> <wall time>": replace only an instance that began
#: running before the launch did (``LAUNCHED_AT``), unless both clocks say it began after.
#: An older app knows only ``REPLACE``.
REPLACE_UNLESS_NEWER = b"replace-unless-newer"
#: The answer of an instance that began running after the launch asking to replace it: it
#: is itself a replacement (of several launches at once, the one that took over), and shows
#: its window instead.
NEWER = b"newer"
#: How long a new launch keeps trying to reach an owner that is still starting up.
CONNECT_PATIENCE_S = 5.0
#: How long an owner may take to answer before it is called hung.
ANSWER_TIMEOUT_MS = 3000
#: How long ``--replace`` waits for the old instance to finish quitting.
HANDOVER_TIMEOUT_S = 8.0
#: How often, meanwhile, it looks whether another launch took the lock first.
TAKE_OVER_SLICE_MS = 200
#: How many owners in turn a launch asks, when the one it asks quits before it answers.
HAND_OVER_TRIES = 3
#: Far more than a lock file holds (a process id, the app's and the computer's names, a few
#: hundred bytes): a larger file is not one, and Qt would read it whole.
MAX_LOCK_BYTES = 64 * 1024


def fallback_server(name: str) -> str | None:
    """Where the channel named ``name`` goes when its usual place cannot take it (None: no
    other place). Qt puts a plain name in the temporary folder ($TMPDIR on Linux and macOS):
    one that is gone or read-only had left the running instance unreachable, and every later
    launch told to end it as hung. Windows' named pipes need no folder."""
    if os.name == "nt":
        return None
    return f"/tmp/{name}"


def private_server(lock_path: Path) -> str | None:
    """Where the running instance listens as well: a socket beside the lock, in a folder of
    this user's alone (None on Windows, whose named pipes need no folder). Every launch that
    takes the same lock finds it there: one started with another settings folder (whose
    channel has another name), and one whose channel's names in the temporary folders are
    taken by what another user or a folder put there (anyone can work them out). Either had
    found no channel, and told the user to end a healthy instance as hung."""
    if os.name == "nt":
        return None
    return str(lock_path.with_name("instance.socket"))


def server_name(config_dir: Path) -> str:
    """A local-socket name unique to this user and configuration folder."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name (some containers): the folder alone still separates
        user = "user"
    # surrogateescape: a folder's name need not be UTF-8 (its bytes are hashed as they are).
    text = f"{user}\0{config_dir}"
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"codex-presence-{digest}"


class Outcome(enum.Enum):
    """What starting found."""

    PRIMARY = "primary"  # this process runs the app
    ACTIVATED = "activated"  # the running instance was asked to show itself
    NO_ANSWER = "no answer"  # an instance holds the lock but does not answer
    LOCK_ERROR = "lock error"  # the lock file cannot be created


@dataclass(frozen=True, slots=True)
class StartResult:
    """The outcome, with a sentence for the user when this process should not run."""

    outcome: Outcome
    message: str = ""
    #: What the running instance said of itself when it showed its window (``details``).
    details: str = ""


class SingleInstance(QObject):
    """The instance lock and the channel to the running instance.

    Signals:
        activate_requested(): another launch wants the window shown.
        replace_requested(): another launch (``--replace``) wants this instance to quit.
    """

    activate_requested = Signal()
    replace_requested = Signal()

    def __init__(
        self,
        lock_path: Path,
        name: str,
        parent: QObject | None = None,
        *,
        launched_at: tuple[float, float] = LAUNCHED_AT,
    ) -> None:
        super().__init__(parent)
        self.lock_path = lock_path
        self.name = name
        #: When this launch began, by the monotonic and the wall clock (``LAUNCHED_AT``).
        self.launched_at = launched_at
        #: When this instance took the lock (as the primary one), by the same two clocks.
        self._primary_since: tuple[float, float] | None = None
        self._lock = QLockFile(str(lock_path))
        # A lock is stale only when its owner is gone (Qt checks the process); never by age.
        self._lock.setStaleLockTime(0)
        #: Where this instance listens, when it is the primary one (``_become_primary``).
        self._servers: list[QLocalServer] = []
        #: In the running instance: one line about it, sent to a launch it shows its window
        #: for (the Codex folders it reads: the launch says whether its own are other ones).
        self.details: Callable[[], str] | None = None

    def start(self, *, replace: bool = False) -> StartResult:
        """Become the primary instance, or hand the launch over to the running one."""
        problem = self._prepare()
        if problem is not None:
            return StartResult(Outcome.LOCK_ERROR, problem)
        if self._lock.tryLock(100):
            if not self._listened_to():
                return self._become_primary()
            # The lock was free, yet an instance listens: one whose lock file was deleted or
            # put aside while it ran. Shown (or replaced) as if it held the lock: taking over
            # had made two instances, and removed the first one's channel. Our lock goes
            # first: Qt's unlock removes the file at the lock's path, whoever made it, so the
            # other's quitting would take it from under us.
            self._lock.unlock()
            return self._hand_over(replace, "", locked=False)
        if self._lock.error() != QLockFile.LockError.LockFailedError:
            # Not held by another: it cannot be written (a read-only or full disk).
            why = _why_unwritable(self.lock_path.parent)
            return StartResult(
                Outcome.LOCK_ERROR, f"Cannot create the lock file {self.lock_path}: {why}."
            )
        return self._hand_over(replace, self._owner_pid(), locked=True)

    def _hand_over(
        self, replace: bool, pid: str, *, locked: bool, tries: int = HAND_OVER_TRIES
    ) -> StartResult:
        """Ask the running instance (``pid``: its process, as the message names it) to show
        its window, or with ``replace`` to quit, then take the lock; ``locked``: it holds
        the lock (else it runs without one, see ``start``); ``tries``: how many more times
        to ask the next owner, when the one asked quits meanwhile."""
        asked = self._owner() if locked else 0
        if replace:
            reply = self._send(REPLACE_UNLESS_NEWER + b" %r %r" % self.launched_at)
            if reply == b"?":  # an older version of the app, running still
                reply = self._send(REPLACE)
        else:
            reply = self._send(ACTIVATE)
        if reply is None and locked and not pid and self._keep_aside() and self._lock.tryLock(100):
            # A file naming no process, and no instance answering: not a lock but damage.
            return self._become_primary()
        if reply is None and locked and tries > 0:
            # The instance quit as it was asked (another launch replaced it, or it was
            # closed): this launch runs in its place, or asks the one that took over. Said
            # hung, a launch of several with --replace had exited 1 for a healthy app.
            if self._lock.tryLock(100):
                return self._become_primary()
            owner = self._owner()
            if owner and owner != asked:
                return self._hand_over(replace, f" (process {owner})", locked=True, tries=tries - 1)
        if reply is None:
            return StartResult(
                Outcome.NO_ANSWER,
                f"Codex Presence is already running{pid} but does not answer; it may be hung. "
                "Close it (or end it in your task manager) and start again.",
            )
        if reply.split(b" ", 1)[0] == NEWER:
            return StartResult(
                Outcome.ACTIVATED,
                "Codex Presence was replaced a moment ago by another launch: showed its window.",
                _details_in(reply),
            )
        if not replace:
            message = "Codex Presence is already running: showed its window."
            return StartResult(Outcome.ACTIVATED, message, _details_in(reply))
        if locked:
            return self._take_over(pid, asked)
        if self._gone() and self._lock.tryLock(100):
            return self._become_primary()
        return _not_finished(pid)

    def _take_over(self, pid: str, asked: int) -> StartResult:
        """Wait for the instance that agreed to quit (``asked``: its process, as the lock
        named it before it was asked; 0 when unknown) to free the lock, and take it. Another
        launch that asked it to quit at the same moment may take it first: that one is then
        asked to show its window (it began running after this launch, so it stays), instead
        of being waited on for 8 s and called hung. (The owner read only once the answer
        came could already be that other launch, waited on as if it were quitting.)"""
        deadline = time.monotonic() + HANDOVER_TIMEOUT_S
        while True:  # (ends: the lock taken, another's found, or the deadline passed)
            left = deadline - time.monotonic()
            if self._lock.tryLock(max(0, min(TAKE_OVER_SLICE_MS, int(left * 1000)))):
                return self._become_primary()
            owner = self._owner()
            if owner and asked and owner != asked:
                return self._hand_over(True, f" (process {owner})", locked=True)
            if left <= 0:
                return _not_finished(pid)

    def _prepare(self) -> str | None:
        """Make the lock's folder, and put aside what is in the lock's place but cannot be a
        lock (a folder, a FIFO, a link, a huge file: Qt would wait on or read it for ever);
        why the lock cannot be taken, else None."""
        if not is_utf8(str(self.lock_path)):
            # Qt reads and writes files by names in UTF-8: this one would be another file.
            return (
                f"Cannot create the lock file {self.lock_path}: its folder's name is not "
                "UTF-8 text, which the window cannot use."
            )
        try:
            make_folder(self.lock_path.parent)
        except OSError as error:
            return f"Cannot create the lock file {self.lock_path}: {os_problem(error)}."
        try:
            info = os.lstat(self.lock_path)
        except FileNotFoundError:
            return None
        except OSError as error:
            return f"Cannot use the lock file {self.lock_path}: {error.strerror or error}."
        if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_LOCK_BYTES:
            return None
        if self._keep_aside():
            return None
        return f"Cannot use the lock file {self.lock_path}: it is not a file and cannot be moved."

    def _keep_aside(self) -> bool:
        """Rename what is at the lock's path to ``<name>.corrupt-<time>``; whether it went."""
        backup = keep_aside(self.lock_path)
        if backup is None:
            log.warning("cannot move the damaged lock %s aside", self.lock_path)
            return False
        log.warning("the lock file %s was not a lock; kept as %s", self.lock_path, backup)
        return True

    def release(self) -> None:
        """Stop listening and free the lock (on quit)."""
        for server in self._servers:
            server.close()
        self._servers = []
        if self._lock.isLocked():
            self._lock.unlock()

    # -- primary ------------------------------------------------------------------------

    def _become_primary(self) -> StartResult:
        """Listen on the channel's name (or its fallback) and, always, beside the lock:
        a launch whose settings folder is another (``XDG_CONFIG_HOME`` set in a terminal
        only) takes the same lock, but looks for another name, and had called this
        instance hung."""
        self._primary_since = (time.monotonic(), time.time())
        refused: list[str] = []
        for name in self._shared_names():
            if self._listen(name, refused):
                break
        private = private_server(self.lock_path)
        if private is not None:
            self._listen(private, refused)
        if refused and self._servers:
            listening = ", ".join(server.fullServerName() for server in self._servers)
            log.info("listening on %s; not on %s", listening, "; ".join(refused))
        elif refused:
            log.warning("cannot listen on %s", "; ".join(refused))
        return StartResult(Outcome.PRIMARY)

    def _listen(self, name: str, refused: list[str]) -> bool:
        """Listen on ``name`` too; whether it could (else why not is added to ``refused``)."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # Only the lock holder may remove a socket file left by a crashed instance.
        QLocalServer.removeServer(name)
        if not server.listen(name):
            refused.append(f"{name} ({server.errorString()})")
            server.deleteLater()
            return False
        server.newConnection.connect(lambda: self._accept(server))
        self._servers.append(server)
        return True

    def _accept(self, server: QLocalServer) -> None:
        while server.hasPendingConnections():
            connection = server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)
            if connection.canReadLine():
                self._read(connection)

    def _read(self, connection: QLocalSocket) -> None:
        if not connection.canReadLine():
            return
        command = bytes(connection.readLine().data()).strip()
        if command == ACTIVATE:
            details = self._details()
            connection.write(b"ok " + details + b"\n" if details else b"ok\n")
            connection.flush()
            log.info("another launch asked to show the window")
            self.activate_requested.emit()
        elif command.startswith(REPLACE_UNLESS_NEWER + b" ") and self._began_after(command):
            details = self._details()
            connection.write(NEWER + b" " + details + b"\n" if details else NEWER + b"\n")
            connection.flush()
            log.info("a launch asked to replace this instance, which began after it: stays")
            self.activate_requested.emit()
        elif command == REPLACE or command.startswith(REPLACE_UNLESS_NEWER + b" "):
            connection.write(b"bye\n")
            connection.flush()
            if connection.state() != QLocalSocket.LocalSocketState.ConnectedState:
                # The launch gave up on an answer (this instance was stopped, or busy): it
                # told the user this one is hung and took nothing over. Quitting now, once
                # going again, had left no instance running.
                log.warning("a launch asked this instance to quit, but gave up waiting: staying")
                return
            log.info("another launch replaces this instance")
            self.replace_requested.emit()
        else:
            connection.write(b"?\n")
            connection.flush()

    def _began_after(self, command: bytes) -> bool:
        """Whether this instance took the lock after the launch that sent ``command``
        (``REPLACE_UNLESS_NEWER``) began, by both clocks; False when its times cannot be read
        (replaced, as asked): a replacement left undone is the worse mistake."""
        try:
            launched = [float(word) for word in command.split(b" ")[1:]]
        except ValueError:
            return False
        since = self._primary_since
        if since is None or len(launched) != len(since):
            return False
        return all(
            math.isfinite(at) and at < then for at, then in zip(launched, since, strict=True)
        )

    def _details(self) -> bytes:
        """``details`` as one line of UTF-8 (the answer ends at its LF); empty when it cannot
        be had: the answer must go out whatever this says."""
        try:
            text = self.details() if self.details is not None else ""
            if not isinstance(text, str):
                raise TypeError(f"details gave {type(text).__name__}, not text")
        except Exception:
            log.exception("cannot describe this instance")
            return b""
        return " ".join(text.splitlines()).encode("utf-8", "replace")

    # -- secondary ----------------------------------------------------------------------

    def _owner(self) -> int:
        """The process that holds the lock, as its file names it; 0 when unknown."""
        info = self._lock.getLockInfo()  # PySide: (pid, hostname, appname); pid 0 if unknown
        pid = info[0] if isinstance(info, tuple) and info else 0
        return pid if isinstance(pid, int) else 0

    def _owner_pid(self) -> str:
        pid = self._owner()
        return f" (process {pid})" if pid else ""

    def _shared_names(self) -> list[str]:
        """The channel's name, then its fallback: the running instance listens on the first
        it could."""
        return [self.name, *filter(None, [fallback_server(self.name)])]

    def _names(self) -> list[str]:
        """Where the running instance listens: ``_shared_names``, then beside the lock
        (``private_server``), where it listens too."""
        return [*self._shared_names(), *filter(None, [private_server(self.lock_path)])]

    def _listened_to(self) -> bool:
        """Whether an instance listens on the channel now (no waiting for one starting)."""
        socket = QLocalSocket()
        found = _connected(socket, self._names())
        socket.abort()
        return found

    def _gone(self) -> bool:
        """Wait up to ``HANDOVER_TIMEOUT_S`` for an instance without the lock that agreed to
        quit to close its channel (it frees its lock, the file at the lock's path, right
        after: a moment more); whether it did."""
        deadline = time.monotonic() + HANDOVER_TIMEOUT_S
        while self._listened_to():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        time.sleep(0.1)
        return True

    def _send(self, command: bytes) -> bytes | None:
        """Send a command to the running instance; its one-line answer, or None."""
        deadline = time.monotonic() + CONNECT_PATIENCE_S
        names = self._names()
        socket = QLocalSocket()
        while not _connected(socket, names):
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)  # the owner may still be starting: it listens within moments
        socket.write(command + b"\n")
        # The bytes may already be out (then this returns False at once): not an error.
        socket.waitForBytesWritten(ANSWER_TIMEOUT_MS)
        answer = b""
        end = time.monotonic() + ANSWER_TIMEOUT_MS / 1000
        while b"\n" not in answer and time.monotonic() < end:
            if socket.waitForReadyRead(100):
                answer += bytes(socket.readAll().data())
            elif socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
                break
        socket.disconnectFromServer()
        return answer.strip() if b"\n" in answer else None


def _connected(socket: QLocalSocket, names: list[str]) -> bool:
    """Connect ``socket`` to the first of ``names`` that answers; whether one did."""
    for name in names:
        socket.connectToServer(name)
        if socket.waitForConnected(500):
            return True
        socket.abort()
    return False


def _why_unwritable(folder: Path) -> str:
    """Why no file can be written in ``folder`` (Qt's lock does not say): found by writing a
    small one (a full disk refuses the write, not the creation)."""
    try:
        handle, name = tempfile.mkstemp(prefix=".lock-check-", dir=folder)
        try:
            os.write(handle, b"0" * 512)
            os.fsync(handle)
        finally:
            os.close(handle)
            os.unlink(name)
    except OSError as error:
        return error.strerror or str(error)
    return "it could not be written"


def _details_in(reply: bytes) -> str:
    """What the running instance said of itself after its one-word answer ("ok", "newer");
    an older version says nothing."""
    parts = reply.split(b" ", 1)
    return parts[1].decode("utf-8", "replace") if len(parts) == 2 else ""


def _not_finished(pid: str) -> StartResult:
    """The instance (``pid``, as the message names it) agreed to quit but is still there."""
    return StartResult(
        Outcome.NO_ANSWER,
        f"The running Codex Presence{pid} agreed to quit but has not finished after "
        f"{format_duration(HANDOVER_TIMEOUT_S)}; it may be hung.",
    )
